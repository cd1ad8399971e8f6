"""Read and check a storage disk the way the C engine mounts it (docs/storage-format.md).

The log is replayed from the superblock's tail, one record per expected sequence number.
Where no valid record with the expected number is found, the check decides between the
end of the log, a torn write of the newest unacknowledged batch (a power cut: discarded,
reported as a note) and damage (reported as a problem):

- a record at or below the superblock's `sealed_seq` was acknowledged before the last
  mount or compaction, so its absence is damage;
- otherwise, a valid record further on (within one largest record) from a *later* flush
  batch proves the missing one had been flushed: damage; one from the *same* batch means
  the batch never finished: torn; nothing further: the end of the log.

A damaged header hides its record's length, so the log resumes at the next valid header
within `STORAGE_MAX_RECORD_SECTORS`; a damaged value keeps its key, marked damaged, so it
is never served. services/storage/engine/mount.c is the same procedure in C.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..generated import abi
from .layout import (
    HEADER,
    MAX_RECORD_SECTORS,
    REC_SEAL,
    REC_SET,
    SECTOR,
    DiskError,
    Header,
    Superblock,
    crc32,
    parse_header,
    sb_problem,
    show,
)

P_SUPERBLOCK = abi.STORAGE_PROBLEM_SUPERBLOCK
P_TORN = abi.STORAGE_PROBLEM_TORN
P_DAMAGED_VALUE = abi.STORAGE_PROBLEM_DAMAGED_VALUE
P_LOST = abi.STORAGE_PROBLEM_LOST
P_LOST_END = abi.STORAGE_PROBLEM_LOST_END


@dataclass(frozen=True)
class Problem:
    """One finding of a check. `where` is the superblock copy (SUPERBLOCK) or the log
    offset in sectors; `first`..`last` the sequence numbers concerned."""

    kind: int
    where: int
    first: int = 0
    last: int = 0
    detail: str = ""

    @property
    def damage(self) -> bool:
        """False only for a torn write, which a power cut leaves and mount discards."""
        return self.kind != P_TORN

    def tuple(self) -> tuple[int, int, int, int]:
        """What the C engine's report holds for the same finding (for cross-tests)."""
        return (self.kind, self.where, self.first, self.last)

    def line(self) -> str:
        if self.kind == P_SUPERBLOCK:
            return f"superblock copy {self.where}: {self.detail}"
        at = f"log offset {self.where}"
        if self.kind == P_TORN:
            return f"{at}: unfinished write from seq {self.first} discarded (power cut)"
        if self.kind == P_DAMAGED_VALUE:
            return f"{at}: record seq {self.first} ({self.detail}): value fails its checksum"
        if self.kind == P_LOST:
            return (f"{at}: records seq {self.first}..{self.last} unreadable (damaged "
                    f"header); {self.detail}")
        return f"{at}: acknowledged records seq {self.first}..{self.last} unreadable at the " \
               f"end of the log"


@dataclass
class Entry:
    """A live key: where its newest record is and what it holds."""

    ns: bytes
    key: bytes
    offset: int
    seq: int
    sectors: int
    value_len: int
    value_crc: int
    time: int
    expires_at: int
    damaged: bool = False

    @property
    def name(self) -> str:
        return show(self.ns + b":" + self.key)


@dataclass
class Disk:
    """A disk image read and checked; `entries` are the live (unexpired) keys."""

    path: Path
    data: bytes
    sb: Superblock
    problems: list[Problem] = field(default_factory=list)
    entries: dict[tuple[bytes, bytes], Entry] = field(default_factory=dict)
    records: int = 0
    head: int = 0
    next_seq: int = 0
    last_epoch: int = 0
    clock: int = 0
    expired: int = 0

    @property
    def ring(self) -> int:
        return int(self.sb.nsectors - self.sb.log_start)

    def sectors(self, offset: int, count: int) -> bytes:
        """`count` sectors of the log from log offset `offset` (wrapping around the ring)."""
        out = bytearray()
        while count:
            first = offset % self.ring
            n = min(count, self.ring - first)
            start = (self.sb.log_start + first) * SECTOR
            out += self.data[start:start + n * SECTOR]
            offset, count = offset + n, count - n
        return bytes(out)

    def header_at(self, offset: int, limit: int) -> Header | None:
        if offset >= limit:
            return None
        h = parse_header(self.sectors(offset, 1), self.sb.disk_id)
        return h if h is not None and h.sectors <= limit - offset else None

    def value(self, h: Header, offset: int) -> bytes:
        raw = self.sectors(offset, h.sectors)
        start = HEADER + h.rec.ns_len + h.rec.key_len
        return raw[start:start + h.rec.value_len]

    def value_ok(self, h: Header, offset: int) -> bool:
        """The value matches its checksum and the padding after it is zero."""
        raw = self.sectors(offset, h.sectors)
        start = HEADER + h.rec.ns_len + h.rec.key_len
        end = start + h.rec.value_len
        return crc32(raw[start:end]) == h.rec.value_crc and raw[end:] == bytes(len(raw) - end)

    @property
    def damaged(self) -> bool:
        return any(p.damage for p in self.problems)

    @property
    def live_sectors(self) -> int:
        return sum(e.sectors for e in self.entries.values())

    @property
    def largest(self) -> int:
        return max((e.sectors for e in self.entries.values()), default=0)

    def get(self, ns: bytes, key: bytes) -> bytes:
        """The value of a live key; DiskError if it is missing or damaged."""
        e = self.entries.get((ns, key))
        if e is None:
            raise DiskError(f"{show(ns + b':' + key)}: not found")
        h = self.header_at(e.offset, e.offset + e.sectors)
        if e.damaged or h is None or h.rec.seq != e.seq or not self.value_ok(h, e.offset):
            raise DiskError(f"{e.name}: the stored value is damaged (run disk fsck)")
        return self.value(h, e.offset)


