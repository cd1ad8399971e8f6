"""Issue "toolchain", checked on the real kernel under the machine model: the page tables
vm_init builds, the IDT idt_init fills, and the kernel's fault path for its own faults."""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest

from orbital_build.emu import x86
from orbital_build.emu.machine import BOOT_TABLES, KERNEL_HALF, USER_HALF, Machine, StopReason
from orbital_build.emu.memory.boot_tables import DIRECT_MAP_BASE, KERNEL_VMA

pytestmark = pytest.mark.emu

IMAGE = "emu-core"
PAGE = 0x1000


@pytest.fixture
def after_vm_init(boot: Callable[..., Machine]) -> Machine:
    """The kernel right after vm_init (arch_stacks_init is the next call in kmain)."""
    m = boot(IMAGE)
    stop = m.run_until("arch_stacks_init")
    assert stop.reason is StopReason.TARGET, stop
    return m


def pages(m: Machine, start: str, end: str) -> range:
    return range(m.symbol(start), m.symbol(end), PAGE)


def test_cr3_is_the_kernels_own_root(after_vm_init: Machine) -> None:
    m = after_vm_init
    cr3 = m.cpu.reg("cr3") & x86.CR3_ADDR
    assert cr3 != BOOT_TABLES
    (kernel_root,) = struct.unpack("<Q", m.read(m.symbol("kernel_root"), 8))
    assert cr3 == kernel_root


@pytest.mark.parametrize("start, end, writable, executable", [
    ("__kernel_start", "__text_end", False, True),      # .text RX
    ("__text_end", "__rodata_end", False, False),        # .rodata R, NX
    ("__rodata_end", "__kernel_end", True, False),       # .data/.bss RW, NX
], ids=["text", "rodata", "data-bss"])
def test_kernel_image_sections_have_their_own_permissions(
        after_vm_init: Machine, start: str, end: str, writable: bool, executable: bool) -> None:
    m = after_vm_init
    cr3 = m.cpu.reg("cr3")
    for va in pages(m, start, end):
        w = m.walk(cr3, va)
        assert w.present, f"{va:#x} ({start}..{end}) not mapped"
        assert w.paddr == va - KERNEL_VMA, str(w)
        flags = w.flags
        assert bool(flags & x86.PTE_W) == writable, str(w)
        assert bool(not flags & x86.PTE_NX) == executable, str(w)
        assert not flags & x86.PTE_U and flags & x86.PTE_G, str(w)
        assert not flags & x86.PTE_PS, f"{va:#x}: the kernel image needs 4 KiB pages"


def test_only_kernel_text_is_executable_in_the_kernel_half(after_vm_init: Machine) -> None:
    m = after_vm_init
    text = range(m.symbol("__kernel_start"), m.symbol("__text_end"))
    maps = list(m.mappings(m.cpu.reg("cr3"), KERNEL_HALF))
    assert maps
    for mp in maps:
        assert not (mp.writable and mp.executable), f"W+X: {mp}"
        assert not mp.user, f"user-accessible kernel mapping: {mp}"
        if mp.executable:
            assert mp.vaddr in text and mp.end - 1 in text, f"executable outside .text: {mp}"


def test_direct_map_covers_ram_and_is_never_executable(after_vm_init: Machine) -> None:
    m = after_vm_init
    cr3 = m.cpu.reg("cr3")
    direct = [mp for mp in m.mappings(cr3, (DIRECT_MAP_BASE, KERNEL_VMA))]
    assert direct and all(not mp.executable and mp.writable for mp in direct)
    for pa in (0x1000, 0x100000, m.ram - PAGE):
        assert m.walk(cr3, DIRECT_MAP_BASE + pa).paddr == pa
    lapic = m.walk(cr3, DIRECT_MAP_BASE + 0xFEE00000)
    assert lapic.paddr == 0xFEE00000 and lapic.flags & x86.PTE_PCD


def test_no_identity_mapping_of_low_memory(after_vm_init: Machine) -> None:
    m = after_vm_init
    cr3 = m.cpu.reg("cr3")
    assert list(m.mappings(cr3, USER_HALF)) == []
    for va in (0, 0x7000, 0x100000, m.symbol("kmain") - KERNEL_VMA):
        assert not m.walk(cr3, va).present


