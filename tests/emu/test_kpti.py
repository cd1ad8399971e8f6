"""KPTI (`[kernel] kpti = true`, images/emu-core-kpti.toml) on the real kernel under the
machine model: user mode runs on tables that map of the kernel exactly its entry pages —
the entry text, .data.entry (GDT, IDT, TSS, per-CPU block, trampoline stack) and the IST
stacks — and the kernel runs on the kernel tables of the same address space. The plain
image maps the whole kernel half in user mode, which is what KPTI takes away. (Every test
of test_kernel_core.py and test_ipc.py runs on the KPTI images too.)"""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest

from orbital_build.emu import scenarios as sc
from orbital_build.emu.machine import KERNEL_HALF, Machine

pytestmark = pytest.mark.emu

PAGE = 0x1000
USER_TABLES = 0x1000      # CR3 bit 12
IST_STACK_SIZE = 0x2000   # kernel_image/include/arch/x86_64/memlayout.h
TSS_IST = 36              # struct tss: reserved0 u32, rsp[3], reserved1, then ist[7]


def pages(start: int, end: int) -> set[int]:
    return set(range(start & ~(PAGE - 1), end, PAGE))


def entry_pages(m: Machine) -> set[int]:
    """What the user tables must map of the kernel, from the kernel's own symbols."""
    want = pages(m.symbol("__entry_text_start"), m.symbol("__entry_text_end"))
    want |= pages(m.symbol("__entry_data_start"), m.symbol("__entry_data_end"))
    tops = struct.unpack("<3Q", sc.kernel_read(m, m.symbol("tss") + TSS_IST, 24))
    for top in tops:
        want |= pages(top - IST_STACK_SIZE, top)
    return want


def kernel_pages(m: Machine, cr3: int) -> set[int]:
    out: set[int] = set()
    for mp in m.mappings(cr3, KERNEL_HALF):
        assert not mp.user, f"kernel page with U: {mp}"
        assert not (mp.writable and mp.executable), f"W+X: {mp}"
        out |= pages(mp.vaddr, mp.end)
    return out


def test_user_mode_maps_only_the_entry_pages(boot: Callable[..., Machine]) -> None:
    m = boot(sc.CORE_KPTI_IMAGE)
    sc.run_to(m, sc.NULL_SYSCALL)                       # a user process, in user mode
    cr3 = m.cpu.reg("cr3")
    assert cr3 & USER_TABLES, "user mode is not on the user tables"
    mapped = kernel_pages(m, cr3)
    assert mapped == entry_pages(m)
    for secret in ("axiom_syslog_next", "kernel_root", "vspace_active"):
        assert m.symbol(secret) & ~(PAGE - 1) not in mapped, secret
    assert not m.walk(cr3, 0xFFFF800000000000).present   # no direct map of RAM
    # the kernel tables of the same space: the whole kernel, and the same user half
    kernel = cr3 & ~USER_TABLES
    assert m.symbol("axiom_syslog_next") & ~(PAGE - 1) in kernel_pages(m, kernel)
    def user_half(root: int) -> list[int]:   # PML4 entries 0..255, accessed/dirty aside
        raw = m.read_phys(root & ~0xFFF, 256 * 8)
        return [e & ~0x60 for e in struct.unpack("<256Q", raw)]

    assert user_half(kernel) == user_half(cr3) and any(user_half(cr3))


def test_the_kernel_runs_on_the_kernel_tables(boot: Callable[..., Machine]) -> None:
    m = boot(sc.CORE_KPTI_IMAGE)
    sc.run_to(m, sc.NULL_SYSCALL)
    user_cr3 = m.cpu.reg("cr3")
    assert m.run_until("syscall_entry_c").reason.value == "target"
    assert m.cpu.reg("cr3") == user_cr3 & ~USER_TABLES
    stop = m.run_until(sc.NULL_SYSCALL_RET.addr(m), cr3=user_cr3)
    assert stop.reason.value == "target" and m.cpu.reg("cr3") == user_cr3


def test_without_kpti_user_mode_maps_the_whole_kernel(boot: Callable[..., Machine]) -> None:
    m = boot(sc.CORE_IMAGE)
    sc.run_to(m, sc.NULL_SYSCALL)
    mapped = kernel_pages(m, m.cpu.reg("cr3"))
    assert m.symbol("axiom_syslog_next") & ~(PAGE - 1) in mapped
    assert len(mapped) > 10 * len(entry_pages(m))
