"""Random values for ABI items, shared by the codec tests: struct members, message fields
and Axiom record fields, each fitting its declared type."""

from __future__ import annotations

import random
from types import ModuleType
from typing import Any

from orbital_build.abi import records
from orbital_build.abi.layout import struct_layout
from orbital_build.abi.model import Abi, Message, Record, Struct
from orbital_build.abi.msgtypes import INTS, WireType, parse
from orbital_build.abi.names import camel

# Characters of 1, 2, 3 and 4 UTF-8 bytes.
TEXT = "aé€𝄞z "


def rng(name: str) -> random.Random:
    return random.Random(f"orbital-abi-{name}")


def int_value(kind: str, r: random.Random) -> int:
    size, signed = INTS[kind]
    lo = -(1 << (8 * size - 1)) if signed else 0
    return r.randint(lo, lo + (1 << 8 * size) - 1)


def text(r: random.Random, limit: int) -> str:
    """Up to 12 characters whose UTF-8 form fits `limit` bytes."""
    out = ""
    for _ in range(r.randint(0, 12)):
        c = r.choice(TEXT)
        if len((out + c).encode()) > limit:
            break
        out += c
    return out


def struct_values(abi: Abi, st: Struct, r: random.Random) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in struct_layout(abi, st).fields:
        if f.reserved:
            continue
        s = f.scalar
        if f.count and s.size == 1 and not s.signed:
            values[f.name] = r.randbytes(f.count)
        elif f.count:
            values[f.name] = [r.randint(s.min, s.max) for _ in range(f.count)]
        else:
            values[f.name] = r.randint(s.min, s.max)
    return values


def struct_object(abi: Abi, module: ModuleType, name: str, r: random.Random) -> Any:
    st = abi.struct(name)
    assert st is not None
    return getattr(module, camel(st.name))(**struct_values(abi, st, r))


def wire_value(abi: Abi, module: ModuleType, t: WireType, r: random.Random) -> Any:
    if t.kind in INTS:
        return int_value(t.kind, r)
    if t.kind == "bool":
        return r.random() < 0.5
    if t.kind in ("str", "str8"):
        return text(r, 255)
    if t.kind == "bytes":
        return r.randbytes(r.randint(0, 20))
    if t.kind == "list":
        assert t.item is not None
        return [wire_value(abi, module, t.item, r) for _ in range(r.randint(0, 4))]
    if t.kind == "opt":
        assert t.item is not None
        return None if r.random() < 0.3 else wire_value(abi, module, t.item, r)
    assert t.struct is not None
    return struct_object(abi, module, t.struct, r)


def message_values(abi: Abi, module: ModuleType, msg: Message,
                   r: random.Random) -> dict[str, Any]:
    out = {}
    for f in msg.fields:
        t = parse(abi, f.type)
        assert t is not None
        out[f.name] = wire_value(abi, module, t, r)
    return out


def record_values(abi: Abi, module: ModuleType, rec: Record,
                  r: random.Random) -> dict[str, Any]:
    """Values for every field of `rec`, str and bytes within their AXIOM_*_MAX bound."""
    out: dict[str, Any] = {}
    for f in rec.fields:
        t = records.parse(abi, f.type)
        assert t is not None
        if t.kind in INTS:
            out[f.name] = int_value(t.kind, r)
        elif t.kind == "str":
            out[f.name] = text(r, records.limit(abi, t))
        elif t.kind == "bytes":
            out[f.name] = r.randbytes(r.randint(0, records.limit(abi, t)))
        elif t.kind == "array":
            out[f.name] = r.randbytes(t.size)
        else:
            assert t.struct is not None
            out[f.name] = struct_object(abi, module, t.struct, r)
    return out
