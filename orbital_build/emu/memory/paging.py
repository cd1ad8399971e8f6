"""x86_64 4-level page tables, read from guest physical memory.

`walk` follows one virtual address from CR3 and reports every entry on the way;
`mappings` enumerates the leaf entries of a range with their effective permissions: a
page is writable or user-accessible only if every level says so, and non-executable if
any level sets NX (EFER.NXE is assumed, as the kernel requires it). Both take a
`read_phys(paddr, size) -> bytes` so they work on any memory image, not only Unicorn's.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .. import x86

ReadPhys = Callable[[int, int], bytes]

LEVEL_NAMES = {4: "PML4", 3: "PDPT", 2: "PD", 1: "PT"}
_TABLE = struct.Struct("<512Q")
_PAGE_SIZE = {3: 1 << 30, 2: 1 << 21, 1: 1 << 12}


def _index(vaddr: int, level: int) -> int:
    return (vaddr >> (12 + 9 * (level - 1))) & 511


@dataclass(frozen=True)
class Entry:
    """One entry met on a walk: its level (4 = PML4 .. 1 = PT), index and raw value."""

    level: int
    index: int
    value: int

    @property
    def present(self) -> bool:
        return bool(self.value & x86.PTE_P)

    @property
    def leaf(self) -> bool:
        return self.level == 1 or (self.level in (2, 3) and bool(self.value & x86.PTE_PS))

    def __str__(self) -> str:
        return f"{LEVEL_NAMES[self.level]}[{self.index}]={self.value:#018x} ({flag_names(self.value)})"


def flag_names(value: int) -> str:
    names = [n for n, bit in (("P", x86.PTE_P), ("W", x86.PTE_W), ("U", x86.PTE_U),
                              ("PCD", x86.PTE_PCD), ("PS", x86.PTE_PS), ("G", x86.PTE_G),
                              ("NX", x86.PTE_NX)) if value & bit]
    return " ".join(names) or "-"


def effective_flags(entries: tuple[Entry, ...]) -> int:
    """P, W, U and NX combined over the levels, PS/G/PCD/PWT from the leaf."""
    flags = x86.PTE_P | x86.PTE_W | x86.PTE_U
    for e in entries:
        flags &= e.value | ~(x86.PTE_P | x86.PTE_W | x86.PTE_U)
        flags |= e.value & x86.PTE_NX
    leaf = entries[-1].value
    return flags | (leaf & (x86.PTE_G | x86.PTE_PCD | x86.PTE_PWT)) | \
        (x86.PTE_PS if entries[-1].level > 1 else 0)


@dataclass(frozen=True)
class Walk:
    """The result of walking one virtual address: the entries read, and the physical
    address if every level was present."""

    vaddr: int
    entries: tuple[Entry, ...]
    paddr: int | None

    @property
    def present(self) -> bool:
        return self.paddr is not None

    @property
    def flags(self) -> int:
        """Effective flags (0 if not present)."""
        return effective_flags(self.entries) if self.present else 0

    def __str__(self) -> str:
        where = f"{self.paddr:#x}" if self.paddr is not None else "not present"
        return f"{self.vaddr:#018x} -> {where}: " + ", ".join(str(e) for e in self.entries)


def walk(read_phys: ReadPhys, cr3: int, vaddr: int) -> Walk:
    """Follow `vaddr` through the tables under `cr3` (PCID bits ignored)."""
    table = cr3 & x86.CR3_ADDR
    entries: list[Entry] = []
    for level in (4, 3, 2, 1):
        idx = _index(vaddr, level)
        (value,) = struct.unpack("<Q", read_phys(table + 8 * idx, 8))
        e = Entry(level, idx, value)
        entries.append(e)
        if not e.present:
            return Walk(vaddr, tuple(entries), None)
        if e.leaf:
            size = _PAGE_SIZE[level]
            base = value & x86.PTE_ADDR & ~(size - 1)
            return Walk(vaddr, tuple(entries), base | (vaddr & (size - 1)))
        table = value & x86.PTE_ADDR
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Mapping:
    """One leaf page: where it is, how big, and its effective flags."""

    vaddr: int
    paddr: int
    size: int
    flags: int
    entries: tuple[Entry, ...]

    @property
    def end(self) -> int:
        return self.vaddr + self.size

    @property
    def writable(self) -> bool:
        return bool(self.flags & x86.PTE_W)

    @property
    def user(self) -> bool:
        return bool(self.flags & x86.PTE_U)

    @property
    def executable(self) -> bool:
        return not self.flags & x86.PTE_NX

    @property
    def global_(self) -> bool:
        return bool(self.flags & x86.PTE_G)

    @property
    def large(self) -> bool:
        return bool(self.flags & x86.PTE_PS)

    def __str__(self) -> str:
        return (f"{self.vaddr:#018x}-{self.end:#018x} -> {self.paddr:#x} "
                f"[{'W' if self.writable else 'R'}{'X' if self.executable else '-'}"
                f"{'U' if self.user else 'S'}{' G' if self.global_ else ''}]")


def mappings(read_phys: ReadPhys, cr3: int, start: int = 0,
             end: int = 1 << 64) -> Iterator[Mapping]:
    """Every present leaf page overlapping [start, end), in address order."""
    def tables(table: int, level: int, base: int,
               path: tuple[Entry, ...]) -> Iterator[Mapping]:
        span = 1 << (12 + 9 * (level - 1))
        values = _TABLE.unpack(read_phys(table, 4096))
        for idx, value in enumerate(values):
            lo = x86.canonical(base + idx * span) if level == 4 else base + idx * span
            if not value & x86.PTE_P or lo + span <= start or lo >= end:
                continue
            e = Entry(level, idx, value)
            chain = (*path, e)
            if e.leaf:
                paddr = value & x86.PTE_ADDR & ~(span - 1)
                yield Mapping(lo, paddr, span, effective_flags(chain), chain)
            else:
                yield from tables(value & x86.PTE_ADDR, level - 1, lo, chain)

    yield from tables(cr3 & x86.CR3_ADDR, 4, 0, ())
