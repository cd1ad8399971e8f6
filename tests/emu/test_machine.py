"""The model's own behaviour on the real kernel: stopping on a predicate, at a symbol,
when idle, at an instruction budget; waking an idle kernel with an interrupt; counting
calls; symbolizing and disassembling."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from orbital_build.emu import scenarios as sc
from orbital_build.emu import x86
from orbital_build.emu.machine import Machine, StopReason

pytestmark = pytest.mark.emu


def test_predicate_stops_at_the_console_line(boot: Callable[..., Machine]) -> None:
    m = boot(sc.CORE_IMAGE)
    stop = m.run_until(lambda m: "kernel ready" in m.console)
    assert stop.reason is StopReason.PREDICATE
    assert m.console.endswith("processes started\n") and m.cpu.cpl == 0


def test_symbol_target_and_budget(boot: Callable[..., Machine]) -> None:
    m = boot(sc.CORE_IMAGE)
    assert m.run_until("kmain").reason is StopReason.TARGET
    assert m.addr_to_symbol(m.cpu.rip) == "kmain"
    assert "kmain" in m.disassemble(m.cpu.rip, 3).splitlines()[0]
    stop = m.run_until("axiom_init", max_instructions=50)
    assert stop.reason is StopReason.LIMIT and stop.detail == "instruction budget"


def test_idle_kernel_wakes_for_an_injected_tick(boot: Callable[..., Machine]) -> None:
    m = boot(sc.IPC_IMAGE)
    stop = m.run()
    assert stop.reason is StopReason.IDLE
    hlt = m.cpu.rip
    assert m.read(hlt, 1) == b"\xf4" and m.cpu.reg("rflags") & x86.RFLAGS_IF
    assert m.run().reason is StopReason.IDLE and m.cpu.rip == hlt   # stays idle
    eois = m.lapic.eoi_count
    with m.watch("timer_tick", "irq_dispatch") as hits:
        m.inject(0x20)
        stop = m.run()
    assert stop.reason is StopReason.IDLE and m.cpu.rip == hlt
    assert hits == {"timer_tick": 1, "irq_dispatch": 1}
    d = m.delivery.log[-1]
    assert (d.vector, d.from_cpl, d.stack, d.return_rip) == (0x20, 0, "current", hlt + 1)
    assert m.lapic.eoi_count == eois + 1


def test_user_addresses_name_their_program(boot: Callable[..., Machine]) -> None:
    m = boot(sc.CORE_IMAGE)
    sc.run_to(m, sc.NULL_SYSCALL)
    assert m.program_at(m.cpu.rip) == sc.CORE
    assert m.addr_to_symbol(m.cpu.rip) == "emu-core:emu_null_syscall_insn"
    assert m.addr_to_symbol(m.symbol("syscall_entry") + 4) == "syscall_entry+0x4"
