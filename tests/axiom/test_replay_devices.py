"""The CommitLog replay (orbital_build/axiom/replay.py) and the device and shared memory
commits: a log the kernel would write replays, and one that shows authority the kernel
never gave — a BAR mapped without the device's capability, a device boot never found, an
object mapped for writing through a read-only capability, an object destroyed while still
mapped or named — is refused with its sequence number."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from orbital_build.axiom.chain import Commit
from orbital_build.axiom.replay import ReplayError, replay
from orbital_build.generated import abi

OT, R, W, G = abi.ObjectType, abi.Rights.READ, abi.Rights.WRITE, abi.Rights.GRANT
BDF = 0x20
NONE = 0xFFFFFFFF


def log(*payloads: Any) -> list[Commit]:
    return [Commit(offset=16 * i, env=SimpleNamespace(seq=i, type=p.KIND), payload=p)
            for i, p in enumerate(payloads)]


def cap(cap_id: int, otype: int, obj: int, rights: int, pid: int = 1,
        slot: int = 0) -> abi.CommitCapInserted:
    rec = abi.CapRecord(id=cap_id, object_id=obj, object_type=int(otype), rights=int(rights))
    return abi.CommitCapInserted(pid=pid, slot=slot, cap=rec, badge=0, parent_id=0)


LIMITS = [64 << 20, 1 << 16, 2, 16, 16, 16, 128, 64, 8, 0]   # pid 1's, in ORB_RES_* order
BOOT = (abi.CommitGenesis(kernel_version="0.1.0", tsc_hz=1, memory_bytes=1 << 28),
        abi.CommitPciDeviceFound(bdf=BDF, vendor=0x1AF4, device=0x1042, class_code=0x010000),
        abi.CommitProcessCreated(pid=1, parent=0, name="init", binary="init",
                                 limits=abi.Resources(amount=LIMITS)))


def test_a_driver_maps_its_bar_and_a_shared_object() -> None:
    state = replay(log(
        *BOOT,
        cap(1, OT.PCI_DEVICE, BDF, R | W | G),
        abi.CommitDeviceMapped(pid=1, vaddr=0x100000000000, size=0x4000, prot=3, bdf=BDF, bar=4),
        abi.CommitShmCreated(id=1, creator=1, size=0x2000, flags=abi.SHM_DMA, device=BDF),
        cap(2, OT.SHM, 1, R | W | G, slot=1),
        abi.CommitShmMapped(pid=1, vaddr=0x100000005000, size=0x2000, prot=3, shm=1),
        abi.CommitMemoryUnmapped(pid=1, vaddr=0x100000005000, size=0x2000),
        abi.CommitCapRemoved(pid=1, slot=1),
        abi.CommitShmDestroyed(id=1),
    ))
    kinds = {type(r).__name__ for r in state.records()}
    assert {"StatePciDevice", "StateMapping"} <= kinds and "StateShm" not in kinds
    assert state.next_shm_id == 2
    mapping = next(r for r in state.records() if isinstance(r, abi.StateMapping))
    assert (mapping.kind, mapping.object) == (2, BDF << 8 | 4)


@pytest.mark.parametrize(("why", "commits"), [
    ("BAR without the capability", (
        abi.CommitDeviceMapped(pid=1, vaddr=0x100000000000, size=0x1000, prot=3, bdf=BDF, bar=1),
    )),
    ("BAR with a read-only capability", (
        cap(1, OT.PCI_DEVICE, BDF, R),
        abi.CommitDeviceMapped(pid=1, vaddr=0x100000000000, size=0x1000, prot=3, bdf=BDF, bar=1),
    )),
    ("a device boot never found", (
        cap(1, OT.PCI_DEVICE, 0x28, R | W),
        abi.CommitDeviceMapped(pid=1, vaddr=0x100000000000, size=0x1000, prot=3, bdf=0x28,
                               bar=1),
    )),
    ("DMA memory for an unknown device", (
        abi.CommitShmCreated(id=1, creator=1, size=0x1000, flags=abi.SHM_DMA, device=0x28),
    )),
    ("a writable mapping through a read-only capability", (
        abi.CommitShmCreated(id=1, creator=1, size=0x1000, flags=0, device=NONE),
        cap(1, OT.SHM, 1, R),
        abi.CommitShmMapped(pid=1, vaddr=0x100000000000, size=0x1000, prot=3, shm=1),
    )),
    ("an object destroyed while mapped", (
        abi.CommitShmCreated(id=1, creator=1, size=0x1000, flags=0, device=NONE),
        cap(1, OT.SHM, 1, R | W),
        abi.CommitShmMapped(pid=1, vaddr=0x100000000000, size=0x1000, prot=1, shm=1),
        abi.CommitCapRemoved(pid=1, slot=0),
        abi.CommitShmDestroyed(id=1),
    )),
    ("an object destroyed while named", (
        abi.CommitShmCreated(id=1, creator=1, size=0x1000, flags=0, device=NONE),
        cap(1, OT.SHM, 1, R | W),
        abi.CommitShmDestroyed(id=1),
    )),
    ("an object created twice", (
        abi.CommitShmCreated(id=1, creator=1, size=0x1000, flags=0, device=NONE),
        abi.CommitShmCreated(id=1, creator=1, size=0x1000, flags=0, device=NONE),
    )),
    ("a mapping over another region", (
        cap(1, OT.PCI_DEVICE, BDF, R | W),
        abi.CommitMemoryMapped(pid=1, vaddr=0x100000000000, size=0x2000, prot=3),
        abi.CommitDeviceMapped(pid=1, vaddr=0x100000001000, size=0x1000, prot=3, bdf=BDF, bar=1),
    )),
    ("a capability to a device boot never found", (
        cap(1, OT.PCI_DEVICE, 0x28, R),
    )),
])
def test_authority_the_kernel_never_gave_is_refused(why: str, commits) -> None:
    with pytest.raises(ReplayError):
        replay(log(*BOOT, *commits))


def test_an_object_outlives_its_creator_while_mapped() -> None:
    """A client creates, a server maps; the client exits; the server's unmap frees it."""
    replay(log(
        *BOOT,
        abi.CommitProcessCreated(pid=2, parent=1, name="client", binary="c"),
        abi.CommitShmCreated(id=1, creator=2, size=0x1000, flags=0, device=NONE),
        cap(1, OT.SHM, 1, R | W | G, pid=2),
        cap(2, OT.SHM, 1, R | G, slot=3),
        abi.CommitShmMapped(pid=1, vaddr=0x100000000000, size=0x1000, prot=1, shm=1),
        abi.CommitCapRemoved(pid=2, slot=0),
        abi.CommitProcessExited(pid=2, code=0),
        abi.CommitCapRemoved(pid=1, slot=3),
        abi.CommitMemoryUnmapped(pid=1, vaddr=0x100000000000, size=0x1000),
        abi.CommitShmDestroyed(id=1),
    ))


