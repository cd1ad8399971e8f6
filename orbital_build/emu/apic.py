"""The local APIC and I/O APIC register windows, as MMIO.

Nothing here raises interrupts by itself: timer interrupts are injected by the test
(Machine.inject), so a run is reproducible. The LAPIC keeps its registers, counts EOIs
and lets the current-count register run down at a 1 GHz bus clock divided as programmed,
which is what the kernel's timer calibration reads; the I/O APIC keeps its redirection
table behind the index/data pair.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from unicorn.unicorn_py3.arch.intel import UcIntel

LAPIC_BASE = 0xFEE00000
IOAPIC_BASE = 0xFEC00000
WINDOW = 0x1000

LAPIC_ID = 0x020
LAPIC_VERSION = 0x030
LAPIC_EOI = 0x0B0
LAPIC_SVR = 0x0F0
LAPIC_LVT_TIMER = 0x320
LAPIC_TIMER_INIT = 0x380
LAPIC_TIMER_CUR = 0x390
LAPIC_TIMER_DIV = 0x3E0
BUS_HZ = 1_000_000_000


def _divider(reg: int) -> int:
    code = (reg & 3) | ((reg >> 1) & 4)
    return 1 if code == 7 else 2 << code


class LocalApic:
    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.regs: dict[int, int] = {LAPIC_VERSION: 0x00050014, LAPIC_SVR: 0xFF}
        self.eoi_count = 0
        self.loaded_at = 0.0

    def read(self, uc: object, offset: int, size: int, _: object = None) -> int:
        reg = offset & ~0xF
        if reg == LAPIC_TIMER_CUR:
            init = self.regs.get(LAPIC_TIMER_INIT, 0)
            ticks = int((self.clock() - self.loaded_at) * BUS_HZ /
                        _divider(self.regs.get(LAPIC_TIMER_DIV, 0)))
            return max(init - ticks, 0) if init else 0
        return self.regs.get(reg, 0)

    def write(self, uc: object, offset: int, size: int, value: int, _: object = None) -> None:
        reg = offset & ~0xF
        if reg == LAPIC_EOI:
            self.eoi_count += 1
            return
        if reg == LAPIC_TIMER_INIT:
            self.loaded_at = self.clock()
        self.regs[reg] = value & 0xFFFFFFFF


class IoApic:
    def __init__(self) -> None:
        self.index = 0
        self.regs: dict[int, int] = {0x01: 0x00170011}    # version 0x11, 24 pins

    def read(self, uc: object, offset: int, size: int, _: object = None) -> int:
        if offset == 0x00:
            return self.index
        if offset == 0x10:
            return self.regs.get(self.index, 0)
        return 0

    def write(self, uc: object, offset: int, size: int, value: int, _: object = None) -> None:
        if offset == 0x00:
            self.index = value & 0xFF
        elif offset == 0x10:
            self.regs[self.index] = value & 0xFFFFFFFF

    def redirection(self, pin: int) -> int:
        """The 64-bit redirection entry of `pin`."""
        lo = self.regs.get(0x10 + 2 * pin, 0)
        hi = self.regs.get(0x11 + 2 * pin, 0)
        return lo | hi << 32


def map_apics(uc: UcIntel, lapic: LocalApic, ioapic: IoApic) -> None:
    uc.mmio_map(LAPIC_BASE, WINDOW, lapic.read, None, lapic.write, None)
    uc.mmio_map(IOAPIC_BASE, WINDOW, ioapic.read, None, ioapic.write, None)
