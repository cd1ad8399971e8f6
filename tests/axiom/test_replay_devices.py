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


BOOT = (abi.CommitGenesis(kernel_version="0.1.0", tsc_hz=1, memory_bytes=1 << 28),
        abi.CommitPciDeviceFound(bdf=BDF, vendor=0x1AF4, device=0x1042, class_code=0x010000),
        abi.CommitProcessCreated(pid=1, parent=0, name="init", binary="init"))


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
