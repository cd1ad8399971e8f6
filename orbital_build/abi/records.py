"""Axiom records: CommitLog payloads and state-hash records, their field types and sizes.

A record is a canonical encoding (spec §0.3) of its fields in order, with no header; its
`kind` byte travels beside it (the envelope's type byte, or the prefix fed to the state
hash). Field types:

    u8 u16 u32 u64 i32 i64   fixed width, little-endian
    str                      u16 byte length + UTF-8, at most AXIOM_STR_MAX bytes
    bytes                    u32 length + bytes, at most AXIOM_BYTES_MAX bytes
    u8[N]                    N raw bytes
    <struct name>            the struct's packed C layout (cap_record: 32 bytes)

The two bounds are what the kernel encoders truncate to; with them every record, and so
every commit envelope, has a largest size (AXIOM_COMMIT_MAX).
"""

from __future__ import annotations

from dataclasses import dataclass

from .envelope import OVERHEAD
from .layout import split_array, struct_layout
from .model import Abi, Record
from .msgtypes import INTS

STR_MAX = "AXIOM_STR_MAX"
BYTES_MAX = "AXIOM_BYTES_MAX"
COMMIT_MAX = "AXIOM_COMMIT_MAX"
STREAM_MAGIC = "AXIOM_STREAM_MAGIC"
SEAL_MAGIC = "AXIOM_SEAL_MAGIC"

# Byte width of the length prefix of each variable-length kind.
PREFIX = {"str": 2, "bytes": 4}


@dataclass(frozen=True)
class RecordType:
    """A parsed field type: `kind` is an int name, str, bytes, array (`u8[N]`) or struct;
    `size` is the fixed size in bytes, or the length prefix of str and bytes."""

    kind: str
    size: int
    signed: bool = False
    struct: str | None = None

    @property
    def fixed(self) -> bool:
        return self.kind not in PREFIX


@dataclass(frozen=True)
class Group:
    """Records that share a kind space. `name` prefixes the C names (orb_enc_<name>_<rec>,
    ORB_<NAME>_<REC>); `table` is the Python dict kind -> class, `enum` the IntEnum of
    kinds and `prefix` the start of every Python class name."""

    name: str
    table: str
    enum: str
    prefix: str
    records: tuple[Record, ...]
    doc: str


def groups(abi: Abi) -> tuple[Group, ...]:
    """The commit group and the state group, in that order."""
    return (
        Group("commit", "COMMIT_TYPES", "CommitType", "Commit", abi.commits,
              "Commit types: the CommitType discriminant of spec §2.4, the type byte of a "
              "commit envelope."),
        Group("state", "STATE_RECORDS", "StateKind", "State", abi.state_records,
              "State record kinds: the byte fed to the state hash just before a record's "
              "payload (spec §2.5)."),
    )


def parse(abi: Abi, text: str) -> RecordType | None:
    """Parse a record field type, or None if it names no allowed type."""
    if text in INTS:
        size, signed = INTS[text]
        return RecordType(text, size, signed)
    if text in PREFIX:
        return RecordType(text, PREFIX[text])
    base, count = split_array(text)
    if base == "u8" and count >= 1:
        return RecordType("array", count)
    st = abi.struct(text)
    if st is not None:
        return RecordType("struct", struct_layout(abi, st).size, struct=st.name)
    return None


def limit(abi: Abi, t: RecordType) -> int:
    """Most content bytes a str or bytes field carries (its AXIOM_*_MAX constant)."""
    c = abi.constant(STR_MAX if t.kind == "str" else BYTES_MAX)
    assert c is not None, "validation requires the record bound constants"
    return c.value


def bounds(abi: Abi, rec: Record) -> tuple[int, int]:
    """(smallest, largest) payload size of `rec`."""
    lo = hi = 0
    for f in rec.fields:
        t = parse(abi, f.type)
        assert t is not None, f.type
        lo += t.size
        hi += t.size + (0 if t.fixed else limit(abi, t))
    return lo, hi


def commit_max(abi: Abi) -> int:
    """Largest commit envelope: the fixed envelope fields, caused_by, the largest payload."""
    return OVERHEAD + max((bounds(abi, r)[1] for r in abi.commits), default=0)
