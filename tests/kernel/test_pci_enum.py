"""The kernel's boot enumeration of PCI (kernel_image/src/kernel/pci_enum.c) against
hostile hardware: BARs over RAM, over another device, over the interrupt controllers,
smaller than a page or misaligned, a 64-bit BAR cut in half, an MSI-X table outside its
BAR, a bridge that loops back. Each must end unmappable, so that no PCI device capability
can ever become a window onto memory that is not its device's. The C file is compiled
for the host as it is, with a fake configuration space (tests/kernel/pci_fake.c)."""

from __future__ import annotations

import ctypes
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from orbital_build.generated import abi

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MEM, IO, B64, PREF, MAP = (abi.PCI_BAR_MEM, abi.PCI_BAR_IO, abi.PCI_BAR_64,
                           abi.PCI_BAR_PREFETCH, abi.PCI_BAR_MAPPABLE)
RAM = (0, 256 << 20)


class FakeFn(ctypes.Structure):
    _fields_ = [("bdf", ctypes.c_uint32), ("cfg", ctypes.c_uint8 * 256),
                ("bar_size", ctypes.c_uint64 * 6)]


class Result(ctypes.Structure):
    _fields_ = [("bdf", ctypes.c_uint32), ("flags", ctypes.c_uint8 * 6),
                ("size", ctypes.c_uint64 * 6), ("base", ctypes.c_uint64 * 6),
                ("msix_entries", ctypes.c_uint16), ("msix_cap", ctypes.c_uint8)]


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> ctypes.CDLL:
    out = tmp_path_factory.mktemp("pci") / "libpci.so"
    subprocess.run(["gcc", "-std=gnu11", "-O1", "-shared", "-fPIC", "-Wall", "-Werror",
                    "-Wno-unused-function", f"-I{ROOT}/kernel_image/include",
                    f"-I{ROOT}/kernel_image/include/gen/uapi", "-o", str(out),
                    str(ROOT / "kernel_image/src/kernel/pci_enum.c"), str(HERE / "pci_fake.c")],
                   check=True)
    return ctypes.CDLL(str(out))


@dataclass
class Fn:
    """One fake function: its BARs as (base, size, kind) with kind mem32/mem64/io."""

    bdf: int
    vendor: int = 0x1AF4
    device: int = 0x1042
    bars: dict[int, tuple[int, int, str]] = field(default_factory=dict)
    header: int = 0
    secondary: int = 0
    msix: tuple[int, int, int] | None = None     # (entries, bar, offset)
    command: int = 0x7


def load(lib: ctypes.CDLL, fns: list[Fn]) -> None:
    table = (FakeFn * 16).in_dll(lib, "fake")
    ctypes.c_uint32.in_dll(lib, "nfake").value = len(fns)
    ctypes.c_uint32.in_dll(lib, "config_writes").value = 0
    ctypes.memset(ctypes.addressof(ctypes.c_char.in_dll(lib, "log_text")), 0, 8192)
    for i, fn in enumerate(fns):
        cfg = bytearray(256)
        struct.pack_into("<HHH", cfg, 0, fn.vendor, fn.device, fn.command)
        cfg[0x0B] = 0x01
        cfg[0x0E] = fn.header
        cfg[0x19] = fn.secondary
        sizes = [0] * 6
        for reg, (base, size, kind) in fn.bars.items():
            low = {"mem32": 0x0, "mem64": 0x4, "io": 0x1}[kind]
            struct.pack_into("<I", cfg, 0x10 + 4 * reg, (base & 0xFFFFFFF0) | low)
            if kind == "mem64":
                struct.pack_into("<I", cfg, 0x14 + 4 * reg, base >> 32)
            sizes[reg] = size
        if fn.msix:
            entries, bar, offset = fn.msix
            struct.pack_into("<H", cfg, 0x06, 0x10)          # status: capability list
            cfg[0x34] = 0x40
            struct.pack_into("<BBHII", cfg, 0x40, 0x11, 0, entries - 1, offset | bar,
                             (offset + 0x800) | bar)
        table[i].bdf = fn.bdf
        table[i].cfg[:] = list(cfg)
        table[i].bar_size[:] = sizes


def enumerate_fake(lib: ctypes.CDLL, fns: list[Fn], ram: tuple[int, int] = RAM) -> list[Result]:
    load(lib, fns)
    out = (Result * 32)()
    n = lib.run(ctypes.c_uint64(ram[0]), ctypes.c_uint64(ram[1]), out, 32)
    return list(out[:n])


def log(lib: ctypes.CDLL) -> str:
    return ctypes.string_at(ctypes.addressof(ctypes.c_char.in_dll(lib, "log_text"))).decode()


