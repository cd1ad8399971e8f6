"""The bootable image: one ELF64 file that `qemu-system-x86_64 -kernel` boots.

Layout (file offsets):
    0x0000  ELF header and program headers (for tools: readelf, pyelftools)
    0x1000  the kernel's physical image from its load address: text, rodata, data,
            .bss as zeros, then the boot archive at the next page
The kernel's multiboot v1 header (a.out kludge, flags bit 16) sits at the start of .text,
inside the first 8 KiB as the loader requires. Its load_end/bss_end fields are set here to
the end of the archive, so the loader copies kernel and archive in one piece. QEMU finds
the file offset of load_addr as header_offset - (header_addr - load_addr) = 0x1000.
"""

from __future__ import annotations

import itertools
import struct

from ..errors import OrbitalError
from .kernel_elf import KernelElf

MB_MAGIC = 0x1BADB002
MB_AOUT_KLUDGE = 1 << 16
FLAT_OFFSET = 0x1000
PAGE = 0x1000
EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
PT_LOAD, PF_R = 1, 4


def _page_up(n: int) -> int:
    return (n + PAGE - 1) & ~(PAGE - 1)


def build_image(kernel: KernelElf, archive: bytes) -> tuple[bytes, int]:
    """Return (image bytes, physical address of the archive)."""
    if not kernel.segments:
        raise OrbitalError(f"{kernel.path}: no loadable segments")
    segs = sorted(kernel.segments, key=lambda s: s.paddr)
    load_addr = segs[0].paddr
    if load_addr < 0x100000 or load_addr % PAGE:
        raise OrbitalError(f"{kernel.path}: load address {load_addr:#x} below 1 MiB or unaligned")
    kernel_end = _page_up(max(s.paddr + s.memsz for s in segs))
    for a, b in itertools.pairwise(segs):
        if a.paddr + a.memsz > b.paddr:
            raise OrbitalError(f"{kernel.path}: overlapping segments at {b.paddr:#x}")
    sym_end = kernel.symbol("__kernel_end") - (segs[0].vaddr - segs[0].paddr)
    if sym_end != kernel_end:
        raise OrbitalError(f"{kernel.path}: __kernel_end ({sym_end:#x}) is not the end of "
                           f"the last segment ({kernel_end:#x})")
    archive_paddr = kernel_end
    end = archive_paddr + len(archive)
    if end >= 1 << 32:
        raise OrbitalError("image does not fit below 4 GiB")

    flat = bytearray(end - load_addr)
    for s in segs:
        off = s.paddr - load_addr
        flat[off:off + len(s.data)] = s.data
    flat[archive_paddr - load_addr:] = archive

    # the multiboot header: find it, check it, extend its load range over the archive
    mb_paddr = kernel.symbol("multiboot_header") - (segs[0].vaddr - segs[0].paddr)
    mb_off = mb_paddr - load_addr
    if not 0 <= mb_off <= 8192 - 32 - FLAT_OFFSET:
        raise OrbitalError("multiboot header is not within the first 8 KiB of the image")
    magic, flags, checksum, header_addr, mb_load, _, _, entry = struct.unpack_from(
        "<8I", flat, mb_off)
    if magic != MB_MAGIC or (magic + flags + checksum) & 0xFFFFFFFF != 0:
        raise OrbitalError(f"{kernel.path}: bad multiboot header")
    if not flags & MB_AOUT_KLUDGE or header_addr != mb_paddr or mb_load != load_addr:
        raise OrbitalError(f"{kernel.path}: multiboot header addresses do not match the ELF")
    struct.pack_into("<II", flat, mb_off + 20, end, end)   # load_end_addr, bss_end_addr

    phdrs = []
    for s in segs:
        size = s.memsz if s is segs[-1] else max(s.memsz, len(s.data))
        phdrs.append(PHDR.pack(PT_LOAD, s.flags, FLAT_OFFSET + s.paddr - load_addr,
                               s.vaddr, s.paddr, size, size, PAGE))
    phdrs.append(PHDR.pack(PT_LOAD, PF_R, FLAT_OFFSET + archive_paddr - load_addr,
                           archive_paddr, archive_paddr, len(archive), len(archive), PAGE))
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr = EHDR.pack(ident, 2, 62, 1, entry, EHDR.size, 0, 0, EHDR.size, PHDR.size,
                     len(phdrs), 0, 0, 0)
    head = ehdr + b"".join(phdrs)
    if len(head) > FLAT_OFFSET:
        raise OrbitalError("too many program headers")
    return head + b"\0" * (FLAT_OFFSET - len(head)) + bytes(flat), archive_paddr


def compact_elf(elf: KernelElf) -> bytes:
    """An ELF64 executable with only its header, program headers and PT_LOAD contents:
    what the kernel's loader reads, without symbols, DWARF or build paths."""
    segs = sorted(elf.segments, key=lambda s: s.vaddr)
    offset = EHDR.size + PHDR.size * len(segs)
    phdrs, body = [], bytearray()
    for s in segs:
        phdrs.append(PHDR.pack(PT_LOAD, s.flags, offset + len(body), s.vaddr, s.paddr,
                               len(s.data), s.memsz, PAGE))
        body += s.data
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr = EHDR.pack(ident, 2, 62, 1, elf.entry, EHDR.size, 0, 0, EHDR.size, PHDR.size,
                     len(segs), 0, 0, 0)
    return ehdr + b"".join(phdrs) + bytes(body)
