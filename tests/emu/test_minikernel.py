"""The machine model on a kernel small enough to read in one sitting (minikernel/): boot
entry, SYSCALL, exception delivery through the IDT and TSS, injected interrupts, and
isa-debug-exit — checked both from the model's side and from what the kernel recorded."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from orbital_build.emu import x86
from orbital_build.emu.loader import load_built_image
from orbital_build.emu.machine import EmuError, Machine, StopReason
from orbital_build.emu.multiboot import MB_BOOT_MAGIC

pytestmark = pytest.mark.emu

USER_BASE = 0x400000


def user_addr(m: Machine, symbol: str) -> int:
    """Where a label of the minikernel's user snippet sits once copied to USER_BASE."""
    return USER_BASE + m.symbol(symbol) - m.symbol("user_code")


def trap_log(m: Machine) -> list[dict[str, int]]:
    (count,) = struct.unpack("<Q", m.read(m.symbol("trap_count"), 8))
    names = ("vector", "cr2", "error", "rip", "cs", "rflags", "rsp", "ss")
    raw = m.read(m.symbol("trap_log"), 64 * count)
    return [dict(zip(names, struct.unpack_from("<8Q", raw, 64 * i))) for i in range(count)]


def test_boot_entry_hands_over_multiboot_and_long_mode(minikernel: Machine) -> None:
    m = minikernel
    assert m.cpu.rip == m.symbol("kernel_entry64")
    assert m.cpu.reg("rdi") == MB_BOOT_MAGIC
    stop = m.run_until(user_addr(m, "user_syscall"))
    assert stop.reason is StopReason.TARGET
    assert m.cpu.cpl == 3
    magic, info = struct.unpack("<II", m.read(m.symbol("boot_magic"), 8))
    assert (magic, info) == (MB_BOOT_MAGIC, 0x9000)
    assert m.console == "m"


def test_syscall_enters_ring0_at_lstar_and_sysret_returns(minikernel: Machine) -> None:
    m = minikernel
    m.run_until(user_addr(m, "user_syscall"))
    before = m.cpu.regs()
    flags = m.cpu.reg("rflags")
    path = m.executed(m.cpu.rip, user_addr(m, "user_after_syscall"))
    assert path[0] == user_addr(m, "user_syscall")
    assert path[1] == m.symbol("syscall_entry")
    after = m.cpu.regs()
    assert after["rax"] == before["rax"] + 1          # the kernel's answer
    assert after["rbx"] == before["rbx"] == 0x1234
    assert after["rsp"] == before["rsp"]
    assert m.cpu.cpl == 3
    count, rcx, r11, rsp = struct.unpack("<4Q", m.read(m.symbol("syscall_count"), 32))
    assert (count, rcx, r11, rsp) == (1, user_addr(m, "user_after_syscall"), flags,
                                      before["rsp"])


def test_user_exceptions_reach_their_gates_on_rsp0(minikernel: Machine) -> None:
    m = minikernel
    m.run_until(user_addr(m, "user_spin"))
    log = trap_log(m)
    after = user_addr(m, "user_after_syscall")
    expected = [
        (x86.VEC_UD, 0, after, None),
        (x86.VEC_PF, x86.PF_PRESENT | x86.PF_WRITE | x86.PF_USER, after + 2, 0x700000),
        (x86.VEC_PF, x86.PF_WRITE | x86.PF_USER, after + 20, 0x100000000),
        (x86.VEC_GP, 0, after + 26, None),
        (x86.VEC_GP, 0x80 * 8 + 2, after + 27, None),   # int 0x80 through a DPL 0 gate
    ]
    assert [(e["vector"], e["error"], e["rip"]) for e in log] == \
        [(v, err, rip) for v, err, rip, _ in expected]
    for entry, (_, _, _, cr2) in zip(log, expected):
        assert (entry["cs"], entry["ss"], entry["rsp"]) == (0x23, 0x1b, 0x600000)
        assert entry["rflags"] & x86.RFLAGS_IF
        if cr2 is not None:
            assert entry["cr2"] == cr2
    tss = m.symbol("tss")
    rsp0 = struct.unpack("<Q", m.read(tss + 4, 8))[0]
    for d in m.delivery.log:   # the frame: SS RSP RFLAGS CS RIP [error], from RSP0 down
        assert d.stack == "rsp0"
        assert d.frame == rsp0 - (48 if d.error_code is not None else 40)
    assert [m.addr_to_symbol(d.handler) for d in m.delivery.log] == \
        [f"isr_base+{16 * v:#x}" for v, _, _, _ in expected]


