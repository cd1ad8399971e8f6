"""Encodings of the storage disk format: superblocks, record headers, checksums, names.

The layouts are the ABI's `storage_superblock` and `storage_record`
(orbital_build/abi/defs/storage.py); the C engine uses the same structs from
<orbital/abi.h>. Checksums are CRC-32 (zlib's polynomial), see docs/storage-format.md.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from ..errors import OrbitalError
from ..generated import abi

SECTOR = abi.STORAGE_SECTOR_SIZE
HEADER = abi.StorageRecord.SIZE
SB_SIZE = abi.StorageSuperblock.SIZE
LOG_START = abi.STORAGE_LOG_START
MAX_KEY = abi.STORAGE_MAX_KEY_LENGTH
MAX_VALUE = abi.STORAGE_MAX_VALUE_SIZE
MAX_NS = abi.STORAGE_MAX_NAMESPACE_LENGTH
MAX_RECORD_SECTORS = abi.STORAGE_MAX_RECORD_SECTORS
REC_SET = abi.STORAGE_REC_SET
REC_DELETE = abi.STORAGE_REC_DELETE
REC_SEAL = abi.STORAGE_REC_SEAL
# head_crc covers header bytes [0, HEAD_CRC_OFFSET): everything before head_crc itself
HEAD_CRC_OFFSET = HEADER - 4


class DiskError(OrbitalError):
    """A disk image that cannot be used (not a disk, wrong version, truncated...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=1)


def crc32(data: bytes, crc: int = 0) -> int:
    """CRC-32 (ISO-HDLC, zlib's): the checksum of every superblock, header and value."""
    return zlib.crc32(data, crc) & 0xFFFF_FFFF


def record_sectors(ns_len: int, key_len: int, value_len: int) -> int:
    """Sectors a record with these lengths spans."""
    return (HEADER + ns_len + key_len + value_len + SECTOR - 1) // SECTOR


def valid_namespace(ns: bytes) -> bool:
    """`system`, `app:<name>` or `user:<name>`: printable ASCII without spaces, at most
    MAX_NS bytes, a non-empty name."""
    if not 0 < len(ns) <= MAX_NS or any(b < 0x21 or b > 0x7E for b in ns):
        return False
    return ns == b"system" or (ns.startswith((b"app:", b"user:"))
                               and len(ns) > ns.index(b":") + 1)


def quota_of(ns: bytes) -> int:
    return abi.STORAGE_SYSTEM_QUOTA if ns == b"system" else abi.STORAGE_DEFAULT_QUOTA


def split_stored_key(text: str) -> tuple[bytes, bytes]:
    """A stored key `<namespace>:<key>` (`system:k`, `app:shell:k`, `user:ann:k`) as
    (namespace, key)."""
    raw = text.encode("utf-8", "surrogateescape")
    parts = raw.split(b":", 2)
    if parts[0] == b"system" and len(parts) >= 2:
        ns, key = b"system", raw[len(b"system:"):]
    elif parts[0] in (b"app", b"user") and len(parts) == 3:
        ns, key = parts[0] + b":" + parts[1], parts[2]
    else:
        raise OrbitalError(f"{text!r}: a stored key is system:KEY, app:NAME:KEY or "
                           f"user:NAME:KEY")
    if not valid_namespace(ns):
        raise OrbitalError(f"{text!r}: bad namespace {ns.decode(errors='replace')!r}")
    if len(key) > MAX_KEY:
        raise OrbitalError(f"{text!r}: key is {len(key)} bytes, the limit is {MAX_KEY}")
    return ns, key


def show(b: bytes) -> str:
    """Bytes as printable text: ASCII as is, anything else as \\xNN."""
    return "".join(chr(c) if 0x20 <= c < 0x7F and c != 0x5C else f"\\x{c:02x}" for c in b)


# --- superblocks ------------------------------------------------------------------------

Superblock = abi.StorageSuperblock


def sb_crc(sb: Superblock) -> int:
    body = bytearray(sb.pack())
    body[8:12] = bytes(4)
    return crc32(bytes(body))


