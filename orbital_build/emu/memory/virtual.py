"""Reading and writing guest virtual memory from Python.

Unicorn's mem_read/mem_write take physical addresses even with the guest's page tables
in use (UC_TLB_CPU), so virtual accesses are translated here, page by page, through
the tables under a CR3 (by default the CPU's current one).
"""

from __future__ import annotations

from collections.abc import Callable

from unicorn.unicorn_py3.arch.intel import UcIntel

from ...errors import OrbitalError
from .. import x86
from ..x86 import REG
from . import paging


class UnmappedError(OrbitalError):
    """A virtual address the page tables do not map."""


class VirtualMemory:
    def __init__(self, uc: UcIntel) -> None:
        self.uc = uc

    def read_phys(self, paddr: int, size: int) -> bytes:
        return bytes(self.uc.mem_read(paddr, size))

    def cr3(self) -> int:
        return self.uc.reg_read(REG["cr3"])

    def translate(self, vaddr: int, cr3: int | None = None) -> int:
        w = paging.walk(self.read_phys, self.cr3() if cr3 is None else cr3, vaddr)
        if w.paddr is None:
            raise UnmappedError(f"virtual address {vaddr:#x} is not mapped ({w})")
        return w.paddr

    def writable(self, vaddr: int, size: int, cr3: int | None = None) -> bool:
        """Whether every page of [vaddr, vaddr + size) is present and writable."""
        root = self.cr3() if cr3 is None else cr3
        page = vaddr & ~0xFFF
        while page < vaddr + size:
            if not paging.walk(self.read_phys, root, page).flags & x86.PTE_W:
                return False
            page += 0x1000
        return True

    def _pieces(self, vaddr: int, size: int, cr3: int | None,
                op: Callable[[int, int, int], None]) -> None:
        done = 0
        while done < size:
            va = vaddr + done
            n = min(size - done, 0x1000 - (va & 0xFFF))
            op(self.translate(va, cr3), done, n)
            done += n

    def read(self, vaddr: int, size: int, cr3: int | None = None) -> bytes:
        out = bytearray(size)

        def get(pa: int, off: int, n: int) -> None:
            out[off:off + n] = self.uc.mem_read(pa, n)

        self._pieces(vaddr, size, cr3, get)
        return bytes(out)

    def write(self, vaddr: int, data: bytes, cr3: int | None = None) -> None:
        def put(pa: int, off: int, n: int) -> None:
            self.uc.mem_write(pa, data[off:off + n])

        self._pieces(vaddr, len(data), cr3, put)

    def read_u64(self, vaddr: int, cr3: int | None = None) -> int:
        return int.from_bytes(self.read(vaddr, 8, cr3), "little")

    def read_cstr(self, vaddr: int, limit: int = 256, cr3: int | None = None) -> str:
        raw = self.read(vaddr, limit, cr3)
        return raw.split(b"\0", 1)[0].decode(errors="replace")
