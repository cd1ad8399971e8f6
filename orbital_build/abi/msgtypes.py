"""Message field types in the canonical wire encoding (spec §0.3), parsed and sized.

    u8 u16 u32 u64 i32 i64   fixed width, little-endian
    bool                     u8, 0 or 1
    str                      u16 byte length + UTF-8 (no terminator)
    str8                     u8 byte length + UTF-8 (registry exception, spec §0.3)
    bytes                    u32 length + bytes
    list[T]                  u32 count + T × count
    opt[T]                   u8 presence flag + T when 1
    <struct name>            the struct's fixed C layout
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import struct_layout
from .model import Abi, Message

INTS: dict[str, tuple[int, bool]] = {
    "u8": (1, False), "u16": (2, False), "u32": (4, False), "u64": (8, False),
    "i32": (4, True), "i64": (8, True),
}
# Byte width of the length prefix of each variable-length kind.
PREFIX = {"str": 2, "str8": 1, "bytes": 4, "list": 4, "opt": 1}


@dataclass(frozen=True)
class WireType:
    """A parsed field type: `kind` is an int name, bool, str, str8, bytes, list, opt or
    struct; `item` is the element type of list/opt; `struct` names the struct."""

    kind: str
    item: WireType | None = None
    struct: str | None = None
    struct_size: int = 0


def parse(abi: Abi, text: str) -> WireType | None:
    """Parse `text`, or None if it names no known type."""
    if text in INTS or text in ("bool", "str", "str8", "bytes"):
        return WireType(text)
    for kind in ("list", "opt"):
        if text.startswith(kind + "[") and text.endswith("]"):
            item = parse(abi, text[len(kind) + 1:-1])
            return WireType(kind, item=item) if item else None
    st = abi.struct(text)
    if st is not None:
        return WireType("struct", struct=st.name, struct_size=struct_layout(abi, st).size)
    return None


def min_size(t: WireType) -> int:
    """Fewest bytes a value of `t` encodes to."""
    if t.kind in INTS:
        return INTS[t.kind][0]
    if t.kind == "bool":
        return 1
    if t.kind == "struct":
        return t.struct_size
    return PREFIX[t.kind]


def max_size(t: WireType) -> int | None:
    """Most bytes a value of `t` encodes to; None when only the message limit bounds it."""
    if t.kind in INTS or t.kind in ("bool", "struct"):
        return min_size(t)
    if t.kind in ("str", "str8"):
        return PREFIX[t.kind] + (1 << (8 * PREFIX[t.kind])) - 1
    if t.kind == "opt":
        assert t.item is not None
        inner = max_size(t.item)
        return None if inner is None else 1 + inner
    return None


def payload_bounds(abi: Abi, msg: Message, limit: int) -> tuple[int, int]:
    """(smallest, largest) payload size of `msg`; the largest is capped at `limit`."""
    lo = hi = 0
    unbounded = False
    for f in msg.fields:
        t = parse(abi, f.type)
        assert t is not None, f.type
        lo += min_size(t)
        top = max_size(t)
        if top is None:
            unbounded = True
        else:
            hi += top
    return lo, limit if unbounded else min(hi, limit)