def _apply(disk: Disk, h: Header, offset: int, damaged: bool) -> None:
    r = h.rec
    disk.records += 1
    disk.clock = max(disk.clock, r.time)
    if r.kind == REC_SET:
        disk.entries[(h.ns, h.key)] = Entry(h.ns, h.key, offset, r.seq, h.sectors, r.value_len,
                                            r.value_crc, r.time, r.expires_at, damaged)
    else:
        disk.entries.pop((h.ns, h.key), None)


def _look_ahead(disk: Disk, start: int, expect: int, epoch: int,
                limit: int) -> tuple[int, Header] | None:
    """The first valid header within one largest record after `start` that continues the
    log: a later sequence number, no older epoch."""
    for off in range(start, min(start + MAX_RECORD_SECTORS, limit)):
        h = disk.header_at(off, limit)
        if h is not None and h.rec.seq > expect and h.rec.epoch >= epoch:
            return off, h
    return None


def _replay(disk: Disk) -> None:
    sb = disk.sb
    pos, expect, epoch = sb.tail, sb.tail_seq, 0
    limit = sb.tail + disk.ring
    while pos < limit:
        h = disk.header_at(pos, limit)
        if h is not None and h.rec.seq == expect and h.rec.epoch >= epoch:
            if h.rec.kind == REC_SEAL:
                break
            damaged = not disk.value_ok(h, pos)
            if damaged:
                nxt = disk.header_at(pos + h.sectors, limit)
                later = nxt is not None and nxt.rec.seq == expect + 1 \
                    and nxt.rec.epoch >= h.rec.epoch and nxt.rec.batch > expect
                if expect > sb.sealed_seq and not later:
                    disk.problems.append(Problem(P_TORN, pos, expect, expect))
                    break
                disk.problems.append(Problem(P_DAMAGED_VALUE, pos, expect, expect,
                                             show(h.ns + b":" + h.key)))
            _apply(disk, h, pos, damaged)
            pos, expect, epoch = pos + h.sectors, expect + 1, h.rec.epoch
            continue
        found = _look_ahead(disk, pos + 1, expect, epoch, limit)
        if expect <= sb.sealed_seq or (found is not None and found[1].rec.batch > expect):
            if found is None:
                disk.problems.append(Problem(P_LOST_END, pos, expect, sb.sealed_seq))
                break
            off, nh = found
            disk.problems.append(Problem(P_LOST, pos, expect, nh.rec.seq - 1,
                                         f"the log resumes at offset {off}"))
            pos, expect = off, nh.rec.seq
            continue
        if found is not None:
            disk.problems.append(Problem(P_TORN, pos, expect, expect))
        break
    disk.head, disk.next_seq, disk.last_epoch = pos, expect, epoch


def read_disk(path: Path) -> Disk:
    """Read and check the disk image at `path`; DiskError if it is not a usable disk."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DiskError(f"{path}: {e.strerror or e}") from None
    if len(data) < 2 * SECTOR:
        raise DiskError(f"{path}: not a storage disk ({len(data)} bytes)")
    copies: list[Superblock | None] = []
    problems = []
    for i in range(abi.STORAGE_SB_COPIES):
        why = sb_problem(data[i * SECTOR:(i + 1) * SECTOR])
        copies.append(None if why else Superblock.unpack_from(data, i * SECTOR))
        if why:
            problems.append((i, why))
    good = [c for c in copies if c is not None]
    if not good:
        if all(w == "no superblock magic" for _, w in problems):
            raise DiskError(f"{path}: not a storage disk (no superblock)")
        raise DiskError(f"{path}: no usable superblock: " +
                        "; ".join(f"copy {i}: {w}" for i, w in problems))
    sb = max(good, key=lambda c: c.generation)
    if len(data) // SECTOR < sb.nsectors:
        raise DiskError(f"{path}: truncated: the superblock says {sb.nsectors} sectors, the "
                        f"file holds {len(data) // SECTOR}")
    disk = Disk(path, data, sb, clock=sb.clock)
    disk.problems += [Problem(P_SUPERBLOCK, i, detail=w) for i, w in problems]
    _replay(disk)
    for k, e in list(disk.entries.items()):
        if e.expires_at and e.expires_at <= disk.clock:
            del disk.entries[k]
            disk.expired += 1
    return disk
