"""The modelled devices and boot structures: COM1, isa-debug-exit, debugcon, the PIT
channel the TSC calibration uses, the port bus, and the multiboot information block."""

from __future__ import annotations

import struct

import pytest

from orbital_build.emu import ports
from orbital_build.emu.multiboot import MB_INFO_CMDLINE, MB_INFO_MMAP, multiboot_info

pytestmark = pytest.mark.emu


def test_serial_collects_data_bytes_but_not_the_divisor() -> None:
    s = ports.Serial16550()
    s.write(0x3FB, 1, 0x80)          # DLAB on
    s.write(0x3F8, 1, 0x01)          # divisor low byte: not text
    s.write(0x3FB, 1, 0x03)
    for c in b"hi\n":
        assert s.read(0x3FD, 1) & 0x20
        s.write(0x3F8, 1, c)
    assert s.text == "hi\n"
    assert not s.read(0x3FD, 1) & 0x01
    s.feed(b"x")
    assert s.read(0x3FD, 1) & 0x01 and s.read(0x3F8, 1) == ord("x")


def test_debug_exit_keeps_the_first_value_and_calls_back() -> None:
    seen: list[int] = []
    d = ports.DebugExit(on_exit=seen.append)
    bus = ports.PortBus([d])
    bus.write(0xF4, 1, 0x11)
    bus.write(0xF4, 1, 0x10)
    assert d.value == 0x11 and seen == [0x11, 0x10]


def test_unknown_ports_read_all_ones_and_ignore_writes() -> None:
    bus = ports.PortBus([ports.DebugCon()])
    assert bus.read(0x80, 1) == 0xFF and bus.read(0x80, 2) == 0xFFFF
    bus.write(0x80, 1, 0x12)
    assert bus.unknown == {0x80: 3}
    assert bus.read(0xE9, 1) == 0xE9


def test_pit_channel2_output_rises_after_its_count() -> None:
    now = [0.0]
    pit = ports.Pit(clock=lambda: now[0])
    pit.write(0x61, 1, 0x01)                  # gate on
    pit.write(0x43, 1, 0xB0)                  # channel 2, lo/hi, mode 0
    pit.write(0x42, 1, 11932 & 0xFF)
    pit.write(0x42, 1, 11932 >> 8)            # 10 ms
    assert not pit.read(0x61, 1) & 0x20
    now[0] = 0.009
    assert not pit.read(0x61, 1) & 0x20
    now[0] = 0.0101
    assert pit.read(0x61, 1) & 0x20
    assert pit.read(0x61, 1) & 0x01


def test_multiboot_info_block() -> None:
    info = multiboot_info(0x9000, 128 << 20, "crash=ud2", kernel_name="orbital.img")
    flags, _, upper = struct.unpack_from("<III", info)
    assert flags & MB_INFO_MMAP and flags & MB_INFO_CMDLINE
    assert upper == (127 << 20) // 1024
    cmdline, = struct.unpack_from("<I", info, 16)
    mmap_length, mmap_addr = struct.unpack_from("<II", info, 44)
    size, base, length, kind = struct.unpack_from("<IQQI", info, mmap_addr - 0x9000)
    assert (size, base, length, kind, mmap_length) == (20, 1 << 20, 127 << 20, 1, 24)
    text = info[cmdline - 0x9000:].split(b"\0")[0]
    assert text == b"orbital.img crash=ud2"
