"""Loading a built image into the model's RAM.

`build/<image>/orbital.img` is an ELF64 whose PT_LOAD segments are the kernel's load
image and the boot archive at their physical addresses (orbital_build/image/elfimage.py);
`build/<image>/kernel.elf` is the linked kernel with symbols and DWARF; the services'
ELFs sit in `build/<image>/services/`. Segments are copied at p_paddr; memory beyond a
segment's file bytes is zero, as RAM starts out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from capstone import CS_ARCH_X86, CS_MODE_64, Cs
from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from ..errors import OrbitalError
from ..paths import project_root
from .symbols import SymbolTable


@dataclass(frozen=True)
class PhysSegment:
    paddr: int
    data: bytes
    memsz: int


@dataclass
class BuiltImage:
    """The files of one built image and what the model needs from them."""

    name: str
    directory: Path
    segments: tuple[PhysSegment, ...]
    kernel: SymbolTable
    services: dict[str, Path] = field(default_factory=dict)
    _programs: dict[str, SymbolTable] = field(default_factory=dict)

    @property
    def image_path(self) -> Path:
        return self.directory / "orbital.img"

    @property
    def kernel_path(self) -> Path:
        return self.directory / "kernel.elf"

    @property
    def end(self) -> int:
        return max(s.paddr + s.memsz for s in self.segments)

    def program(self, service: str) -> SymbolTable:
        """Symbols of a service's ELF (loaded on first use)."""
        if service not in self._programs:
            path = self.services.get(service)
            if path is None:
                raise OrbitalError(f"image '{self.name}' has no service '{service}' "
                                   f"(has: {', '.join(sorted(self.services)) or 'none'})")
            self._programs[service] = SymbolTable(path)
        return self._programs[service]

    def text_size(self) -> int:
        return self.kernel.sections.get(".text", (0, 0))[1]

    @cached_property
    def hlt_addresses(self) -> tuple[int, ...]:
        """Every `hlt` in the kernel's .text (a linear sweep that steps over bytes that
        do not decode): where the model decides between idle and halted."""
        cs = Cs(CS_ARCH_X86, CS_MODE_64)
        text, base = self.kernel.text, self.kernel.sections.get(".text", (0, 0))[0]
        found, off = [], 0
        while off < len(text):
            for addr, size, mnemonic, _ in cs.disasm_lite(text[off:], base + off):
                if mnemonic == "hlt":
                    found.append(addr)
                off = addr - base + size
            off += 1 if off < len(text) else 0
        return tuple(found)


def read_segments(image: Path) -> tuple[PhysSegment, ...]:
    try:
        with image.open("rb") as f:
            elf = ELFFile(f)
            segs = tuple(PhysSegment(s["p_paddr"], s.data(), s["p_memsz"])
                         for s in elf.iter_segments()
                         if s["p_type"] == "PT_LOAD" and s["p_memsz"])
    except FileNotFoundError:
        raise OrbitalError(f"{image}: no such file (build the image first)") from None
    except (ELFError, ValueError) as e:
        raise OrbitalError(f"{image}: malformed ELF: {e}") from None
    if not segs:
        raise OrbitalError(f"{image}: no loadable segments")
    return segs


def load_built_image(name_or_dir: str | Path) -> BuiltImage:
    """The image `build/<name>/` (or a build directory given as a path)."""
    directory = Path(name_or_dir)
    if not directory.is_dir():
        directory = project_root() / "build" / str(name_or_dir)
    services: dict[str, Path] = {}
    info = directory / "image.json"
    if info.exists():
        for s in json.loads(info.read_text()).get("services", []):
            if isinstance(s, dict) and "name" in s:
                services[s["name"]] = directory / "services" / f"{s['name']}.elf"
    for elf in sorted((directory / "services").glob("*.elf")):
        services.setdefault(elf.stem, elf)
    return BuiltImage(directory.name, directory, read_segments(directory / "orbital.img"),
                      SymbolTable(directory / "kernel.elf"), services)
