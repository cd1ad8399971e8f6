"""Issue "kernel core", checked on the real kernel under the machine model with
images/emu-core.toml: syscall entry and exit, unknown syscall numbers, user page faults,
preemption by the timer, and the page tables of a user process."""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest

from orbital_build.emu import scenarios as sc
from orbital_build.emu import x86
from orbital_build.emu.machine import KERNEL_HALF, USER_HALF, Machine, StopReason
from orbital_build.emu.trace import instructions

pytestmark = pytest.mark.emu

CALLEE_SAVED = ("rbx", "rbp", "r12", "r13", "r14", "r15", "rsp")
ARGS = ("rdi", "rsi", "rdx", "r10", "r8", "r9")
ENOSYS = -4
VEC_TIMER = 0x20


@pytest.fixture(params=[sc.CORE_IMAGE, sc.CORE_KPTI_IMAGE], ids=["plain", "kpti"])
def core(request: pytest.FixtureRequest, boot: Callable[..., Machine]) -> Machine:
    """emu-core, and the same with KPTI: every test here holds for both."""
    return boot(request.param)


def signed(v: int) -> int:
    return v - (1 << 64) if v >> 63 else v


def test_null_syscall_preserves_registers_and_returns_after_syscall(
        core: Machine, record_property: Callable[[str, object], None]) -> None:
    m = core
    sc.run_to(m, sc.NULL_SYSCALL)
    before = m.cpu.regs()
    cr3 = sc.cr3_of(m)
    assert before["rflags"] & x86.RFLAGS_CF       # the probe set CF
    path = m.executed(m.cpu.rip, sc.NULL_SYSCALL_RET.addr(m), cr3=cr3)
    after = m.cpu.regs()
    assert m.cpu.cpl == 3 and after["rip"] == before["rip"] + 2
    for r in CALLEE_SAVED:
        assert after[r] == before[r], r
    assert after["rflags"] & ~x86.RFLAGS_RF == before["rflags"] & ~x86.RFLAGS_RF
    assert after["rax"] == 0
    assert after["rcx"] == before["rip"] + 2 and after["r11"] == before["rflags"]
    for r in ARGS:   # nop has no outputs: an argument register holds its value or 0
        assert after[r] in (before[r], 0), f"{r} = {after[r]:#x}: a kernel value leaked"
    assert path[1] == m.symbol("syscall_entry")              # SYSCALL went to LSTAR
    last = m.read(path[-1], 3)
    assert instructions(last, path[-1])[0][2] == "sysretq"     # and came back by SYSRET
    assert all(a >= KERNEL_HALF[0] for a in path[1:])
    record_property("null_syscall_roundtrip_instructions", len(path) - 1)   # kernel only
    print(f"null syscall round trip: {len(path) - 1} kernel instructions")


def test_unknown_syscall_numbers_return_enosys(core: Machine) -> None:
    m = core
    seen = {}
    for _ in range(4):
        sc.run_to(m, sc.RAW_SYSCALL)
        nr = m.cpu.reg("rax")
        stop = m.run_until(sc.RAW_SYSCALL_RET.addr(m), cr3=sc.cr3_of(m))
        assert stop.reason is StopReason.TARGET
        seen[nr] = signed(m.cpu.reg("rax"))
    assert seen == {0x06: ENOSYS, 0xF2: ENOSYS, 0x7FFFFFFF: ENOSYS, (1 << 64) - 1: ENOSYS}


def kpti(m: Machine) -> bool:
    return m.image.name.endswith("-kpti")


