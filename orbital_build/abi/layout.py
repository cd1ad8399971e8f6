"""Struct layout with natural C alignment (System V x86_64): offsets, padding, size.

Every scalar is aligned to its size; a struct is aligned to its largest member and its size
is rounded up to that alignment. Validation refuses implicit padding, so the offsets
computed here are also the offsets of the packed Python format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Abi, Struct
from .scalars import Scalar, scalar

_ARRAY = re.compile(r"^([a-z][a-z0-9_]*)\[([0-9]+)\]$")


def split_array(ctype: str) -> tuple[str, int]:
    """`u32[8]` -> ("u32", 8); a scalar -> (ctype, 0)."""
    m = _ARRAY.match(ctype)
    return (m.group(1), int(m.group(2))) if m else (ctype, 0)


@dataclass(frozen=True)
class FieldLayout:
    """Where one member lives: `count` is 0 for a scalar, else the array length."""

    name: str
    scalar: Scalar
    count: int
    offset: int
    doc: str

    @property
    def size(self) -> int:
        return self.scalar.size * max(self.count, 1)

    @property
    def reserved(self) -> bool:
        return self.name.startswith("_")


@dataclass(frozen=True)
class StructLayout:
    """A struct's members in order, its size and alignment, and every padding gap as
    (offset, bytes, name of the member that follows or None for tail padding)."""

    name: str
    fields: tuple[FieldLayout, ...]
    size: int
    align: int
    gaps: tuple[tuple[int, int, str | None], ...]


class LayoutError(ValueError):
    """A member whose type is not a scalar or an array of scalars."""


def struct_layout(abi: Abi, st: Struct) -> StructLayout:
    """Lay out `st`; raises LayoutError naming the first member with an unusable type."""
    fields: list[FieldLayout] = []
    gaps: list[tuple[int, int, str | None]] = []
    offset = 0
    align = 1
    for f in st.fields:
        base, count = split_array(f.ctype)
        s = scalar(abi, base)
        if s is None:
            raise LayoutError(f.name)
        pad = -offset % s.size
        if pad:
            gaps.append((offset, pad, f.name))
        offset += pad
        fields.append(FieldLayout(f.name, s, count, offset, f.doc))
        offset += s.size * max(count, 1)
        align = max(align, s.size)
    tail = -offset % align
    if tail:
        gaps.append((offset, tail, None))
    return StructLayout(st.name, tuple(fields), offset + tail, align, tuple(gaps))
