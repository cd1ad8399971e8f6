"""The CommitLog envelope and its debug-stream framing, at run time: hash, build, parse.

    seq u64 | timestamp u64 | prev u8[32] | type u8 | has_cause u8 |
    caused_by u64 (only if has_cause = 1) | payload_len u16 | payload | id u8[32]

    id = SHA-256(prev ‖ seq LE ‖ timestamp LE ‖ type ‖ payload ‖ caused_by LE if present)

On the debug stream every envelope is one frame: magic u32 ("AXC1") | length u32 |
envelope. The generated module binds the stream functions to the ABI's AXIOM_STREAM_MAGIC
and AXIOM_COMMIT_MAX. Parsing is strict and every error names a byte offset.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from .wire import U8, U64, AbiDecodeError, AbiEncodeError

HASH_SIZE = 32
_HEAD = struct.Struct("<QQ32sBB")  # seq, timestamp, prev, type, has_cause
_CAUSE = struct.Struct("<Q")
_LEN = struct.Struct("<H")
_FRAME = struct.Struct("<II")  # magic, envelope length

# Envelope bytes besides the payload when caused_by is present (the largest case).
OVERHEAD = _HEAD.size + _CAUSE.size + _LEN.size + HASH_SIZE
MIN_SIZE = OVERHEAD - _CAUSE.size
FRAME_HEADER = _FRAME.size
PAYLOAD_MAX = 0xFFFF

Buffer = bytes | bytearray | memoryview


def _digest(what: str, value: object) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        raise AbiEncodeError(f"commit envelope: {what}: expected {HASH_SIZE} bytes")
    return bytes(value)


def commit_hash(prev: bytes, seq: int, timestamp: int, type: int, payload: bytes,
                caused_by: int | None = None) -> bytes:
    """The 32-byte id of a commit (spec §2.4 with the canonical payload)."""
    out = bytearray(_digest("prev", prev))
    U64.encode(seq, out, "commit envelope: seq")
    U64.encode(timestamp, out, "commit envelope: timestamp")
    U8.encode(type, out, "commit envelope: type")
    out += payload
    if caused_by is not None:
        U64.encode(caused_by, out, "commit envelope: caused_by")
    return hashlib.sha256(out).digest()


@dataclass(frozen=True)
class CommitEnvelope:
    """One CommitLog entry; `payload` is the canonical record of commit type `type` and
    `caused_by` the SysLog seq of the call that made it (None for genesis, checkpoints)."""

    seq: int
    timestamp: int
    prev: bytes
    type: int
    caused_by: int | None
    payload: bytes
    id: bytes

    def expected_id(self) -> bytes:
        """The id recomputed from the other fields."""
        return commit_hash(self.prev, self.seq, self.timestamp, self.type, self.payload,
                           self.caused_by)

    @property
    def id_ok(self) -> bool:
        return self.id == self.expected_id()

    def encode(self) -> bytes:
        """The envelope bytes (id as stored, not recomputed)."""
        out = bytearray()
        U64.encode(self.seq, out, "commit envelope: seq")
        U64.encode(self.timestamp, out, "commit envelope: timestamp")
        out += _digest("prev", self.prev)
        U8.encode(self.type, out, "commit envelope: type")
        out.append(0 if self.caused_by is None else 1)
        if self.caused_by is not None:
            U64.encode(self.caused_by, out, "commit envelope: caused_by")
        if len(self.payload) > PAYLOAD_MAX:
            raise AbiEncodeError(f"commit envelope: payload of {len(self.payload)} bytes "
                                 f"exceeds the u16 length")
        out += _LEN.pack(len(self.payload)) + self.payload
        out += _digest("id", self.id)
        return bytes(out)


def make_commit_envelope(seq: int, timestamp: int, prev: bytes, type: int, payload: bytes,
                         caused_by: int | None = None) -> CommitEnvelope:
    """A commit with its id computed."""
    payload = bytes(payload)
    return CommitEnvelope(seq, timestamp, _digest("prev", prev), type, caused_by, payload,
                          commit_hash(prev, seq, timestamp, type, payload, caused_by))


class _Cursor:
    """Reads one envelope from `buf` at `start`; offsets in errors are offsets in `buf`."""

    def __init__(self, buf: memoryview, start: int) -> None:
        self.buf = buf
        self.start = start
        self.pos = start

    def take(self, n: int, what: str) -> memoryview:
        left = len(self.buf) - self.pos
        if n > left:
            raise AbiDecodeError(f"commit envelope at offset {self.start}: {what} needs {n} "
                                 f"bytes at offset {self.pos}, only {max(left, 0)} left "
                                 f"(truncated)")
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b


def decode_commit_envelope(buf: Buffer, offset: int = 0) -> tuple[CommitEnvelope, int]:
    """Parse the envelope at `offset`; returns it and the offset just past it."""
    if offset < 0:
        raise AbiDecodeError(f"commit envelope: negative offset {offset}")
    c = _Cursor(memoryview(buf).cast("B"), offset)
    seq, timestamp, prev, type_, has_cause = _HEAD.unpack(c.take(_HEAD.size, "header"))
    if has_cause > 1:
        raise AbiDecodeError(f"commit envelope at offset {offset}: has_cause is {has_cause} "
                             f"at offset {c.pos - 1}, must be 0 or 1")
    caused_by = _CAUSE.unpack(c.take(_CAUSE.size, "caused_by"))[0] if has_cause else None
    (length,) = _LEN.unpack(c.take(_LEN.size, "payload_len"))
    payload = bytes(c.take(length, "payload"))
    digest = bytes(c.take(HASH_SIZE, "id"))
    return CommitEnvelope(seq, timestamp, prev, type_, caused_by, payload, digest), c.pos


def stream_frame(envelope: bytes, magic: int) -> bytes:
    """`envelope` framed for the debug stream."""
    return _FRAME.pack(magic, len(envelope)) + envelope


def _frames(data: memoryview, magic: int, limit: int) -> Iterator[tuple[int, int]]:
    """(envelope offset, envelope end) of every frame in `data`."""
    pos = 0
    while pos < len(data):
        left = len(data) - pos
        if left < _FRAME.size:
            raise AbiDecodeError(f"commit stream: truncated frame header at byte offset {pos}: "
                                 f"{left} of {_FRAME.size} bytes")
        got, length = _FRAME.unpack_from(data, pos)
        if got != magic:
            raise AbiDecodeError(f"commit stream: bad magic {got:#010x} at byte offset {pos} "
                                 f"(expected {magic:#010x})")
        if length > limit:
            raise AbiDecodeError(f"commit stream: frame at byte offset {pos}: length {length} "
                                 f"exceeds the {limit}-byte envelope limit")
        if length > left - _FRAME.size:
            raise AbiDecodeError(f"commit stream: frame at byte offset {pos} is truncated: "
                                 f"length {length}, only {left - _FRAME.size} bytes follow "
                                 f"its header")
        start = pos + _FRAME.size
        pos = start + length
        yield start, pos


def iter_stream_frames(data: Buffer, magic: int, limit: int) -> Iterator[bytes]:
    """The envelope bytes of every frame, in order; `limit` bounds one envelope."""
    view = memoryview(data).cast("B")
    for start, end in _frames(view, magic, limit):
        yield bytes(view[start:end])


def iter_stream_commits(data: Buffer, magic: int, limit: int) -> Iterator[CommitEnvelope]:
    """Every framed envelope, parsed; a frame must hold exactly one envelope."""
    view = memoryview(data).cast("B")
    for start, end in _frames(view, magic, limit):
        env, stop = decode_commit_envelope(view[:end], start)
        if stop != end:
            raise AbiDecodeError(f"commit stream: frame at byte offset "
                                 f"{start - _FRAME.size}: {end - stop} trailing bytes after "
                                 f"the envelope (offset {stop})")
        yield env
