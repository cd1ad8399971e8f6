"""Turn code addresses into `func+0xOFF (file.c:LINE)` using an unstripped ELF.

`Symbolizer(elf).annotate(line)` is applied to every console line `orbital-qemu` echoes,
so a kernel panic's `rip=0xffffffff80012345` reads `rip=0xffffffff80012345 <trap_entry+0x15
(kernel_image/src/arch/x86_64/trap.c:88)>`. Function symbols come from `.symtab`; the
file and line from the DWARF line table, decoded only when an address first hits a
function (a line with no 16-digit hex number costs one regex search). Results are cached
per address. An ELF without DWARF still gives `func+0xOFF`; one without symbols gives
nothing and leaves lines unchanged.
"""

from __future__ import annotations

import bisect
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import DWARFError, ELFError, ELFParseError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

from .errors import OrbitalError
from .paths import project_root

# A 64-bit address as the kernel prints it: 16 hex digits, with or without 0x, not part of
# a longer word or number (a SHA-256 digest never matches piecewise).
_ADDRESS_RE = re.compile(r"(?<![0-9A-Za-z_])(?:0[xX])?([0-9a-fA-F]{16})(?![0-9A-Za-z_])")

_FUNC_TYPES = ("STT_FUNC", "STT_GNU_IFUNC")


@dataclass(frozen=True)
class _Func:
    start: int
    end: int
    name: str