@pytest.mark.parametrize("program, error, cr2, text", [
    ("emu-fault-write", x86.PF_USER | x86.PF_WRITE, 0x1000,
     "write to 0x0000000000001000 (not mapped)"),
    ("emu-fault-kread", x86.PF_USER | x86.PF_PRESENT, 0xFFFFFFFF80100000,
     "read from 0xffffffff80100000 (protection violation, kernel address)"),
], ids=["write-unmapped", "read-kernel"])
def test_user_page_fault_kills_only_the_faulting_process(
        core: Machine, program: str, error: int, cr2: int, text: str) -> None:
    m = core
    if kpti(m) and program == "emu-fault-kread":   # user tables: the kernel is not there
        error, text = x86.PF_USER, "read from 0xffffffff80100000 (not mapped, kernel address)"
    for _ in range(2):   # the two faulting programs run first, in archive order
        stop = m.run_until("isr_14")
        assert stop.reason is StopReason.TARGET, stop
        d = m.delivery.log[-1]
        if m.program_at(d.return_rip) == program:
            break
    else:
        pytest.fail(f"{program} never faulted")
    assert (d.from_cpl, d.stack, d.error_code) == (3, "rsp0", error)
    assert m.cpu.reg("cr2") == cr2 and m.cpu.cpl == 0
    err, rip, cs, rflags, rsp, ss = struct.unpack("<6Q", m.read(m.cpu.reg("rsp"), 48))
    assert (err, rip, cs, ss) == (error, d.return_rip, 0x23, 0x1B)
    assert rflags & x86.RFLAGS_IF and rsp < x86.USER_TOP
    sc.run_to(m, sc.NULL_SYSCALL)                 # the kernel carried on: init runs
    pid = m.console.split("fault: pid ")[1 if program.endswith("write") else 2].split()[0]
    assert f"({program}) thread" in m.console and text in m.console
    assert f"process {pid} ({program}) killed by a fault, code 14" in m.console
    assert "still alive" not in m.console


def test_timer_tick_switches_between_spinning_threads(core: Machine) -> None:
    m = core
    spin_a, spin_b = (m.user_symbol(sc.CORE, s) for s in ("emu_spin_a", "emu_spin_b"))
    loop_a = range(spin_a, spin_a + 5)                 # incq %r12; jmp
    assert m.run_until(spin_a).reason is StopReason.TARGET
    cr3 = sc.cr3_of(m)

    def tick() -> int:
        """Inject a timer tick while the thread spins; where does user mode resume?"""
        m.inject(VEC_TIMER, after_user_instructions=500)
        assert m.run_until("isr_32").reason is StopReason.TARGET
        m.executed(m.cpu.rip, Machine.in_user)
        assert sc.cr3_of(m) == cr3
        return m.cpu.rip

    eois = m.lapic.eoi_count
    for ticks in range(1, 4):
        if tick() not in loop_a:
            break
    assert m.run_until(spin_b).reason is StopReason.TARGET, "thread B never ran"
    assert ticks == 1       # TICK_NS == QUANTUM_NS: one tick ends the slice
    for ticks in range(1, 4):
        if tick() in loop_a:
            break
    else:
        pytest.fail("thread A never got the CPU back")
    assert ticks == 1
    assert m.lapic.eoi_count > eois
    assert all(d.vector == VEC_TIMER and d.stack == "rsp0" for d in m.delivery.log[-2:])


def test_user_address_space_separates_user_and_kernel_pages(core: Machine) -> None:
    m = core
    sc.run_to(m, sc.NULL_SYSCALL)
    cr3 = m.cpu.reg("cr3")
    user = list(m.mappings(cr3, USER_HALF))
    assert user
    for mp in user:
        assert mp.user, f"user-half page without U: {mp}"
        assert not (mp.writable and mp.executable), f"W+X: {mp}"
    if kpti(m):   # user mode runs on the user tables; the kernel's are one page down
        assert cr3 & 0x1000
        cr3 &= ~0x1000
    kernel = list(m.mappings(cr3, KERNEL_HALF))
    for mp in kernel:
        assert not mp.user, f"kernel page with U: {mp}"
        assert not (mp.writable and mp.executable), f"W+X: {mp}"
    text = m.walk(cr3, m.cpu.rip)
    assert text.flags & x86.PTE_U and not text.flags & x86.PTE_W and not text.flags & x86.PTE_NX
    stack = m.walk(cr3, m.cpu.reg("rsp"))
    assert stack.flags & x86.PTE_W and stack.flags & x86.PTE_NX and stack.flags & x86.PTE_U
    assert not m.walk(cr3, 0).present and not m.walk(cr3, 0x3FF000).present   # null guard
    kernel_root = struct.unpack("<Q", m.read(m.symbol("kernel_root"), 8, cr3=cr3))[0]
    shared = m.read_phys(cr3 & x86.CR3_ADDR | 256 * 8, 256 * 8)
    assert shared == m.read_phys(kernel_root + 256 * 8, 256 * 8)   # one kernel half
