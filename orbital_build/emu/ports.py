"""The port I/O devices of the modelled PC, which Unicorn does not have.

COM1 (a 16550 that is always ready: console text), QEMU's isa-debug-exit (0xF4: a write
ends the run with that value) and isa-debugcon (0xE9: the Axiom commit stream), the PIT
channel 2 gate the kernel calibrates its TSC against, and the two 8259 PICs (the kernel
only masks them). Unknown ports read as all ones and ignore writes, like an empty bus.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

COM1 = 0x3F8
DEBUG_EXIT_PORT = 0xF4
DEBUGCON_PORT = 0xE9
PIT_HZ = 1193182


class Device:
    """A device answering at some I/O ports."""

    ports: Iterable[int] = ()

    def read(self, port: int, size: int) -> int:
        return (1 << (8 * size)) - 1

    def write(self, port: int, size: int, value: int) -> None:
        pass


class Serial16550(Device):
    """COM1: transmit always ready (LSR reads 0x20), bytes written to the data register
    with DLAB clear become console text; `feed` queues input."""

    LSR_DATA_READY = 0x01
    LSR_THR_EMPTY = 0x20

    def __init__(self, base: int = COM1, on_output: Callable[[int], None] | None = None) -> None:
        self.base = base
        self.ports = range(base, base + 8)
        self.output = bytearray()
        self.input = bytearray()
        self.lcr = 0
        self.regs = [0] * 8
        self.on_output = on_output

    @property
    def dlab(self) -> bool:
        return bool(self.lcr & 0x80)

    def feed(self, data: bytes) -> None:
        self.input += data

    def read(self, port: int, size: int) -> int:
        reg = port - self.base
        if reg == 0 and not self.dlab:
            if self.input:
                byte = self.input[0]
                del self.input[0]
                return byte
            return 0
        if reg == 5:
            return self.LSR_THR_EMPTY | (self.LSR_DATA_READY if self.input else 0)
        if reg == 2:
            return 0x01          # IIR: no interrupt pending
        if reg == 3:
            return self.lcr
        return self.regs[reg]

    def write(self, port: int, size: int, value: int) -> None:
        reg = port - self.base
        value &= 0xFF
        if reg == 0 and not self.dlab:
            self.output.append(value)
            if self.on_output is not None:
                self.on_output(value)
        elif reg == 3:
            self.lcr = value
        else:
            self.regs[reg] = value

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")


class DebugExit(Device):
    """isa-debug-exit: the first write records its value and calls `on_exit`."""

    def __init__(self, on_exit: Callable[[int], None] | None = None,
                 port: int = DEBUG_EXIT_PORT) -> None:
        self.ports = range(port, port + 4)
        self.value: int | None = None
        self.on_exit = on_exit

    def write(self, port: int, size: int, value: int) -> None:
        if self.value is None:
            self.value = value
        if self.on_exit is not None:
            self.on_exit(value)


class DebugCon(Device):
    """isa-debugcon: every byte written is kept; reads return the port number (QEMU's
    presence check)."""

    def __init__(self, port: int = DEBUGCON_PORT,
                 on_output: Callable[[int], None] | None = None) -> None:
        self.ports = (port,)
        self.data = bytearray()
        self.on_output = on_output

    def read(self, port: int, size: int) -> int:
        return DEBUGCON_PORT

    def write(self, port: int, size: int, value: int) -> None:
        self.data.append(value & 0xFF)
        if self.on_output is not None:
            self.on_output(value)


class Pit(Device):
    """The 8254's channel 2 as the TSC calibration uses it (mode 0, gate and output via
    port 0x61), counting at 1.193182 MHz of `clock` time. Unicorn's TSC follows the host
    clock, so timing the PIT by the host clock lets the kernel measure the real rate."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.ports = (0x40, 0x41, 0x42, 0x43, 0x61)
        self.clock = clock
        self.port61 = 0
        self.reload = 0
        self.lobyte: int | None = None
        self.started: float | None = None
        self.refresh = 0

    def _out2(self) -> bool:
        if self.started is None or not self.port61 & 1:
            return False
        return (self.clock() - self.started) * PIT_HZ >= (self.reload or 0x10000)

    def read(self, port: int, size: int) -> int:
        if port == 0x61:
            self.refresh ^= 0x10
            return (self.port61 & 0x0F) | self.refresh | (0x20 if self._out2() else 0)
        return 0

    def write(self, port: int, size: int, value: int) -> None:
        value &= 0xFF
        if port == 0x61:
            self.port61 = value
        elif port == 0x43 and (value >> 6) == 2:    # channel 2: wait for lo, hi bytes
            self.lobyte, self.started = None, None
        elif port == 0x42:
            if self.lobyte is None:
                self.lobyte = value
            else:
                self.reload = self.lobyte | value << 8
                self.lobyte = None
                self.started = self.clock()


class Pic8259(Device):
    """The master and slave PICs: only the interrupt masks are kept."""

    def __init__(self) -> None:
        self.ports = (0x20, 0x21, 0xA0, 0xA1)
        self.masks = {0x21: 0, 0xA1: 0}

    def read(self, port: int, size: int) -> int:
        return self.masks.get(port, 0)

    def write(self, port: int, size: int, value: int) -> None:
        if port in self.masks:
            self.masks[port] = value & 0xFF


class PortBus:
    """Routes IN/OUT to the device owning the port."""

    def __init__(self, devices: Iterable[Device]) -> None:
        self.devices: dict[int, Device] = {}
        self.unknown: dict[int, int] = {}    # port -> accesses, for diagnostics
        for d in devices:
            for p in d.ports:
                self.devices[p] = d

    def read(self, port: int, size: int) -> int:
        dev = self.devices.get(port)
        if dev is None:
            self.unknown[port] = self.unknown.get(port, 0) + 1
            return (1 << (8 * size)) - 1
        return dev.read(port, size) & ((1 << (8 * size)) - 1)

    def write(self, port: int, size: int, value: int) -> None:
        dev = self.devices.get(port)
        if dev is None:
            self.unknown[port] = self.unknown.get(port, 0) + 1
            return
        dev.write(port, size, value)
