"""Symbols of one ELF file (kernel or user program): name → address and back."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from ..errors import OrbitalError

_KINDS = ("STT_FUNC", "STT_OBJECT", "STT_NOTYPE", "STT_GNU_IFUNC")


@dataclass(frozen=True)
class Symbol:
    name: str
    addr: int
    size: int
    kind: str


class SymbolTable:
    """Named addresses of one ELF; `lookup` finds the symbol covering an address."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.by_name: dict[str, Symbol] = {}
        self.sections: dict[str, tuple[int, int]] = {}   # name -> (address, size)
        self.text = b""                                   # the bytes of .text
        with path.open("rb") as f:
            elf = ELFFile(f)
            for sec in elf.iter_sections():
                if sec["sh_addr"]:
                    self.sections[sec.name] = (sec["sh_addr"], sec["sh_size"])
                if sec.name == ".text":
                    self.text = sec.data()
            symtab = elf.get_section_by_name(".symtab")
            if not isinstance(symtab, SymbolTableSection):
                raise OrbitalError(f"{path}: no symbol table (build with -g, keep it unstripped)")
            for s in symtab.iter_symbols():
                kind = s["st_info"]["type"]
                if not s.name or s["st_shndx"] == "SHN_UNDEF" or kind not in _KINDS:
                    continue
                sym = Symbol(s.name, s["st_value"], s["st_size"], kind)
                old = self.by_name.get(s.name)
                if old is None or (s["st_info"]["bind"] == "STB_GLOBAL"):
                    self.by_name[s.name] = sym
        ordered = sorted({(s.addr, -s.size, s.name) for s in self.by_name.values()
                          if s.kind != "STT_NOTYPE" or not s.name.startswith(".")})
        self._starts = [a for a, _, _ in ordered]
        self._syms = [self.by_name[n] for _, _, n in ordered]

    def has_code(self, addr: int, code: bytes) -> bool:
        """Whether `code` is what this ELF's .text holds at `addr`."""
        start = self.sections.get(".text", (0, 0))[0]
        off = addr - start
        return 0 <= off and self.text[off:off + len(code)] == code

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def addr(self, name: str) -> int:
        sym = self.by_name.get(name)
        if sym is None:
            raise OrbitalError(f"{self.path}: no symbol '{name}'")
        return sym.addr

    def lookup(self, addr: int) -> tuple[Symbol, int] | None:
        """The symbol for `addr` and the offset into it: one that starts exactly there
        (a function before a label), else the sized symbol covering it, else the nearest
        one before it; None before the first symbol."""
        i = bisect.bisect_right(self._starts, addr) - 1
        if i < 0:
            return None
        if self._starts[i] == addr:
            j = bisect.bisect_left(self._starts, addr)
            return self._syms[j], 0          # largest size first among equal addresses
        for j in range(i, max(i - 8, -1), -1):
            sym = self._syms[j]
            if sym.size and sym.addr <= addr < sym.addr + sym.size:
                return sym, addr - sym.addr
        return self._syms[i], addr - self._syms[i].addr

    def describe(self, addr: int) -> str:
        """`name+0xOFF`, or the bare hex address."""
        found = self.lookup(addr)
        if found is None:
            return f"{addr:#x}"
        sym, off = found
        if off > 0x100000:
            return f"{addr:#x}"
        return f"{sym.name}+{off:#x}" if off else sym.name