def test_kernel_and_ist_stacks_have_guard_pages(boot: Callable[..., Machine]) -> None:
    m = boot(IMAGE)
    assert m.run_until("arch_irq_init").reason is StopReason.TARGET   # after arch_stacks_init
    cr3 = m.cpu.reg("cr3")
    tss = m.delivery.tss_base()
    rsp0, = struct.unpack("<Q", m.read(tss + 4, 8))
    ists = struct.unpack("<3Q", m.read(tss + 0x24, 24))
    # memlayout.h: KERNEL_STACK_SIZE 16 KiB, IST_STACK_SIZE 8 KiB
    for top, size in ((rsp0, 0x4000), *((ist, 0x2000) for ist in ists)):
        assert top % 16 == 0
        for va in range(top - size, top, PAGE):
            w = m.walk(cr3, va)
            assert w.present and w.flags & x86.PTE_W and w.flags & x86.PTE_NX, str(w)
        assert not m.walk(cr3, top - size - PAGE).present, f"no guard page below {top:#x}"


def test_every_idt_gate_points_at_its_stub(after_vm_init: Machine) -> None:
    m = after_vm_init
    _, base, limit, _ = m.uc.reg_read(x86.REG["idtr"])
    assert (base, limit) == (m.symbol("idt"), 256 * 16 - 1)
    ist = {2: 2, 8: 1, 18: 3}
    for v in range(256):
        g = m.delivery.gate(v)
        assert g.offset == m.symbol(f"isr_{v}"), f"gate {v} -> {m.addr_to_symbol(g.offset)}"
        assert (g.selector, g.present, g.dpl, g.type) == (0x08, True, 0, 0xE), g
        assert g.ist == ist.get(v, 0), g


@pytest.mark.parametrize("crash, vector, error, cr2, what", [
    ("ud2", x86.VEC_UD, None, None, "#UD invalid opcode"),
    ("pagefault", x86.VEC_PF, x86.PF_WRITE, 0xDEAD0000, "#PF page fault"),
    ("gp", x86.VEC_GP, 0, None, "#GP general protection"),
], ids=["ud2", "pagefault", "gp"])
def test_kernel_fault_reaches_its_stub_and_is_reported(
        boot: Callable[..., Machine], crash: str, vector: int, error: int | None,
        cr2: int | None, what: str) -> None:
    m = boot(IMAGE, cmdline=f"crash={crash}")
    stop = m.run_until(f"isr_{vector}")
    assert stop.reason is StopReason.TARGET, stop
    d = m.delivery.log[-1]
    assert (d.vector, d.from_cpl, d.stack, d.error_code) == (vector, 0, "current", error)
    assert m.addr_to_symbol(d.return_rip).startswith("arch_crash")
    rsp = m.cpu.reg("rsp")
    words = 6 if error is not None else 5
    frame = struct.unpack(f"<{words}Q", m.read(rsp, 8 * words))
    if error is not None:
        assert frame[0] == error
        frame = frame[1:]
    rip, cs, rflags, old_rsp, _ = frame
    assert (rip, cs) == (d.return_rip, 0x08)
    assert old_rsp > rsp and (rsp + 8 * words) % 16 == 0
    assert not m.cpu.reg("rflags") & x86.RFLAGS_IF and rflags & x86.RFLAGS_FIXED
    if vector == x86.VEC_UD:
        assert m.read(rip, 2) == b"\x0f\x0b"
    if cr2 is not None:
        assert m.cpu.reg("cr2") == cr2
    stop = m.run()
    assert stop.reason is StopReason.EXIT and m.exit_code == 0x11
    assert f"*** KERNEL FAULT: exception in kernel mode: vector {vector} ({what})" in m.console
    assert f"RIP {rip:#018x}" in m.console
    if cr2 is not None:
        assert f"CR2 {cr2:#018x}" in m.console
        assert "page fault: page not present, write, kernel mode" in m.console
    assert "*** kernel halted" in m.console