class Symbolizer:
    """Maps addresses in one ELF to function, offset, source file and line."""

    def __init__(self, elf_path: str | os.PathLike[str], root: Path | None = None) -> None:
        self.elf_path = Path(elf_path)
        self._root = root
        self._data: bytes | None = None
        self._funcs: list[_Func] | None = None
        self._starts: list[int] = []
        self._lo = self._hi = 0
        self._line_addrs: list[int] | None = None
        self._line_info: list[tuple[str, int] | None] = []
        self._cache: dict[int, str | None] = {}

    # -- loading ---------------------------------------------------------------------

    def _elf(self) -> ELFFile:
        if self._data is None:
            try:
                self._data = self.elf_path.read_bytes()
            except OSError as e:
                raise OrbitalError(f"{self.elf_path}: cannot read: {e.strerror}") from None
        try:
            return ELFFile(io.BytesIO(self._data))
        except ELFError as e:
            raise OrbitalError(f"{self.elf_path}: not an ELF file ({e})") from None

    def load(self) -> None:
        """Read the symbol table now (the line table stays lazy); raises OrbitalError
        if the file is missing or not an ELF."""
        self._load_symbols()

    def _load_symbols(self) -> list[_Func]:
        if self._funcs is not None:
            return self._funcs
        elf = self._elf()
        raw: dict[int, tuple[int, str]] = {}  # start -> (size, name), sized symbols win
        bounds: dict[int, int] = {}  # start -> end of its section, for unsized symbols
        symtab = elf.get_section_by_name(".symtab")
        if isinstance(symtab, SymbolTableSection):
            for sym in symtab.iter_symbols():
                shndx = sym["st_shndx"]
                if sym["st_info"]["type"] not in _FUNC_TYPES or not isinstance(shndx, int):
                    continue
                start, size = sym["st_value"], sym["st_size"]
                if start not in raw or (raw[start][0] == 0 and size > 0):
                    raw[start] = (size, sym.name)
                    section = elf.get_section(shndx)
                    bounds[start] = section["sh_addr"] + section["sh_size"]
        starts = sorted(raw)
        funcs = []
        for i, start in enumerate(starts):
            size, name = raw[start]
            if size:
                end = start + size
            else:  # an assembly label without .size: up to the next symbol or section end
                nxt = starts[i + 1] if i + 1 < len(starts) else bounds[start]
                end = min(nxt, bounds[start])
            if end > start:
                funcs.append(_Func(start, end, name))
        self._funcs = funcs
        self._starts = [f.start for f in funcs]
        if funcs:
            self._lo, self._hi = funcs[0].start, max(f.end for f in funcs)
        return funcs

    def _load_lines(self) -> None:
        """Decode every CU's line program into one address-sorted table; a row of None
        marks an end of sequence (the gap after it belongs to no line)."""
        rows: list[tuple[int, int, tuple[str, int] | None]] = []
        try:
            self._decode_lines(rows)
        except (ELFError, DWARFError, ELFParseError, OrbitalError, ValueError, KeyError):
            rows = []  # damaged or unsupported DWARF: functions and offsets still work
        rows.sort(key=lambda r: (r[0], r[1]))  # at one address, an end precedes a start
        self._line_addrs = [r[0] for r in rows]
        self._line_info = [r[2] for r in rows]

    def _decode_lines(self, rows: list[tuple[int, int, tuple[str, int] | None]]) -> None:
        elf = self._elf()
        if elf.has_dwarf_info():
            dwarf = elf.get_dwarf_info()
            for cu in dwarf.iter_CUs():
                program = dwarf.line_program_for_CU(cu)
                if program is None:
                    continue
                top = cu.get_top_DIE()
                comp_dir_attr = top.attributes.get("DW_AT_comp_dir")
                comp_dir = _text(comp_dir_attr.value) if comp_dir_attr else ""
                names: dict[int, str] = {}
                for entry in program.get_entries():
                    state = entry.state
                    if state is None:
                        continue
                    if state.end_sequence:
                        rows.append((state.address, 0, None))
                        continue
                    if state.file not in names:
                        names[state.file] = self._file_name(program, state.file, comp_dir)
                    rows.append((state.address, 1, (names[state.file], state.line)))

    def _file_name(self, program: object, index: int, comp_dir: str) -> str:
        header = program.header  # type: ignore[attr-defined]
        files, dirs = header["file_entry"], header["include_directory"]
        version = header["version"]
        if version < 5:  # DWARF 2-4: files are 1-based, directory 0 is the CU's comp_dir
            index -= 1
        if not 0 <= index < len(files):
            return "??"
        entry = files[index]
        name = _text(entry.name)
        dir_index = entry.dir_index
        if version < 5:
            directory = comp_dir if dir_index == 0 else _text(dirs[dir_index - 1])
        else:
            directory = _text(dirs[dir_index]) if dir_index < len(dirs) else comp_dir
        if not os.path.isabs(directory):
            directory = os.path.join(comp_dir, directory)
        return self._relative(os.path.normpath(os.path.join(directory, name)))

    def _relative(self, path: str) -> str:
        if self._root is None:
            try:
                self._root = project_root()
            except OrbitalError:
                self._root = Path("/nonexistent")
        try:
            return str(Path(path).relative_to(self._root))
        except ValueError:
            return path

    # -- queries ---------------------------------------------------------------------

    def function(self, addr: int) -> tuple[str, int] | None:
        """(name, offset) of the function containing `addr`, or None."""
        funcs = self._load_symbols()
        if not funcs or not self._lo <= addr < self._hi:
            return None
        i = bisect.bisect_right(self._starts, addr) - 1
        if i < 0 or addr >= funcs[i].end:
            return None
        return funcs[i].name, addr - funcs[i].start

    def line(self, addr: int) -> tuple[str, int] | None:
        """(source path, line) for `addr` from the DWARF line table, or None."""
        if self._line_addrs is None:
            self._load_lines()
        assert self._line_addrs is not None
        i = bisect.bisect_right(self._line_addrs, addr) - 1
        return self._line_info[i] if i >= 0 else None

    def lookup(self, addr: int) -> str | None:
        """`func+0xOFF (path/file.c:LINE)`, `func+0xOFF` without DWARF, or None."""
        if addr in self._cache:
            return self._cache[addr]
        text = None
        func = self.function(addr)
        if func is not None:
            text = f"{func[0]}+{func[1]:#x}"
            where = self.line(addr)
            if where is not None:
                text += f" ({where[0]}:{where[1]})"
        self._cache[addr] = text
        return text

    def annotate(self, line: str) -> str:
        """`line` with ` <func+0xOFF (file:line)>` after every address inside a function."""
        if not _ADDRESS_RE.search(line):
            return line

        def replace(m: re.Match[str]) -> str:
            where = self.lookup(int(m.group(1), 16))
            return m.group(0) if where is None else f"{m.group(0)} <{where}>"

        return _ADDRESS_RE.sub(replace, line)


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
