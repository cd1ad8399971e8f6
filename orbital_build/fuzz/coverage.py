"""Kernel coverage: which source lines the basic blocks a run executed belong to.

The kernel is built with -g, so its DWARF line table maps every instruction address to a
(file, line). A line counts as covered when any instruction it produced lies in a block
that ran. Per file, the lines are those the line table knows for that file (an inline
function's lines count wherever it was inlined); per function, those whose code lies in
the function's symbol range.

Hot leaf code (SHA-256, memcpy/memset, the debugcon byte loop) runs thousands of blocks
per Axiom commit and says nothing about syscall paths, so the block hook leaves it out:
`hook_spans` is the kernel text minus those functions.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from ..errors import OrbitalError

# Leaf functions whose blocks are not worth a Python call each (see the docstring).
HOT = ("sha256_update", "sha256_final", "sha256_init", "sha256_block", "sha256_transform",
       "memcpy", "memset", "memmove", "memcmp", "strnlen", "strlen", "arch_port_write",
       "outb", "vsnprintf", "format")


@dataclass(frozen=True)
class Function:
    name: str
    addr: int
    size: int


@dataclass(frozen=True)
class Figure:
    """Covered lines out of the lines that produced code."""

    covered: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 0.0

    def __str__(self) -> str:
        return f"{self.covered}/{self.total} lines ({self.percent:.1f}%)"


class LineMap:
    """The line table and function symbols of one kernel ELF."""

    def __init__(self, elf_path: Path) -> None:
        rows: list[tuple[int, int, str, int]] = []   # (start, end, file, line)
        funcs: list[Function] = []
        try:
            with elf_path.open("rb") as f:
                elf = ELFFile(f)
                if not elf.has_dwarf_info():
                    raise OrbitalError(f"{elf_path}: no DWARF line table (build with -g)")
                dwarf = elf.get_dwarf_info()
                for cu in dwarf.iter_CUs():
                    rows += _cu_rows(dwarf, cu)
                symtab = elf.get_section_by_name(".symtab")
                if isinstance(symtab, SymbolTableSection):
                    funcs = [Function(s.name, s["st_value"], s["st_size"])
                             for s in symtab.iter_symbols()
                             if s["st_info"]["type"] == "STT_FUNC" and s["st_size"]]
                text = elf.get_section_by_name(".text")
                self.text = (text["sh_addr"], text["sh_addr"] + text["sh_size"]) if text \
                    else (0, 0)
        except OSError as e:
            raise OrbitalError(f"{elf_path}: cannot read: {e.strerror}") from None
        rows.sort()
        self.rows = rows
        self._starts = [r[0] for r in rows]
        self.functions = {fn.name: fn for fn in sorted(funcs, key=lambda fn: fn.addr)}
        self.file_lines: dict[str, set[int]] = {}
        for _, _, file, line in rows:
            self.file_lines.setdefault(file, set()).add(line)

    def lines_of(self, fn: Function) -> set[tuple[str, int]]:
        """(file, line) of every row whose code starts inside the function."""
        i = bisect.bisect_left(self._starts, fn.addr)
        out = set()
        while i < len(self.rows) and self.rows[i][0] < fn.addr + fn.size:
            out.add((self.rows[i][2], self.rows[i][3]))
            i += 1
        return out

    def covered(self, blocks: Iterable[tuple[int, int]]) -> set[tuple[str, int]]:
        """(file, line) of every row whose code overlaps an executed block."""
        out = set()
        for addr, size in blocks:
            i = max(bisect.bisect_right(self._starts, addr) - 1, 0)
            while i < len(self.rows) and self.rows[i][0] < addr + size:
                _, end, file, line = self.rows[i]
                if end > addr:
                    out.add((file, line))
                i += 1
        return out

    def hook_spans(self) -> list[tuple[int, int]]:
        """The kernel text without the HOT functions, as [start, end) spans."""
        holes = sorted((fn.addr, fn.addr + fn.size) for name, fn in self.functions.items()
                       if name in HOT)
        spans, pos = [], self.text[0]
        for lo, hi in holes:
            if lo > pos:
                spans.append((pos, lo))
            pos = max(pos, hi)
        if pos < self.text[1]:
            spans.append((pos, self.text[1]))
        return spans

    def file_figure(self, file: str, covered: set[tuple[str, int]]) -> Figure:
        lines = self.file_lines.get(file, set())
        return Figure(sum(1 for ln in lines if (file, ln) in covered), len(lines))

    def function_figure(self, name: str, covered: set[tuple[str, int]]) -> Figure:
        lines = self.lines_of(self.functions[name])
        return Figure(len(lines & covered), len(lines))


def _cu_rows(dwarf: object, cu: object) -> list[tuple[int, int, str, int]]:
    """[start, end) address ranges of one compile unit's line program, with file and line."""
    lp = dwarf.line_program_for_CU(cu)   # type: ignore[attr-defined]
    if lp is None:
        return []
    files = lp.header.file_entry
    dirs = lp.header.include_directory
    base = 0 if lp.header.version >= 5 else 1
    rows: list[tuple[int, int, str, int]] = []
    prev = None
    for entry in lp.get_entries():
        st = entry.state
        if st is None:
            continue
        if prev is not None and st.address > prev.address:
            fe = files[prev.file - base]
            d = dirs[fe.dir_index - (0 if base == 0 else 1)] if (fe.dir_index or base == 0) \
                else b"."
            rows.append((prev.address, st.address, f"{d.decode()}/{fe.name.decode()}",
                         prev.line))
        prev = None if st.end_sequence else st
    return rows