def test_a_good_device_is_sized_and_mappable(lib) -> None:
    blk = Fn(bdf=0x20, bars={1: (0xFEBD1000, 0x1000, "mem32"), 4: (0xFEBF0000, 0x4000, "mem64"),
                             0: (0xC000, 0x40, "io")}, msix=(2, 1, 0))
    [d] = enumerate_fake(lib, [blk])
    assert d.bdf == 0x20
    assert (d.flags[4], d.size[4], d.base[4]) == (MEM | B64 | MAP, 0x4000, 0xFEBF0000)
    assert d.flags[5] == 0 and d.size[5] == 0            # the upper half is no BAR
    assert (d.flags[1], d.size[1]) == (MEM | MAP, 0x1000)
    assert (d.flags[0], d.size[0], d.base[0]) == (IO, 0x40, 0xC000)   # I/O: never mapped
    assert (d.msix_cap, d.msix_entries) == (0x40, 2)
    table = (FakeFn * 16).in_dll(lib, "fake")
    assert struct.unpack_from("<I", bytes(table[0].cfg), 0x20)[0] == 0xFEBF0004  # restored
    assert table[0].cfg[4] == 0x7                         # decoding back on after sizing
    assert ctypes.c_uint32.in_dll(lib, "config_writes").value == 0


@pytest.mark.parametrize(("why", "bar"), [
    ("over RAM", (0x00200000, 0x4000, "mem32")),
    ("over the kernel image", (0x00100000, 0x100000, "mem32")),
    ("over the I/O APIC", (0xFEC00000, 0x1000, "mem32")),
    ("over the local APIC", (0xFEE00000, 0x100000, "mem64")),
    ("smaller than a page", (0xFEBF0000, 0x100, "mem32")),
    ("at address 0", (0x0, 0x4000, "mem32")),
    ("below 1 MiB", (0x000A0000, 0x4000, "mem32")),
    ("above the physical address width", (1 << 52, 0x4000, "mem64")),
])
def test_a_bar_that_could_reach_memory_is_refused(lib, why: str, bar) -> None:
    [d] = enumerate_fake(lib, [Fn(bdf=0x20, bars={2: bar})])
    assert d.flags[2] & MEM, why
    assert not d.flags[2] & MAP, why


def test_overlapping_bars_of_two_devices_are_both_refused(lib) -> None:
    a = Fn(bdf=0x20, bars={0: (0xFEBF0000, 0x4000, "mem32"), 1: (0xFEB00000, 0x1000, "mem32")})
    b = Fn(bdf=0x28, device=0x1044, bars={0: (0xFEBF0000, 0x1000, "mem32")})
    da, db = enumerate_fake(lib, [a, b])
    assert not da.flags[0] & MAP and not db.flags[0] & MAP
    assert da.flags[1] & MAP                               # the rest of the device is fine


def test_a_64bit_bar_in_the_last_register_is_no_bar(lib) -> None:
    [d] = enumerate_fake(lib, [Fn(bdf=0x20, bars={5: (0xFEBF0000, 0x4000, "mem64")})])
    assert d.flags[5] == 0


def test_msix_table_outside_its_bar_is_not_used(lib) -> None:
    fn = Fn(bdf=0x20, bars={1: (0xFEBD1000, 0x1000, "mem32")}, msix=(64, 1, 0xC00))
    [d] = enumerate_fake(lib, [fn])
    assert (d.msix_cap, d.msix_entries) == (0, 0)
    assert "MSI-X table outside its BARs" in log(lib)
    fn = Fn(bdf=0x20, bars={1: (0xFEBD1000, 0x1000, "mem32")}, msix=(4, 3, 0))   # no BAR 3
    assert enumerate_fake(lib, [fn])[0].msix_entries == 0


def test_bridges_are_followed_once(lib) -> None:
    bridge = Fn(bdf=0x08, header=0x01, secondary=1)
    loop = Fn(bdf=0x100 | 0x10, header=0x01, secondary=0)       # bus 1 points back to 0
    behind = Fn(bdf=0x100 | 0x18, bars={0: (0xFE000000, 0x1000, "mem32")})
    found = enumerate_fake(lib, [bridge, loop, behind])
    assert sorted(d.bdf for d in found) == [0x08, 0x110, 0x118]
    assert found[-1].flags[0] & MAP


def test_multifunction_devices_have_every_function_scanned(lib) -> None:
    f0 = Fn(bdf=0x20, header=0x80)
    f3 = Fn(bdf=0x23, device=0x1044)
    lone = Fn(bdf=0x28)                      # single-function: function 1 is not probed
    ghost = Fn(bdf=0x29, device=0x1048)
    assert [d.bdf for d in enumerate_fake(lib, [f0, f3, lone, ghost])] == [0x20, 0x23, 0x28]
