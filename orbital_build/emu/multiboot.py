"""The multiboot v1 information block a loader hands the kernel: a memory map (flags
bit 6) with one usable range from 1 MiB to the end of RAM, and a command line (bit 2)
that starts, as QEMU's -kernel/-append writes it, with the kernel file's name."""

from __future__ import annotations

import struct

MB_BOOT_MAGIC = 0x2BADB002
MB_INFO_MEM = 1 << 0
MB_INFO_CMDLINE = 1 << 2
MB_INFO_MMAP = 1 << 6
MB_MMAP_AVAILABLE = 1

_INFO = struct.Struct("<IIIIIII16sII")      # flags .. syms, mmap_length, mmap_addr
_MMAP_ENTRY = struct.Struct("<IQQI")        # size (of the rest), base, length, type


def multiboot_info(addr: int, ram_size: int, cmdline: str = "",
                   kernel_name: str = "orbital.img") -> bytes:
    """The info block for physical `addr`: header, then the memory map, then the command
    line "KERNEL_NAME ARGS" (NUL-terminated). Write the returned bytes at `addr`."""
    entries = [(0x100000, ram_size - 0x100000, MB_MMAP_AVAILABLE)]
    mmap = b"".join(_MMAP_ENTRY.pack(_MMAP_ENTRY.size - 4, base, length, kind)
                    for base, length, kind in entries)
    mmap_addr = addr + 0x100
    cmdline_addr = mmap_addr + len(mmap)
    flags = MB_INFO_MEM | MB_INFO_MMAP | MB_INFO_CMDLINE
    header = _INFO.pack(flags, 640, (ram_size - 0x100000) // 1024, 0, cmdline_addr, 0, 0,
                        b"", len(mmap), mmap_addr)
    line = f"{kernel_name} {cmdline}" if cmdline else kernel_name
    return header.ljust(0x100, b"\0") + mmap + line.encode() + b"\0"
