"""The page-table walker on hand-built tables: every leaf size, effective permissions
combined over the levels, absent entries, and canonical addresses in the upper half."""

from __future__ import annotations

import struct

import pytest

from orbital_build.emu import x86
from orbital_build.emu.memory import paging
from orbital_build.emu.memory.boot_tables import DIRECT_MAP_BASE, KERNEL_VMA, build_boot_tables

pytestmark = pytest.mark.emu

P, W, U, PS, G, NX = x86.PTE_P, x86.PTE_W, x86.PTE_U, x86.PTE_PS, x86.PTE_G, x86.PTE_NX


class Ram:
    def __init__(self, size: int = 1 << 20) -> None:
        self.data = bytearray(size)

    def read(self, addr: int, size: int) -> bytes:
        return bytes(self.data[addr:addr + size])

    def write(self, addr: int, data: bytes) -> None:
        self.data[addr:addr + len(data)] = data

    def entry(self, table: int, index: int, value: int) -> None:
        self.write(table + 8 * index, struct.pack("<Q", value))


@pytest.fixture
def ram() -> Ram:
    r = Ram()
    r.entry(0x1000, 0, 0x2000 | P | W | U)              # PML4[0]   -> PDPT 0x2000
    r.entry(0x1000, 511, 0x3000 | P | W)                # PML4[511] -> PDPT 0x3000
    r.entry(0x2000, 0, 0x4000 | P | W | U)              # PDPT[0]   -> PD 0x4000
    r.entry(0x2000, 1, 0x40000000 | P | W | U | PS)     # 1 GiB page at 1 GiB
    r.entry(0x4000, 0, 0x5000 | P | U)                  # PD[0] -> PT, not writable
    r.entry(0x4000, 1, 0x200000 | P | W | U | PS | NX)  # 2 MiB page, NX
    r.entry(0x5000, 1, 0x7000 | P | W | U)              # W at the leaf only
    r.entry(0x5000, 2, 0x8000 | P | U | NX)
    r.entry(0x5000, 3, 0x9000 | W | U)                  # not present
    r.entry(0x3000, 510, 0x6000 | P | W)                # kernel half: PD 0x6000
    r.entry(0x6000, 0, 0x400000 | P | PS | G)           # 2 MiB supervisor, global
    return r


def test_walk_4k_leaf_combines_levels(ram: Ram) -> None:
    w = paging.walk(ram.read, 0x1000, 0x1234)
    assert w.paddr == 0x7234
    assert [e.level for e in w.entries] == [4, 3, 2, 1]
    assert w.flags & P and w.flags & U
    assert not w.flags & W                    # the PD entry is read-only
    assert not w.flags & NX


def test_walk_large_pages(ram: Ram) -> None:
    w2 = paging.walk(ram.read, 0x1000, 0x200000 + 0x12345)
    assert w2.paddr == 0x212345 and w2.flags & PS and w2.flags & NX
    w1 = paging.walk(ram.read, 0x1000, 0x40000000 + 0x123456)
    assert w1.paddr == 0x40123456 and len(w1.entries) == 2


def test_walk_stops_at_absent_entry(ram: Ram) -> None:
    w = paging.walk(ram.read, 0x1000, 0x3000)
    assert not w.present and w.flags == 0
    assert w.entries[-1].level == 1 and not w.entries[-1].present
    assert "not present" in str(w)
    assert not paging.walk(ram.read, 0x1000, 0x0000100000000000).present


def test_cr3_pcid_bits_are_ignored(ram: Ram) -> None:
    assert paging.walk(ram.read, 0x1000 | 0x5 | 1 << 63, 0x1000).paddr == 0x7000


def test_mappings_lists_leaves_with_effective_flags(ram: Ram) -> None:
    got = [(m.vaddr, m.paddr, m.size, m.writable, m.user, m.executable, m.large, m.global_)
           for m in paging.mappings(ram.read, 0x1000)]
    assert got == [
        (0x1000, 0x7000, 0x1000, False, True, True, False, False),
        (0x2000, 0x8000, 0x1000, False, True, False, False, False),
        (0x200000, 0x200000, 0x200000, True, True, False, True, False),
        (0x40000000, 0x40000000, 0x40000000, True, True, True, True, False),
        (KERNEL_VMA, 0x400000, 0x200000, False, False, True, True, True),
    ]


def test_mappings_clips_to_range(ram: Ram) -> None:
    upper = list(paging.mappings(ram.read, 0x1000, DIRECT_MAP_BASE, 1 << 64))
    assert [m.vaddr for m in upper] == [KERNEL_VMA]
    lower = list(paging.mappings(ram.read, 0x1000, 0x1800, 0x201000))
    assert [m.vaddr for m in lower] == [0x1000, 0x2000, 0x200000]


def test_boot_tables_map_what_boot_s_maps() -> None:
    ram = Ram(1 << 20)
    cr3 = build_boot_tables(ram.write, 0x70000)
    for va, pa in ((0x0, 0x0), (0xFFE00000, 0xFFE00000), (DIRECT_MAP_BASE + 0x12345678, 0x12345678),
                   (KERNEL_VMA + 0x100000, 0x100000), (KERNEL_VMA + 0x7FFFFFFF, 0x7FFFFFFF)):
        w = paging.walk(ram.read, cr3, va)
        assert w.paddr == pa, str(w)
        assert w.flags & W and w.flags & PS and not w.flags & U
    assert not paging.walk(ram.read, cr3, 0x100000000).present          # identity: 4 GiB
    assert not paging.walk(ram.read, cr3, DIRECT_MAP_BASE + (4 << 30)).present
    assert sum(1 for _ in paging.mappings(ram.read, cr3)) == 2048 * 2 + 1024


def test_boot_tables_refuse_memory_the_kernel_allocates() -> None:
    with pytest.raises(ValueError):
        build_boot_tables(Ram(2 << 20).write, 0x100000)