def created(pid: int, parent: int, limits: list[int]) -> abi.CommitProcessCreated:
    return abi.CommitProcessCreated(pid=pid, parent=parent, name=f"p{pid}", binary="x",
                                    limits=abi.Resources(amount=limits))


def small(**kw: int) -> list[int]:
    base = dict(zip(("memory", "msg_bytes", "processes", "threads", "endpoints"),
                    (1 << 20, 4096, 0, 1, 1), strict=True))
    base |= kw
    return [base["memory"], base["msg_bytes"], base["processes"], base["threads"],
            base["endpoints"], 1, 8, 2, 1, 0]


def test_children_limits_nest_in_their_spawners() -> None:
    """pid 2 reserves both of pid 1's processes (itself and a child of its own); once
    both have ended, pid 1 has room for the same again."""
    state = replay(log(
        abi.CommitGenesis(kernel_version="0.1.0", tsc_hz=1, memory_bytes=1 << 28),
        created(1, 0, LIMITS),
        created(2, 1, small(processes=1)),   # reserves 2 of pid 1's processes ...
        created(3, 2, small()),              # ... one of them for this child of its own
        abi.CommitProcessExited(pid=2, code=0),
        abi.CommitProcessExited(pid=3, code=0),
        created(4, 1, small(processes=1)),
    ))
    assert sorted(state.processes) == [1, 4]
    assert state.records()[0].limits.amount == LIMITS


@pytest.mark.parametrize(("what", "children"), [
    ("processes", [small(processes=1), small()]),          # 2 + 1 > 2
    ("threads", [small(threads=10), small(threads=7)]),    # 10 + 7 > 16
    ("memory", [small(memory=65 << 20)]),
])
def test_a_child_past_its_spawners_limits_is_refused(what: str, children) -> None:
    commits = [abi.CommitGenesis(kernel_version="0.1.0", tsc_hz=1, memory_bytes=1 << 28),
               created(1, 0, LIMITS)]
    commits += [created(2 + i, 1, c) for i, c in enumerate(children)]
    with pytest.raises(ReplayError, match=rf"pid 1's children reserve \d+ {what}, past"):
        replay(log(*commits))


def test_a_dead_spawners_children_move_to_its_own_spawner() -> None:
    """pid 2 (1 process) spawns pid 3 and ends: pid 3 now counts against pid 1, so pid 1
    has room for one more process-free child only."""
    head = [abi.CommitGenesis(kernel_version="0.1.0", tsc_hz=1, memory_bytes=1 << 28),
            created(1, 0, LIMITS), created(2, 1, small(processes=1)), created(3, 2, small()),
            abi.CommitProcessExited(pid=2, code=0)]
    replay(log(*head, created(4, 1, small())))             # 1 (pid 3) + 1 <= 2
    with pytest.raises(ReplayError, match="reserve 3 processes"):
        replay(log(*head, created(4, 1, small()), created(5, 1, small())))
