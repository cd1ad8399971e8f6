"""The page tables boot.S builds, built by the model instead (its 32-bit code cannot run
in a 64-bit Unicorn instance): 2 MiB pages mapping physical 0-4 GiB at 0 (identity) and
at DIRECT_MAP_BASE, and 0-2 GiB at KERNEL_VMA. The kernel replaces them in vm_init; they
live in frames below 1 MiB, which the kernel's frame allocator never hands out."""

from __future__ import annotations

import struct
from collections.abc import Callable

from .. import x86

DIRECT_MAP_BASE = 0xFFFF800000000000
KERNEL_VMA = 0xFFFFFFFF80000000
TABLE_PAGES = 7          # PML4, low PDPT, high PDPT, four page directories


def build_boot_tables(write_phys: Callable[[int, bytes], None], base: int) -> int:
    """Write the tables into 7 pages at physical `base`; return the CR3 value."""
    if base % 0x1000 or base + TABLE_PAGES * 0x1000 > 0x100000:
        raise ValueError("boot page tables belong in page-aligned memory below 1 MiB")
    pml4, pdpt_lo, pdpt_hi, pd = base, base + 0x1000, base + 0x2000, base + 0x3000
    table = x86.PTE_P | x86.PTE_W
    large = table | x86.PTE_PS
    write_phys(pd, struct.pack("<2048Q", *(i * 0x200000 | large for i in range(2048))))
    lo = [0] * 512
    for i in range(4):
        lo[i] = pd + i * 0x1000 | table
    write_phys(pdpt_lo, struct.pack("<512Q", *lo))
    hi = [0] * 512
    hi[510], hi[511] = pd | table, pd + 0x1000 | table
    write_phys(pdpt_hi, struct.pack("<512Q", *hi))
    top = [0] * 512
    top[0] = top[256] = pdpt_lo | table
    top[511] = pdpt_hi | table
    write_phys(pml4, struct.pack("<512Q", *top))
    return pml4