def test_injected_interrupt_after_n_user_instructions(minikernel: Machine) -> None:
    m = minikernel
    spin = user_addr(m, "user_spin")
    m.run_until(spin)
    m.inject(0x20, after_user_instructions=11)
    stop = m.run()
    assert stop.reason is StopReason.EXIT and m.exit_code == 0x10
    last = trap_log(m)[-1]
    assert last["vector"] == 0x20 and last["error"] == 0
    assert last["rip"] in (spin, spin + 3)
    assert not m.cpu.reg("rflags") & x86.RFLAGS_IF       # the interrupt gate cleared IF


def test_exit_port_stops_and_further_runs_do_nothing(minikernel: Machine) -> None:
    m = minikernel
    m.inject(0x20)
    assert m.run().reason is StopReason.EXIT
    rip = m.cpu.rip
    assert m.run().reason is StopReason.EXIT
    assert m.cpu.rip == rip


def test_counting_needs_a_fresh_translation(minikernel: Machine) -> None:
    """Code translated before a hook exists must still be seen by it (the model flushes
    Unicorn's translation cache when it adds a hook)."""
    m = minikernel
    m.run_until(user_addr(m, "user_spin"))
    spin = user_addr(m, "user_spin")
    assert m.count_instructions(spin, spin) == 2          # incq; jmp
    with pytest.raises(EmuError, match="did not end: limit after 101 instructions "
                                       r"\(path longer than 100 instructions"):
        m.count_instructions(spin, lambda a: False, max_instructions=100)


def test_a_path_ends_at_its_end_not_recording_it(minikernel: Machine) -> None:
    """executed() has two ways to end: at the end of the path (a TARGET stop, the end
    not recorded) or over its budget (a LIMIT stop, an error: see above)."""
    m = minikernel
    spin = user_addr(m, "user_spin")
    m.run_until(spin)
    assert m.executed(spin, spin) == [spin, spin + 3]     # incq; jmp back
    assert m.cpu.rip == spin


def test_boot_page_tables_as_boot_s_builds_them(minikernel: Machine) -> None:
    m = minikernel
    cr3 = m.cpu.reg("cr3")
    for va, pa in ((0x1234, 0x1234), (0xFFFF800000000000 + 0x5000, 0x5000),
                   (0xFFFFFFFF80100000, 0x100000), (0xFFFF8000FFE00000, 0xFFE00000)):
        w = m.walk(cr3, va)
        assert w.paddr == pa, str(w)
        assert w.entries[-1].level == 2 and w.flags & x86.PTE_PS
    absent = m.walk(cr3, 0x100000000)
    assert not absent.present and absent.entries[-1].level == 3     # PDPT[4]


def test_later_faults_are_not_promoted_to_double_faults(minikernel: Machine) -> None:
    """QEMU remembers the exception in flight to detect double faults; a model that
    stops and restarts Unicorn must not leave that memory set (a #GP after earlier
    events and translation-cache flushes must stay a #GP) or touch CR2."""
    m = minikernel
    spin = user_addr(m, "user_spin")
    m.run_until(spin)
    cr2 = m.cpu.reg("cr2")
    assert cr2 == 0x100000000                       # the last #PF's address, untouched
    m.write(spin, b"\xf4")                          # hlt at CPL 3: #GP(0)
    m.uc.ctl_flush_tb()
    assert m.run_until(m.symbol("isr_base") + 16 * x86.VEC_GP).reason is StopReason.TARGET
    d = m.delivery.log[-1]
    assert (d.vector, d.error_code, d.return_rip) == (x86.VEC_GP, 0, spin)
    assert m.cpu.reg("cr2") == cr2


def test_unusable_stack_escalates_to_double_fault_then_triple_fault(
        minikernel_dir: Path) -> None:
    for break_ist, outcome in ((False, StopReason.EXIT), (True, StopReason.TRIPLE_FAULT)):
        m = Machine(load_built_image(minikernel_dir))
        m.run_until(user_addr(m, "user_spin"))
        tss = m.symbol("tss")
        m.write(tss + 4, struct.pack("<Q", 0x100001000))          # RSP0: not mapped
        if break_ist:
            m.write(tss + 0x24, struct.pack("<Q", 0x100002000))   # IST1 too
        m.inject(0x20)
        stop = m.run()
        assert stop.reason is outcome, stop
        if not break_ist:
            d = m.delivery.log[-1]
            assert (d.vector, d.stack, d.error_code) == (x86.VEC_DF, "ist1", 0)
            assert m.exit_code == 0x11 and trap_log(m)[-1]["vector"] == x86.VEC_DF