def sb_sector(sb: Superblock) -> bytes:
    """One superblock copy as a whole sector, its checksum filled in."""
    sb.crc = 0
    sb.crc = sb_crc(sb)
    return sb.pack().ljust(SECTOR, b"\0")


def sb_problem(raw: bytes) -> str | None:
    """Why the superblock copy in sector `raw` is unusable, or None if it is fine."""
    sb = Superblock.unpack_from(raw)
    if sb.magic != abi.STORAGE_SB_MAGIC:
        return "no superblock magic"
    if sb_crc(sb) != sb.crc:
        return "checksum mismatch"
    if sb.version != abi.STORAGE_FORMAT_VERSION:
        return f"format version {sb.version}, this tool reads version " \
               f"{abi.STORAGE_FORMAT_VERSION}"
    if sb.sector_size != SECTOR:
        return f"sector size {sb.sector_size}, expected {SECTOR}"
    if sb.log_start != LOG_START or sb.nsectors < abi.STORAGE_MIN_SECTORS \
            or sb.nsectors >= 1 << 48:
        return f"impossible geometry ({sb.nsectors} sectors, log at {sb.log_start})"
    ring = sb.nsectors - sb.log_start
    if not sb.tail <= sb.sealed_head <= sb.tail + ring or sb.tail_seq == 0 \
            or sb.tail_seq > sb.sealed_seq + 1:
        return "impossible log position"
    return None


# --- records ----------------------------------------------------------------------------

@dataclass
class Header:
    """A record header with the namespace and key that follow it."""

    rec: abi.StorageRecord
    ns: bytes
    key: bytes

    @property
    def sectors(self) -> int:
        return int(self.rec.sectors)


def head_crc(disk_id: int, header: bytes, ns: bytes, key: bytes) -> int:
    return crc32(ns + key, crc32(header[:HEAD_CRC_OFFSET], crc32(disk_id.to_bytes(8, "little"))))


def parse_header(sector: bytes, disk_id: int) -> Header | None:
    """The record header at the start of `sector` if its magic, lengths and checksum are
    right, else None."""
    rec = abi.StorageRecord.unpack_from(sector)
    if rec.magic != abi.STORAGE_RECORD_MAGIC or rec.kind not in (REC_SET, REC_DELETE, REC_SEAL):
        return None
    if rec.ns_len > MAX_NS or rec.key_len > MAX_KEY or rec.value_len > MAX_VALUE:
        return None
    if rec.kind != REC_SET and (rec.value_len or rec.expires_at):
        return None
    if rec.sectors != record_sectors(rec.ns_len, rec.key_len, rec.value_len) or rec.seq == 0:
        return None
    ns = sector[HEADER:HEADER + rec.ns_len]
    key = sector[HEADER + rec.ns_len:HEADER + rec.ns_len + rec.key_len]
    if head_crc(disk_id, sector, ns, key) != rec.head_crc:
        return None
    if (rec.kind == REC_SEAL) != (rec.ns_len == 0) or rec.kind == REC_SEAL and rec.key_len:
        return None
    if rec.kind != REC_SEAL and not valid_namespace(ns):
        return None
    return Header(rec, ns, key)


def encode_record(disk_id: int, kind: int, ns: bytes, key: bytes, value: bytes, *, seq: int,
                  epoch: int, batch: int, time: int, expires_at: int) -> bytes:
    """A whole record: header, namespace, key, value, zero padding to a sector."""
    rec = abi.StorageRecord(magic=abi.STORAGE_RECORD_MAGIC, kind=kind, ns_len=len(ns),
                            key_len=len(key), value_len=len(value),
                            sectors=record_sectors(len(ns), len(key), len(value)), seq=seq,
                            epoch=epoch, batch=batch, time=time, expires_at=expires_at,
                            value_crc=crc32(value), head_crc=0)
    rec.head_crc = head_crc(disk_id, rec.pack(), ns, key)
    body = rec.pack() + ns + key + value
    return body.ljust(rec.sectors * SECTOR, b"\0")
