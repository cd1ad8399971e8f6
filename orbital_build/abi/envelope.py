"""The CommitLog envelope, its seal, and their debug-stream framing: declared once here
(ENVELOPE, ID_INPUT, SEAL), then hashed, built and parsed at run time; the kernel's C
encoders are generated from the same tables (gen_axiom_records.py).

    seq u64 | timestamp u64 | prev u8[32] | type u8 | has_cause u8 |
    caused_by u64 (only if has_cause = 1) | payload_len u16 | payload | id u8[32]

    id = SHA-256(prev ‖ seq LE ‖ timestamp LE ‖ type ‖ payload ‖ caused_by LE if present)

A seal says how far the log went: `count u64 | head u8[32] | reason u8` — the number of
commits so far and the id of the last one. The kernel writes one after every checkpoint
and when it stops, so a log that ends without its final seal has lost its end.

On the debug stream every envelope is one frame: magic u32 ("AXC1") | length u32 |
envelope; every seal one frame with magic "AXS1". The generated module binds the stream
functions to the ABI's magics and AXIOM_COMMIT_MAX. Parsing is strict and every error
names a byte offset.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass

from .wire import U8, U64, AbiDecodeError, AbiEncodeError

HASH_SIZE = 32


@dataclass(frozen=True)
class Part:
    """One field of the envelope or the seal, in wire order. `kind` is u8, u16, u64,
    digest (32 bytes) or payload (a u16 length, then the bytes); a part with `only_if`
    is present only when that earlier u8 part is 1."""

    name: str
    kind: str
    doc: str
    only_if: str = ""


ENVELOPE: tuple[Part, ...] = (
    Part("seq", "u64", "commit number: 0 is genesis, then no gaps"),
    Part("timestamp", "u64", "ns since boot when the commit was made"),
    Part("prev", "digest", "id of the previous commit; zeros for genesis"),
    Part("type", "u8", "ORB_COMMIT_* kind of the payload"),
    Part("has_cause", "u8", "1 if caused_by follows"),
    Part("caused_by", "u64", "SysLog seq of the call that made the commit", "has_cause"),
    Part("payload", "payload", "the record's canonical encoding"),
    Part("id", "digest", "SHA-256 of the ID_INPUT parts"),
)

# What a commit's id is the SHA-256 of, in order: the payload without its length, and
# caused_by only when present.
ID_INPUT: tuple[str, ...] = ("prev", "seq", "timestamp", "type", "payload", "caused_by")

SEAL: tuple[Part, ...] = (
    Part("count", "u64", "commits in the log so far"),
    Part("head", "digest", "id of the last of them (zeros when there is none)"),
    Part("reason", "u8", "ORB_AXIOM_SEAL_*: why the kernel sealed the log here"),
)

_FORMATS = {"u8": "B", "u16": "H", "u64": "Q", "digest": f"{HASH_SIZE}s"}


def part(parts: tuple[Part, ...], name: str) -> Part:
    """The part called `name`."""
    return next(p for p in parts if p.name == name)


def fixed_size(parts: tuple[Part, ...]) -> int:
    """Bytes of the parts that are always present (a payload counts its length only)."""
    return sum(2 if p.kind == "payload" else struct.calcsize("<" + _FORMATS[p.kind])
               for p in parts if not p.only_if)


def _struct(parts: tuple[Part, ...]) -> struct.Struct:
    return struct.Struct("<" + "".join(_FORMATS[p.kind] for p in parts))


_HEAD = _struct(ENVELOPE[:5])  # seq, timestamp, prev, type, has_cause
_CAUSE = _struct((part(ENVELOPE, "caused_by"),))
_LEN = struct.Struct("<H")
_FRAME = struct.Struct("<II")  # magic, envelope length
_SEAL = _struct(SEAL)

# Envelope bytes besides the payload when caused_by is present (the largest case).
OVERHEAD = _HEAD.size + _CAUSE.size + _LEN.size + HASH_SIZE
MIN_SIZE = OVERHEAD - _CAUSE.size
SEAL_SIZE = _SEAL.size
FRAME_HEADER = _FRAME.size
PAYLOAD_MAX = 0xFFFF
assert fixed_size(ENVELOPE) == MIN_SIZE and fixed_size(SEAL) == SEAL_SIZE

Buffer = bytes | bytearray | memoryview


def _digest(name: str, value: object, what: str = "commit envelope") -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        raise AbiEncodeError(f"{what}: {name}: expected {HASH_SIZE} bytes")
    return bytes(value)


def _put(parts: tuple[Part, ...], values: dict, what: str) -> bytes:
    """`values` encoded as `parts` in order (a payload with its u16 length)."""
    out = bytearray()
    for p in parts:
        v = values[p.name]
        if p.only_if and not values[p.only_if]:
            continue
        if p.kind == "u8":
            U8.encode(v, out, f"{what}: {p.name}")
        elif p.kind == "u16":
            out += _LEN.pack(v)
        elif p.kind == "u64":
            U64.encode(v, out, f"{what}: {p.name}")
        elif p.kind == "digest":
            out += _digest(p.name, v, what)
        else:
            if len(v) > PAYLOAD_MAX:
                raise AbiEncodeError(f"{what}: payload of {len(v)} bytes exceeds the u16 "
                                     f"length")
            out += _LEN.pack(len(v)) + bytes(v)
    return bytes(out)


def commit_hash(prev: bytes, seq: int, timestamp: int, type: int, payload: bytes,
                caused_by: int | None = None) -> bytes:
    """The 32-byte id of a commit (spec §2.4 with the canonical payload): SHA-256 over
    the ID_INPUT parts in their order."""
    values = {"prev": _digest("prev", prev), "seq": seq, "timestamp": timestamp,
              "type": type, "payload": bytes(payload), "caused_by": caused_by}
    out = bytearray()
    for name in ID_INPUT:
        p = part(ENVELOPE, name)
        v = values[name]
        if p.only_if and v is None:
            continue
        if p.kind == "u8":
            U8.encode(v, out, f"commit envelope: {name}")
        elif p.kind == "u64":
            U64.encode(v, out, f"commit envelope: {name}")
        else:   # digest, payload bytes
            out += v   # type: ignore[operator]
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
        return _put(ENVELOPE, {**self.__dict__,
                               "has_cause": 0 if self.caused_by is None else 1},
                    "commit envelope")


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


@dataclass(frozen=True)
class Seal:
    """How far the log went when the kernel sealed it: `count` commits, the last one's id
    `head`, and why (`reason`, an AXIOM_SEAL_* value)."""

    count: int
    head: bytes
    reason: int

    def encode(self) -> bytes:
        return _put(SEAL, self.__dict__, "axiom seal")

    @classmethod
    def decode(cls, buf: Buffer, offset: int = 0) -> Seal:
        """The seal in `buf` (exactly SEAL_SIZE bytes); errors name `offset`."""
        if len(buf) != SEAL_SIZE:
            raise AbiDecodeError(f"axiom seal at offset {offset}: {len(buf)} bytes, "
                                 f"expected {SEAL_SIZE}")
        count, head, reason = _SEAL.unpack(bytes(buf))
        return cls(count, head, reason)


def stream_frame(body: bytes, magic: int) -> bytes:
    """An envelope (or a seal) framed for the debug stream."""
    return _FRAME.pack(magic, len(body)) + body


@dataclass(frozen=True)
class Frame:
    """One frame of the stream: `offset` of its header, its `magic` and body."""

    offset: int
    magic: int
    body: bytes

    @property
    def start(self) -> int:
        """Offset of the body."""
        return self.offset + _FRAME.size


@dataclass(frozen=True)
class Frames:
    """The frames of a stream, and the bytes of a cut-off last frame that were left out
    (`cut` of them at `cut_offset`; only ever with `stopped`)."""

    frames: list[Frame]
    cut: int = 0
    cut_offset: int = 0


def _is_cut_frame(data: memoryview, pos: int, limits: dict[int, int]) -> bool:
    """Whether the bytes from `pos` to the end are the start of one frame that the stream
    lost the rest of: a magic (or its first bytes), a length that fits its limit but runs
    past the end, and no other frame after it."""
    tail = bytes(data[pos:])
    if not any(m.to_bytes(4, "little").startswith(tail[:4]) for m in limits):
        return False
    if len(tail) >= _FRAME.size:
        magic, length = _FRAME.unpack_from(tail)
        if length > limits[magic] or _FRAME.size + length <= len(tail):
            return False
    return not any(m.to_bytes(4, "little") in tail[1:] for m in limits)


def read_frames(data: Buffer, limits: dict[int, int], stopped: bool = False) -> Frames:
    """Split a stream into frames; `limits` maps each magic to its largest body (the
    first is the commit envelope's, the second the seal's). With
    `stopped` (the machine was stopped, not shut down) a cut-off last frame is left out
    and counted; anything else that does not parse is an AbiDecodeError naming its byte
    offset — a damaged length in the middle of the stream is never taken for a cut."""
    view = memoryview(data).cast("B")
    frames, pos = [], 0
    while pos < len(view):
        left = len(view) - pos
        if stopped and _is_cut_frame(view, pos, limits):
            return Frames(frames, left, pos)
        if left < _FRAME.size:
            raise AbiDecodeError(f"commit stream: truncated frame header at byte offset {pos}: "
                                 f"{left} of {_FRAME.size} bytes")
        got, length = _FRAME.unpack_from(view, pos)
        if got not in limits:
            want = " or ".join(f"{m:#010x}" for m in limits)
            raise AbiDecodeError(f"commit stream: bad magic {got:#010x} at byte offset {pos} "
                                 f"(expected {want})")
        if length > limits[got]:
            kind = "envelope" if got == next(iter(limits)) else "seal"
            raise AbiDecodeError(f"commit stream: frame at byte offset {pos}: length {length} "
                                 f"exceeds the {limits[got]}-byte {kind} limit")
        if length > left - _FRAME.size:
            raise AbiDecodeError(f"commit stream: frame at byte offset {pos} is truncated: "
                                 f"length {length}, only {left - _FRAME.size} bytes follow "
                                 f"its header")
        frames.append(Frame(pos, got, bytes(view[pos + _FRAME.size:pos + _FRAME.size + length])))
        pos += _FRAME.size + length
    return Frames(frames)


def decode_frame(data: Buffer, frame: Frame, magic: int) -> CommitEnvelope | Seal:
    """The envelope (frame magic `magic`) or seal (any other) that `frame` of the stream
    `data` holds; errors name offsets in `data`."""
    if frame.magic != magic:
        return Seal.decode(frame.body, frame.start)
    end = frame.start + len(frame.body)
    env, stop = decode_commit_envelope(memoryview(data).cast("B")[:end], frame.start)
    if stop != end:
        raise AbiDecodeError(f"commit stream: frame at byte offset {frame.offset}: "
                             f"{end - stop} trailing bytes after the envelope (offset {stop})")
    return env


def iter_stream(data: Buffer, magic: int, seal_magic: int,
                limit: int) -> Iterator[CommitEnvelope | Seal]:
    """Every commit and seal of a stream, parsed, in order."""
    for f in read_frames(data, {magic: limit, seal_magic: SEAL_SIZE}).frames:
        yield decode_frame(data, f, magic)


def iter_stream_frames(data: Buffer, magic: int, seal_magic: int,
                       limit: int) -> Iterator[bytes]:
    """The envelope bytes of every commit frame, in order (seals skipped)."""
    for f in read_frames(data, {magic: limit, seal_magic: SEAL_SIZE}).frames:
        if f.magic == magic:
            yield f.body


def iter_stream_commits(data: Buffer, magic: int, seal_magic: int,
                        limit: int) -> Iterator[CommitEnvelope]:
    """Every framed envelope, parsed (seals skipped); a frame holds exactly one."""
    for item in iter_stream(data, magic, seal_magic, limit):
        if isinstance(item, CommitEnvelope):
            yield item
