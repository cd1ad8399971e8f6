"""Machine snapshots (orbital_build/emu/snapshot.py) on the real kernel: a restored
machine is the machine that was saved — registers, RAM, devices, console, Axiom stream —
however often it is restored, and a discarded snapshot is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from orbital_build.emu.machine import Machine, StopReason
from orbital_build.emu.snapshot import SnapshotError
from orbital_build.fuzz import target
from orbital_build.generated import abi

pytestmark = pytest.mark.emu


def _call(m: Machine, insn: int, nr: int, *args: int) -> int:
    """Run one syscall from the fuzz point; its result."""
    m.cpu.set_reg("rip", insn)
    m.cpu.set_reg("rax", nr)
    for reg, v in zip(("rdi", "rsi", "rdx", "r10", "r8", "r9"), (*args, 0, 0, 0, 0, 0, 0)):
        m.cpu.set_reg(reg, v)
    stop = m.run(max_instructions=1_000_000, timeout=None)
    assert stop.reason is StopReason.TARGET, stop
    return m.cpu.reg("rax")


def test_restore_brings_back_the_whole_machine(boot: Callable[..., Machine]) -> None:
    m = boot(target.IMAGE, trace=False)
    prog = m.image.program(target.PROGRAM)
    insn, ret = prog.addr(target.INSN), prog.addr(target.RET)
    assert m.run_until(insn).reason is StopReason.TARGET
    m.add_stop(ret)
    regs, console, stream = m.cpu.regs(), m.console, m.axiom_stream
    snap = m.snapshot()
    first = _call(m, insn, abi.Syscall.ENDPOINT_CREATE)
    assert _call(m, insn, abi.Syscall.AXIOM_COMMITS_READ, target.AXIOM, 0, 0, (1 << 64) - 1) == 0
    assert first >> 32 and len(m.axiom_stream) > len(stream)   # the read flushed the commit
    for _ in range(3):
        m.restore(snap)
        assert m.cpu.regs() == regs
        assert (m.console, m.axiom_stream) == (console, stream)
        assert _call(m, insn, abi.Syscall.ENDPOINT_CREATE) == first   # same id, same slot
    m.restore(snap)
    assert _call(m, insn, abi.Syscall.ENDPOINT_DESTROY, target.EP_A) == 0
    assert _call(m, insn, abi.Syscall.ENDPOINT_DESTROY, target.EP_A) == -abi.Errno.ESTALE \
        & (1 << 64) - 1
    m.restore(snap)
    assert _call(m, insn, abi.Syscall.ENDPOINT_DESTROY, target.EP_A) == 0   # alive again


def test_a_discarded_snapshot_is_refused(boot: Callable[..., Machine]) -> None:
    m = boot(target.IMAGE, trace=False)
    assert m.run_until(m.image.program(target.PROGRAM).addr(target.INSN)).reason \
        is StopReason.TARGET
    older = m.snapshot()
    newer = m.snapshot()
    m.restore(older)
    with pytest.raises(SnapshotError, match="discarded"):
        m.restore(newer)
    m.restore(older)
