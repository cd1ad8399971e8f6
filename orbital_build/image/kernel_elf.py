"""Reading the linked kernel ELF: loadable segments and the symbols the image needs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from ..errors import OrbitalError


@dataclass(frozen=True)
class Segment:
    vaddr: int
    paddr: int
    data: bytes        # file bytes
    memsz: int
    flags: int         # PF_X=1, PF_W=2, PF_R=4


@dataclass(frozen=True)
class KernelElf:
    path: Path
    entry: int
    segments: tuple[Segment, ...]
    symbols: dict[str, int]
    section_sizes: dict[str, int]

    def symbol(self, name: str) -> int:
        if name not in self.symbols:
            raise OrbitalError(f"{self.path}: symbol '{name}' missing from the kernel")
        return self.symbols[name]


def read_elf(path: Path, machine: str = "EM_X86_64") -> KernelElf:
    """Load an ELF64 executable, rejecting anything else with a one-line error."""
    try:
        with path.open("rb") as f:
            elf = ELFFile(f)
            if elf.elfclass != 64 or elf["e_machine"] != machine:
                raise OrbitalError(f"{path}: not an x86_64 ELF64 file")
            if elf["e_type"] != "ET_EXEC":
                raise OrbitalError(f"{path}: not an executable (e_type {elf['e_type']})")
            segs = []
            for seg in elf.iter_segments():
                if seg["p_type"] != "PT_LOAD" or seg["p_memsz"] == 0:
                    continue
                if seg["p_filesz"] > seg["p_memsz"]:
                    raise OrbitalError(f"{path}: segment with filesz > memsz")
                segs.append(Segment(seg["p_vaddr"], seg["p_paddr"], seg.data(),
                                    seg["p_memsz"], seg["p_flags"]))
            syms: dict[str, int] = {}
            symtab = elf.get_section_by_name(".symtab")
            if symtab is not None:
                for s in symtab.iter_symbols():
                    if s.name and s["st_shndx"] != "SHN_UNDEF":
                        syms.setdefault(s.name, s["st_value"])
            sizes = {s.name: s["sh_size"] for s in elf.iter_sections()
                     if s.name in (".text", ".rodata", ".data", ".bss")}
            return KernelElf(path, elf["e_entry"], tuple(segs), syms, sizes)
    except FileNotFoundError:
        raise OrbitalError(f"{path}: no such file") from None
    except (ELFError, ValueError, KeyError) as e:  # pyelftools' ways of saying "malformed"
        raise OrbitalError(f"{path}: malformed ELF: {e}") from None
