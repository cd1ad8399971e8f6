"""Replaying the CommitLog: the kernel's authority state rebuilt from commits alone.

The model follows kernel_image/src/kernel/axiom*.c exactly: processes (pid → parent,
name, resource limits), CSpaces (pid → slot → capability, badge, parent id), endpoints
and notifications (id → owner), PCI devices (bdf → ids), shared memory objects (id → creator, size, flags,
device), memory regions (pid → base → size, prot, and what a shared one maps) and the id
counters. Applying a
commit that does not fit the state (a slot already full, an unknown process…) means the
log is corrupt and is reported with its sequence number. A Checkpoint commit's state hash
must equal the hash of the replayed state at that point, computed over the same canonical
records the kernel feeds (orbital_build/abi/defs/axiom.py STATE).

Limits nest (decisions D80, D84): every live process's limits, plus itself as one process,
are reserved from its payer's — its spawner, or the spawner's payer once the spawner is
gone — so at every ProcessCreated the children a payer carries must fit in its limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import OrbitalError
from ..generated import abi
from .chain import Commit

CT = abi.CommitType
OT = abi.ObjectType
BOOT_WINDOW = abi.BOOT_ARCHIVE_VADDR
RESOURCES = ("memory", "msg_bytes", "processes", "threads", "endpoints", "notifications",
             "caps", "messages", "shm", "msix")   # ORB_RES_* order


class ReplayError(OrbitalError):
    """A commit that cannot apply, a failed invariant, or a checkpoint mismatch."""


@dataclass
class Cap:
    record: Any          # abi.CapRecord
    badge: int
    parent_id: int


MAP_SHM, MAP_DEVICE = 1, 2   # mapping kinds of the state hash's 'V' records


@dataclass(frozen=True)
class Region:
    size: int
    prot: int
    kind: int = 0        # 0 private, MAP_SHM or MAP_DEVICE
    object: int = 0      # the shared object's id, or bdf << 8 | bar


@dataclass
class State:
    processes: dict[int, tuple[int, str, Any]] = field(default_factory=dict)   # parent, name, limits
    payers: dict[int, int] = field(default_factory=dict)   # pid → whose limits hold its own
    cspaces: dict[int, dict[int, Cap]] = field(default_factory=dict)
    endpoints: dict[int, int] = field(default_factory=dict)
    notifications: dict[int, int] = field(default_factory=dict)
    devices: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    shms: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    regions: dict[int, dict[int, Region]] = field(default_factory=dict)
    next_pid: int = 1
    next_eid: int = 1
    next_nid: int = 1
    next_cap_id: int = 1
    next_shm_id: int = 1
    checkpoints: int = 0

    # --- the state hash -----------------------------------------------------------------
    def records(self) -> list[Any]:
        out: list[Any] = []
        for pid in sorted(self.processes):
            parent, name, limits = self.processes[pid]
            out.append(abi.StateProcess(pid=pid, parent=parent, name=name, limits=limits))
        for pid in sorted(self.cspaces):
            for slot in sorted(self.cspaces[pid]):
                c = self.cspaces[pid][slot]
                out.append(abi.StateCap(pid=pid, slot=slot, cap=c.record, badge=c.badge))
        out += [abi.StateEndpoint(id=i, owner=o) for i, o in sorted(self.endpoints.items())]
        out += [abi.StateNotification(id=i, owner=o)
                for i, o in sorted(self.notifications.items())]
        shared: list[Any] = []
        for pid in sorted(self.regions):
            for base in sorted(self.regions[pid]):
                r = self.regions[pid][base]
                if r.kind:
                    shared.append(abi.StateMapping(pid=pid, base=base, size=r.size, prot=r.prot,
                                                   kind=r.kind, object=r.object))
                else:
                    out.append(abi.StateRegion(pid=pid, base=base, size=r.size, prot=r.prot))
        out += [abi.StatePciDevice(bdf=b, vendor=v, device=d, class_code=c)
                for b, (v, d, c) in sorted(self.devices.items())]
        out += [abi.StateShm(id=i, creator=c, size=sz, flags=f, device=d)
                for i, (c, sz, f, d) in sorted(self.shms.items())]
        out += shared
        out.append(abi.StateCounters(next_pid=self.next_pid, next_eid=self.next_eid,
                                     next_nid=self.next_nid, next_cap_id=self.next_cap_id,
                                     next_shm_id=self.next_shm_id))
        return out

    def hash(self) -> bytes:
        return abi.state_hash(self.records())

    # --- invariants ---------------------------------------------------------------------
    def caps(self) -> dict[int, tuple[int, int, Cap]]:
        """cap id → (pid, slot, cap)."""
        return {c.record.id: (pid, slot, c) for pid, cs in self.cspaces.items()
                for slot, c in cs.items()}

    def _object_alive(self, t: int, obj: int) -> bool:
        if t == OT.ENDPOINT:
            return obj in self.endpoints
        if t == OT.NOTIFICATION:
            return obj in self.notifications
        if t == OT.PROCESS:
            return obj == 0 or obj in self.processes
        if t == OT.CSPACE:
            return obj in self.processes
        if t == OT.MEMORY:
            return (obj & 0xFFFFFFFFFFFF) in self.regions.get(obj >> 48, {})
        if t == OT.PCI_DEVICE:
            return obj in self.devices
        if t == OT.SHM:
            return obj in self.shms
        return True   # console, IRQ lines, port ranges, the logs: never destroyed

    def check_invariants(self) -> None:
        by_id = self.caps()
        for cid, (pid, slot, c) in sorted(by_id.items()):
            where = f"pid {pid} slot {slot} (cap {cid})"
            parent = by_id.get(c.parent_id)
            if parent and c.record.rights & ~parent[2].record.rights:
                raise ReplayError(f"{where}: rights {c.record.rights:#x} exceed its parent's "
                                  f"{parent[2].record.rights:#x}")
            t, obj = c.record.object_type, c.record.object_id
            if not self._object_alive(t, obj):
                raise ReplayError(f"{where}: names a destroyed {OT(t).name.lower()} ({obj:#x})")
        # Private memory is private: its frames come fresh with each region. What is shared
        # is named: a shared object that still exists, a device boot found (and a BAR of
        # it), or init's read-only window onto the boot archive.
        for pid, regs in self.regions.items():
            for base, r in regs.items():
                if r.kind == 0 and base == BOOT_WINDOW and (pid != 1 or r.prot != 1):
                    raise ReplayError(f"pid {pid}: the boot archive window is mapped outside "
                                      "init or writable")
                if r.kind == MAP_SHM and r.object not in self.shms:
                    raise ReplayError(f"pid {pid}: region {base:#x} maps shared object "
                                      f"{r.object}, which is gone")
                if r.kind == MAP_DEVICE and r.object >> 8 not in self.devices:
                    raise ReplayError(f"pid {pid}: region {base:#x} maps a BAR of device "
                                      f"{r.object >> 8:#x}, which boot never found")

    def _check_reservations(self, payer: int) -> None:
        """The limits of the live processes `payer` carries fit in its own."""
        limits = self.processes[payer][2].amount
        held = [0] * len(limits)
        for child in (c for c, by in self.payers.items() if by == payer):
            for k, n in enumerate(self.processes[child][2].amount):
                held[k] += n + (k == abi.RES_PROCESSES)
        for k, n in enumerate(held):
            if n > limits[k]:
                raise ReplayError(f"pid {payer}'s children reserve {n} {RESOURCES[k]}, past "
                                  f"its limit of {limits[k]}")

    # --- applying commits ---------------------------------------------------------------
    def apply(self, c: Commit) -> None:
        p, t = c.payload, c.env.type
        if t in (CT.GENESIS, CT.PROCESS_FAULTED):
            if t == CT.PROCESS_FAULTED:
                self._process(p.pid)
            return
        if t == CT.PROCESS_CREATED:
            if p.pid in self.processes:
                raise ReplayError(f"pid {p.pid} created twice")
            self.processes[p.pid] = (p.parent, p.name, p.limits)
            if p.parent in self.processes:
                self.payers[p.pid] = p.parent
                self._check_reservations(p.parent)
            self.cspaces[p.pid], self.regions[p.pid] = {}, {}
            self.next_pid = max(self.next_pid, p.pid + 1)
        elif t == CT.PROCESS_EXITED:
            self._process(p.pid)
            if self.cspaces[p.pid]:
                raise ReplayError(f"pid {p.pid} exited holding {len(self.cspaces[p.pid])} "
                                  "capabilities")
            owned = [e for e, o in self.endpoints.items() if o == p.pid]
            if owned:
                raise ReplayError(f"pid {p.pid} exited owning endpoints {owned}")
            for table in (self.processes, self.cspaces, self.regions):
                del table[p.pid]
            up = self.payers.pop(p.pid, None)
            for child, payer in list(self.payers.items()):
                if payer == p.pid:   # its reservations move to its own payer
                    if up is None:
                        del self.payers[child]
                    else:
                        self.payers[child] = up
        elif t == CT.CAP_INSERTED:
            cs = self.cspaces[self._process(p.pid)]
            if p.slot in cs:
                raise ReplayError(f"pid {p.pid} slot {p.slot} is already full")
            cs[p.slot] = Cap(p.cap, p.badge, p.parent_id)
            self.next_cap_id = max(self.next_cap_id, p.cap.id + 1)
        elif t == CT.CAP_REMOVED:
            cs = self.cspaces[self._process(p.pid)]
            gone = cs.pop(p.slot, None)
            if gone is None:
                raise ReplayError(f"pid {p.pid} slot {p.slot} is already empty")
            for other in self.caps().values():   # children move up, as in the kernel
                if other[2].parent_id == gone.record.id:
                    other[2].parent_id = gone.parent_id
        elif t == CT.CAP_UPDATED:
            cap = self.cspaces[self._process(p.pid)].get(p.slot)
            if cap is None:
                raise ReplayError(f"pid {p.pid} slot {p.slot}: update of an empty slot")
            cap.record.rights = p.rights
        elif t in (CT.ENDPOINT_CREATED, CT.NOTIFICATION_CREATED):
            table = self.endpoints if t == CT.ENDPOINT_CREATED else self.notifications
            if p.id in table:
                raise ReplayError(f"object {p.id} created twice")
            table[p.id] = self._process(p.owner)
            if t == CT.ENDPOINT_CREATED:
                self.next_eid = max(self.next_eid, p.id + 1)
            else:
                self.next_nid = max(self.next_nid, p.id + 1)
        elif t in (CT.ENDPOINT_DESTROYED, CT.NOTIFICATION_DESTROYED):
            table = self.endpoints if t == CT.ENDPOINT_DESTROYED else self.notifications
            kind = OT.ENDPOINT if t == CT.ENDPOINT_DESTROYED else OT.NOTIFICATION
            if table.pop(p.id, None) is None:
                raise ReplayError(f"object {p.id} destroyed but never created")
            for pid, slot, cap in self.caps().values():
                if cap.record.object_type == kind and cap.record.object_id == p.id:
                    raise ReplayError(f"object {p.id} destroyed while pid {pid} slot {slot} "
                                      "still names it")
        elif t == CT.MEMORY_MAPPED:
            self._map(p.pid, p.vaddr, Region(p.size, p.prot))
        elif t == CT.SHM_MAPPED:
            if p.shm not in self.shms:
                raise ReplayError(f"pid {p.pid} maps shared object {p.shm}, which does not "
                                  "exist")
            self._holds(p.pid, OT.SHM, p.shm, _rights_for(p.prot))
            self._map(p.pid, p.vaddr, Region(p.size, p.prot, MAP_SHM, p.shm))
        elif t == CT.DEVICE_MAPPED:
            if p.bdf not in self.devices:
                raise ReplayError(f"pid {p.pid} maps a BAR of device {p.bdf:#x}, which boot "
                                  "never found")
            self._holds(p.pid, OT.PCI_DEVICE, p.bdf, abi.Rights.WRITE)
            self._map(p.pid, p.vaddr, Region(p.size, p.prot, MAP_DEVICE, p.bdf << 8 | p.bar))
        elif t == CT.MEMORY_UNMAPPED:
            regs = self.regions[self._process(p.pid)]
            if p.vaddr not in regs or regs[p.vaddr].size != p.size:
                raise ReplayError(f"pid {p.pid}: unmap of {p.vaddr:#x}+{p.size:#x}, no such "
                                  "region")
            del regs[p.vaddr]
        elif t == CT.PCI_DEVICE_FOUND:
            if p.bdf in self.devices:
                raise ReplayError(f"PCI device {p.bdf:#x} found twice")
            self.devices[p.bdf] = (p.vendor, p.device, p.class_code)
        elif t == CT.SHM_CREATED:
            if p.id in self.shms:
                raise ReplayError(f"shared object {p.id} created twice")
            self._process(p.creator)
            if p.device != NO_DEVICE and p.device not in self.devices:
                raise ReplayError(f"shared object {p.id} is DMA memory for device "
                                  f"{p.device:#x}, which boot never found")
            self.shms[p.id] = (p.creator, p.size, p.flags, p.device)
            self.next_shm_id = max(self.next_shm_id, p.id + 1)
        elif t == CT.SHM_DESTROYED:
            if self.shms.pop(p.id, None) is None:
                raise ReplayError(f"shared object {p.id} destroyed but never created")
            for pid, slot, cap in self.caps().values():
                if cap.record.object_type == OT.SHM and cap.record.object_id == p.id:
                    raise ReplayError(f"shared object {p.id} destroyed while pid {pid} slot "
                                      f"{slot} still names it")
            for pid, regs in self.regions.items():
                for base, r in regs.items():
                    if r.kind == MAP_SHM and r.object == p.id:
                        raise ReplayError(f"shared object {p.id} destroyed while pid {pid} "
                                          f"maps it at {base:#x}")
        elif t == CT.CHECKPOINT:
            self.check_invariants()
            if self.hash() != p.state_hash:
                raise ReplayError("checkpoint state hash differs from the replayed state")
            self.checkpoints += 1
        else:
            raise ReplayError(f"commit type {t} is reserved and never emitted")

    def _map(self, pid: int, vaddr: int, region: Region) -> None:
        regs = self.regions[self._process(pid)]
        for base, r in regs.items():
            if base < vaddr + region.size and vaddr < base + r.size:
                raise ReplayError(f"pid {pid}: region {vaddr:#x} overlaps {base:#x}")
        regs[vaddr] = region

    def _holds(self, pid: int, otype: int, obj: int, rights: int) -> None:
        """A mapping of a shared object or device is made through a capability to it."""
        for c in self.cspaces.get(pid, {}).values():
            r = c.record
            if r.object_type == otype and r.object_id == obj and r.rights & rights == rights:
                return
        raise ReplayError(f"pid {pid} maps {OT(otype).name.lower()} {obj:#x} without holding "
                          f"a capability to it with rights {rights:#x}")

    def _process(self, pid: int) -> int:
        if pid not in self.processes:
            raise ReplayError(f"pid {pid} does not exist")
        return pid


NO_DEVICE = 0xFFFFFFFF


def _rights_for(prot: int) -> int:
    """The capability rights a mapping with ORB_PROT_* `prot` needs."""
    rights = abi.Rights.READ if prot & abi.PROT_READ else 0
    return rights | (abi.Rights.WRITE if prot & abi.PROT_WRITE else 0)


def replay(commits: list[Commit]) -> State:
    """Fold every commit into an empty state; errors name the commit's seq."""
    state = State()
    for c in commits:
        try:
            state.apply(c)
        except ReplayError as e:
            raise ReplayError(f"commit seq {c.seq} ({c.kind}, byte {c.offset}): {e}") from None
    state.check_invariants()
    return state
