"""Create storage disks and append records to them from the host, by the engine's rules.

A writer first mounts the disk as the engine does: it checks it, then writes both
superblock copies with the next generation (its records' epoch) and seals every record the
check found complete. Each record is then written and the file fsync'ed before the call
returns, so what the host tool reports done is on the disk. The host tool does not compact:
when the ring has no room it says so and leaves compaction to the engine.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Self

from ..errors import OrbitalError
from ..generated import abi
from .layout import (
    LOG_START,
    MAX_KEY,
    MAX_VALUE,
    REC_DELETE,
    REC_SEAL,
    REC_SET,
    SECTOR,
    DiskError,
    Superblock,
    encode_record,
    quota_of,
    record_sectors,
    sb_sector,
    show,
    valid_namespace,
)
from .scan import Disk, Entry, read_disk


def _write_superblocks(fd: int, sb: Superblock) -> None:
    """Copy 0, flush, copy 1, flush: one copy is always whole."""
    for copy in range(abi.STORAGE_SB_COPIES):
        os.pwrite(fd, sb_sector(sb), copy * SECTOR)
        os.fsync(fd)


def create_disk(path: Path, size: int, force: bool = False, disk_id: int | None = None) -> None:
    """Write an empty disk of `size` bytes (a multiple of 512) at `path`."""
    if size % SECTOR or size // SECTOR < abi.STORAGE_MIN_SECTORS:
        raise OrbitalError(f"disk size {size}: must be a multiple of {SECTOR} bytes and at "
                           f"least {abi.STORAGE_MIN_SECTORS * SECTOR}")
    if path.exists() and not force:
        raise OrbitalError(f"{path}: exists (use --force to overwrite it)")
    sb = Superblock(magic=abi.STORAGE_SB_MAGIC, version=abi.STORAGE_FORMAT_VERSION,
                    sector_size=SECTOR, generation=1,
                    disk_id=secrets.randbits(64) if disk_id is None else disk_id,
                    nsectors=size // SECTOR, log_start=LOG_START, tail=0, tail_seq=1,
                    sealed_seq=0, sealed_head=0, clock=0)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    except OSError as e:
        raise OrbitalError(f"{path}: {e.strerror or e}") from None
    try:
        os.ftruncate(fd, size)
        _write_superblocks(fd, sb)
    finally:
        os.close(fd)


class DiskWriter:
    """A mounted disk image that takes SET and DELETE records."""

    def __init__(self, path: Path) -> None:
        self.disk: Disk = read_disk(path)
        bad = [p for p in self.disk.problems if p.damage]
        if bad:
            raise DiskError(f"{path}: {bad[0].line()}: refusing to write to a damaged disk")
        d = self.disk
        sb = d.sb
        sb.generation += 1
        sb.sealed_seq, sb.sealed_head, sb.clock = d.next_seq - 1, d.head, d.clock
        self.fd = os.open(path, os.O_RDWR)
        _write_superblocks(self.fd, sb)

    def close(self) -> None:
        os.close(self.fd)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _put(self, off: int, raw: bytes) -> None:
        """Write whole sectors at log offset `off`, wrapping around the ring."""
        ring = self.disk.ring
        while raw:
            first = off % ring
            n = min(len(raw) // SECTOR, ring - first)
            os.pwrite(self.fd, raw[:n * SECTOR], (LOG_START + first) * SECTOR)
            raw, off = raw[n * SECTOR:], off + n

    def _append(self, kind: int, ns: bytes, key: bytes, value: bytes, expires_at: int) -> None:
        d = self.disk
        sb = d.sb
        n = record_sectors(len(ns), len(key), len(value))
        # the engine's rule (ops.c st_set): keep a reserve as large as the largest live
        # record free, so that compaction can always move one
        reserve = max(d.largest, n)
        free = sb.tail + d.ring - d.head
        if free < n + reserve or (kind == REC_SET and d.live_sectors + n + reserve + 1 > d.ring):
            raise DiskError(f"{d.path}: disk full: the log has no room for {n} sectors (the "
                            f"engine compacts; this tool does not)")
        self._put(d.head, encode_record(sb.disk_id, kind, ns, key, value, seq=d.next_seq,
                                        epoch=sb.generation, batch=d.next_seq, time=d.clock,
                                        expires_at=expires_at))
        os.fsync(self.fd)
        if d.head + n < sb.tail + d.ring:  # the seal goes where the next record will
            self._put(d.head + n, encode_record(sb.disk_id, REC_SEAL, b"", b"", b"",
                                                seq=d.next_seq + 1, epoch=sb.generation,
                                                batch=d.next_seq + 1, time=0,
                                                expires_at=0))
            os.fsync(self.fd)
        if kind == REC_SET:
            d.entries[(ns, key)] = Entry(ns, key, d.head, d.next_seq, n, len(value), 0,
                                         d.clock, expires_at)
        else:
            d.entries.pop((ns, key), None)
        d.head += n
        d.next_seq += 1
        d.records += 1

    def set(self, ns: bytes, key: bytes, value: bytes, ttl_secs: int = 0) -> None:
        _check(ns, key)
        if len(value) > MAX_VALUE:
            raise OrbitalError(f"value is {len(value)} bytes, the limit is {MAX_VALUE}")
        old = self.disk.entries.get((ns, key))
        used = sum(len(e.key) + e.value_len for e in self.disk.entries.values() if e.ns == ns)
        used += len(key) + len(value) - (len(key) + old.value_len if old else 0)
        if used > quota_of(ns):
            raise OrbitalError(f"{show(ns)}: quota exceeded ({used} of {quota_of(ns)} bytes)")
        expires = self.disk.clock + ttl_secs * 1_000_000_000 if ttl_secs else 0
        self._append(REC_SET, ns, key, value, expires)

    def delete(self, ns: bytes, key: bytes) -> bool:
        _check(ns, key)
        if (ns, key) not in self.disk.entries:
            return False
        self._append(REC_DELETE, ns, key, b"", 0)
        return True


def _check(ns: bytes, key: bytes) -> None:
    if not valid_namespace(ns):
        raise OrbitalError(f"bad namespace {show(ns)!r}")
    if len(key) > MAX_KEY:
        raise OrbitalError(f"key is {len(key)} bytes, the limit is {MAX_KEY}")
