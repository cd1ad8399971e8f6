"""The boot archive: a header, fixed-size entries, then payloads, with a SHA-256 digest
of the whole archive, header included (its digest field read as zeros), so that no byte
of it — the entry count least of all — can change unnoticed. Its layout is the ABI's
`boot_archive_header` and `boot_archive_entry` (orbital_build/abi/defs/types.py); the
kernel checks all of it (kernel_image/src/kernel/archive.c)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from ..abi.defs import load_abi
from ..abi.layout import FieldLayout, struct_layout
from ..errors import OrbitalError
from ..generated import abi

Header, Entry = abi.BootArchiveHeader, abi.BootArchiveEntry
ALIGN = 16

FLAG_ELF = abi.BOOT_ENTRY_ELF
FLAG_START = abi.BOOT_ENTRY_START_AT_BOOT
FLAG_INIT = abi.BOOT_ENTRY_INIT
FLAG_CONFIG = abi.BOOT_ENTRY_CONFIG


@dataclass(frozen=True)
class ArchiveEntry:
    name: str
    data: bytes
    flags: int
    priority: int = 64


@dataclass(frozen=True)
class ArchiveFile:
    name: str
    offset: int
    size: int
    flags: int
    priority: int


def _align(n: int) -> int:
    return (n + ALIGN - 1) & ~(ALIGN - 1)


@cache
def header_fields() -> dict[str, FieldLayout]:
    """Every member of the header, reserved ones too, by name (from the ABI definition)."""
    model = load_abi()
    st = model.struct("boot_archive_header")
    assert st is not None
    return {f.name: f for f in struct_layout(model, st).fields}


def digest(archive: bytes | memoryview, total_size: int) -> bytes:
    """The digest the header must carry: SHA-256 of bytes [0, total_size) of `archive`
    with the digest field's own bytes read as zeros."""
    d = header_fields()["digest"]
    h = hashlib.sha256(archive[:d.offset])
    h.update(bytes(d.size))
    h.update(archive[d.offset + d.size:total_size])
    return h.digest()


def pack(entries: list[ArchiveEntry]) -> bytes:
    """Pack entries in the given order; deterministic for the same input."""
    names = set()
    for e in entries:
        raw = e.name.encode()
        if not raw or len(raw) > 31 or b"\0" in raw:
            raise OrbitalError(f"boot archive: bad entry name {e.name!r} (1-31 bytes)")
        if e.name in names:
            raise OrbitalError(f"boot archive: duplicate entry '{e.name}'")
        names.add(e.name)
    table_end = Header.SIZE + Entry.SIZE * len(entries)
    offset = _align(table_end)
    table, payload = [], bytearray()
    for e in entries:
        table.append(Entry(name=e.name.encode().ljust(32, b"\0"), offset=offset,
                           size=len(e.data), flags=e.flags, priority=e.priority).pack())
        payload += e.data.ljust(_align(len(e.data)), b"\0")
        offset += _align(len(e.data))
    body = b"".join(table).ljust(_align(table_end) - Header.SIZE, b"\0") + bytes(payload)
    header = Header(magic=abi.BOOT_ARCHIVE_MAGIC, version=abi.BOOT_ARCHIVE_VERSION,
                    count=len(entries), total_size=Header.SIZE + len(body),
                    header_size=Header.SIZE)
    blob = bytearray(header.pack() + body)
    d = header_fields()["digest"]
    blob[d.offset:d.offset + d.size] = digest(blob, len(blob))
    return bytes(blob)


def unpack(blob: bytes) -> list[ArchiveFile]:
    """Read an archive back (for tests and tools), with the kernel's checks."""
    if len(blob) < Header.SIZE:
        raise OrbitalError("boot archive: shorter than its header")
    h = Header.unpack_from(blob)
    if h.magic != abi.BOOT_ARCHIVE_MAGIC or h.version != abi.BOOT_ARCHIVE_VERSION \
            or h.header_size != Header.SIZE:
        raise OrbitalError("boot archive: bad magic, version or header size")
    if h.total_size > len(blob) or h.total_size < Header.SIZE + h.count * Entry.SIZE:
        raise OrbitalError("boot archive: total size out of range")
    if digest(blob, h.total_size) != h.digest:
        raise OrbitalError("boot archive: SHA-256 digest mismatch (header or contents "
                           "altered)")
    files = []
    for i in range(h.count):
        e = Entry.unpack_from(blob, Header.SIZE + i * Entry.SIZE)
        if e.offset + e.size > h.total_size:
            raise OrbitalError(f"boot archive: entry {i} out of bounds")
        files.append(ArchiveFile(e.name.rstrip(b"\0").decode(), e.offset, e.size, e.flags,
                                 e.priority))
    return files
