"""Runtime codecs behind the generated `orbital_build.generated.abi` module.

The generated module only declares layouts (a struct format, a bit map, a field list);
packing, range checks and the error messages live here, once. Decoding is strict: short
input, trailing bytes, a length prefix larger than what is left, invalid UTF-8, a bool
other than 0/1 and reserved bits that are set all raise AbiDecodeError naming the item.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any, Protocol

from ..errors import OrbitalError


class AbiDecodeError(OrbitalError, ValueError):
    """Bytes or a word that are not a valid encoding of the named ABI item."""


class AbiEncodeError(OrbitalError, ValueError):
    """A value that the named ABI item cannot represent."""


def _check_int(value: object, lo: int, hi: int, what: str, kind: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise AbiEncodeError(f"{what}: expected an integer ({kind}), got {type(value).__name__}")
    if not lo <= value <= hi:
        raise AbiEncodeError(f"{what}: {value} does not fit {kind} ({lo}..{hi})")
    return value


# --- bit layouts -------------------------------------------------------------------------

class BitfieldCodec:
    """A packed word of `width` bits; `fields` are (name, lsb, width)."""

    def __init__(self, name: str, width: int, fields: Sequence[tuple[str, int, int]]) -> None:
        self.name = name
        self.width = width
        self.fields = tuple(fields)
        used = 0
        for _, lsb, w in self.fields:
            used |= ((1 << w) - 1) << lsb
        self.reserved = ((1 << width) - 1) & ~used

    def encode(self, obj: object) -> int:
        word = 0
        for name, lsb, w in self.fields:
            v = _check_int(getattr(obj, name), 0, (1 << w) - 1, f"{self.name}.{name}",
                           f"{w}-bit field")
            word |= v << lsb
        return word

    def decode(self, word: int) -> dict[str, int]:
        if isinstance(word, bool) or not isinstance(word, int):
            raise AbiDecodeError(f"{self.name}: expected an integer word, "
                                 f"got {type(word).__name__}")
        if not 0 <= word < 1 << self.width:
            raise AbiDecodeError(f"{self.name}: {word:#x} is not a {self.width}-bit word")
        if word & self.reserved:
            raise AbiDecodeError(f"{self.name}: reserved bits set in {word:#x} "
                                 f"(mask {word & self.reserved:#x})")
        return {name: (word >> lsb) & ((1 << w) - 1) for name, lsb, w in self.fields}


# --- structs -----------------------------------------------------------------------------

_INT_RANGE = {
    "B": (0, 0xFF, "u8"), "H": (0, 0xFFFF, "u16"), "I": (0, 0xFFFF_FFFF, "u32"),
    "Q": (0, 0xFFFF_FFFF_FFFF_FFFF, "u64"), "b": (-0x80, 0x7F, "i8"),
    "h": (-0x8000, 0x7FFF, "i16"), "i": (-0x8000_0000, 0x7FFF_FFFF, "i32"),
    "q": (-0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, "i64"),
}


class StructCodec:
    """A fixed C layout. `fmt` is a little-endian `struct` format whose reserved members
    are pad bytes; `fields` are (name, code, count) for the other members, in order:
    count 0 is a scalar, code "s" a byte array (bytes), otherwise a list of ints."""

    def __init__(self, name: str, fmt: str, fields: Sequence[tuple[str, str, int]]) -> None:
        self.name = name
        self.struct = struct.Struct(fmt)
        self.size = self.struct.size
        self.fields = tuple(fields)

    def pack(self, obj: object) -> bytes:
        values: list[Any] = []
        for name, code, count in self.fields:
            what = f"{self.name}.{name}"
            v = getattr(obj, name)
            if code == "s":
                if not isinstance(v, (bytes, bytearray)):
                    raise AbiEncodeError(f"{what}: expected bytes, got {type(v).__name__}")
                if len(v) > count:
                    raise AbiEncodeError(f"{what}: {len(v)} bytes do not fit u8[{count}]")
                values.append(bytes(v))
                continue
            lo, hi, kind = _INT_RANGE[code]
            if count == 0:
                values.append(_check_int(v, lo, hi, what, kind))
                continue
            if not isinstance(v, (list, tuple)) or len(v) != count:
                raise AbiEncodeError(f"{what}: expected {count} items of {kind}")
            values.extend(_check_int(x, lo, hi, f"{what}[{i}]", kind) for i, x in enumerate(v))
        return self.struct.pack(*values)

    def unpack(self, data: bytes) -> dict[str, Any]:
        if len(data) != self.size:
            raise AbiDecodeError(f"{self.name}: needs exactly {self.size} bytes, "
                                 f"got {len(data)}")
        return self.unpack_from(data)

    def unpack_from(self, data: bytes, offset: int = 0) -> dict[str, Any]:
        if offset < 0 or len(data) - offset < self.size:
            raise AbiDecodeError(f"{self.name}: needs {self.size} bytes at offset {offset}, "
                                 f"{max(len(data) - offset, 0)} available")
        flat = self.struct.unpack_from(data, offset)
        out: dict[str, Any] = {}
        i = 0
        for name, code, count in self.fields:
            if count == 0 or code == "s":
                out[name] = flat[i]
                i += 1
            else:
                out[name] = list(flat[i:i + count])
                i += count
        return out


# --- messages ----------------------------------------------------------------------------

class Reader:
    """A cursor over a payload; `what` names the message in errors."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data = bytes(data)
        self.pos = 0
        self.what = what

    @property
    def left(self) -> int:
        return len(self.data) - self.pos

    def take(self, n: int, where: str) -> bytes:
        if n > self.left:
            raise AbiDecodeError(f"{self.what}: {where}: needs {n} bytes at offset {self.pos}, "
                                 f"only {self.left} left (short message)")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b


class Codec(Protocol):
    """What every wire type implements."""

    def encode(self, value: Any, out: bytearray, where: str) -> None: ...
    def decode(self, r: Reader, where: str) -> Any: ...
    def min_size(self) -> int: ...


class Int:
    """A fixed-width little-endian integer."""

    def __init__(self, size: int, signed: bool) -> None:
        self.size = size
        self.signed = signed
        self.kind = f"{'i' if signed else 'u'}{size * 8}"

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        bits = self.size * 8
        lo = -(1 << (bits - 1)) if self.signed else 0
        v = _check_int(value, lo, lo + (1 << bits) - 1, where, self.kind)
        out += v.to_bytes(self.size, "little", signed=self.signed)

    def decode(self, r: Reader, where: str) -> int:
        return int.from_bytes(r.take(self.size, where), "little", signed=self.signed)

    def min_size(self) -> int:
        return self.size


class Bool:
    """A u8 that must be 0 or 1."""

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        if not isinstance(value, bool):
            raise AbiEncodeError(f"{where}: expected a bool, got {type(value).__name__}")
        out.append(int(value))

    def decode(self, r: Reader, where: str) -> bool:
        b = r.take(1, where)[0]
        if b > 1:
            raise AbiDecodeError(f"{r.what}: {where}: bool byte is {b}, must be 0 or 1")
        return bool(b)

    def min_size(self) -> int:
        return 1


def _length(r: Reader, prefix: int, unit: int, where: str) -> int:
    n = int.from_bytes(r.take(prefix, where + " length"), "little")
    if n * unit > r.left:
        raise AbiDecodeError(f"{r.what}: {where}: length {n} needs at least {n * unit} bytes, "
                             f"only {r.left} left (oversize length)")
    return n


def _bounded(r: Reader, n: int, limit: int | None, where: str) -> int:
    """`n`, unless it exceeds the item's `limit`."""
    if limit is not None and n > limit:
        raise AbiDecodeError(f"{r.what}: {where}: length {n} exceeds the {limit}-byte limit")
    return n


class Str:
    """UTF-8 text after a `prefix`-byte length (2 for str, 1 for str8); `limit`, when
    given, caps the byte length below what the prefix allows."""

    def __init__(self, prefix: int, limit: int | None = None) -> None:
        self.prefix = prefix
        self.limit = (1 << (8 * prefix)) - 1 if limit is None else limit

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        if not isinstance(value, str):
            raise AbiEncodeError(f"{where}: expected str, got {type(value).__name__}")
        b = value.encode("utf-8")
        if len(b) > self.limit:
            raise AbiEncodeError(f"{where}: {len(b)} UTF-8 bytes exceed the "
                                 f"{self.limit}-byte limit")
        out += len(b).to_bytes(self.prefix, "little") + b

    def decode(self, r: Reader, where: str) -> str:
        start = r.pos
        n = _bounded(r, _length(r, self.prefix, 1, where), self.limit, where)
        raw = r.take(n, where)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise AbiDecodeError(f"{r.what}: {where}: invalid UTF-8 at offset "
                                 f"{start + self.prefix + e.start}") from None

    def min_size(self) -> int:
        return self.prefix


class Bytes:
    """Raw bytes after a u32 length; `limit`, when given, caps the length."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        if not isinstance(value, (bytes, bytearray)):
            raise AbiEncodeError(f"{where}: expected bytes, got {type(value).__name__}")
        if self.limit is not None and len(value) > self.limit:
            raise AbiEncodeError(f"{where}: {len(value)} bytes exceed the "
                                 f"{self.limit}-byte limit")
        out += len(value).to_bytes(4, "little") + bytes(value)

    def decode(self, r: Reader, where: str) -> bytes:
        return r.take(_bounded(r, _length(r, 4, 1, where), self.limit, where), where)

    def min_size(self) -> int:
        return 4


class Raw:
    """Exactly `size` bytes, no length (a `u8[N]` record field)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        if not isinstance(value, (bytes, bytearray)):
            raise AbiEncodeError(f"{where}: expected bytes, got {type(value).__name__}")
        if len(value) != self.size:
            raise AbiEncodeError(f"{where}: expected exactly {self.size} bytes, "
                                 f"got {len(value)}")
        out += value

    def decode(self, r: Reader, where: str) -> bytes:
        return r.take(self.size, where)

    def min_size(self) -> int:
        return self.size


class ListOf:
    """A u32 count, then that many items."""

    def __init__(self, item: Codec) -> None:
        self.item = item

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        if not isinstance(value, (list, tuple)):
            raise AbiEncodeError(f"{where}: expected a list, got {type(value).__name__}")
        out += len(value).to_bytes(4, "little")
        for i, x in enumerate(value):
            self.item.encode(x, out, f"{where}[{i}]")

    def decode(self, r: Reader, where: str) -> list[Any]:
        n = _length(r, 4, max(self.item.min_size(), 1), where)
        return [self.item.decode(r, f"{where}[{i}]") for i in range(n)]

    def min_size(self) -> int:
        return 4


class Opt:
    """A u8 presence flag, then the item when the flag is 1."""

    def __init__(self, item: Codec) -> None:
        self.item = item

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        out.append(0 if value is None else 1)
        if value is not None:
            self.item.encode(value, out, where)

    def decode(self, r: Reader, where: str) -> Any:
        flag = r.take(1, where + " flag")[0]
        if flag > 1:
            raise AbiDecodeError(f"{r.what}: {where}: presence flag is {flag}, must be 0 or 1")
        return self.item.decode(r, where) if flag else None

    def min_size(self) -> int:
        return 1


class Fixed:
    """A struct in its C layout; `cls` has SIZE, pack() and unpack()."""

    def __init__(self, cls: Any) -> None:
        self.cls = cls

    def encode(self, value: Any, out: bytearray, where: str) -> None:
        if not isinstance(value, self.cls):
            raise AbiEncodeError(f"{where}: expected {self.cls.__name__}, "
                                 f"got {type(value).__name__}")
        out += value.pack()

    def decode(self, r: Reader, where: str) -> Any:
        return self.cls.unpack(r.take(self.cls.SIZE, where))

    def min_size(self) -> int:
        return int(self.cls.SIZE)


U8, U16, U32, U64 = Int(1, False), Int(2, False), Int(4, False), Int(8, False)
I32, I64 = Int(4, True), Int(8, True)
BOOL, STR, STR8, BYTES = Bool(), Str(2), Str(1), Bytes()


class FieldsCodec:
    """A payload that is its fields in wire order, with no header: `fields` are
    (name, wire type); `name` names the payload in errors."""

    def __init__(self, name: str, fields: Sequence[tuple[str, Codec]]) -> None:
        self.name = name
        self.fields = tuple(fields)

    def encode(self, obj: object) -> bytes:
        out = bytearray()
        for name, t in self.fields:
            t.encode(getattr(obj, name), out, f"{self.name}.{name}")
        return bytes(out)

    def decode(self, data: bytes) -> dict[str, Any]:
        r = Reader(data, self.name)
        out = {name: t.decode(r, f"field {name}") for name, t in self.fields}
        if r.left:
            raise AbiDecodeError(f"{self.name}: {r.left} trailing bytes after the last field "
                                 f"(offset {r.pos})")
        return out


class MessageCodec(FieldsCodec):
    """An IPC payload; `limit` is the largest payload the kernel carries
    (ORB_MAX_MSG_SIZE)."""

    def __init__(self, name: str, fields: Sequence[tuple[str, Codec]], limit: int) -> None:
        super().__init__(name, fields)
        self.limit = limit

    def encode(self, obj: object) -> bytes:
        out = super().encode(obj)
        if len(out) > self.limit:
            raise AbiEncodeError(f"{self.name}: payload is {len(out)} bytes, over the "
                                 f"{self.limit}-byte message limit")
        return out

    def decode(self, data: bytes) -> dict[str, Any]:
        if len(data) > self.limit:
            raise AbiDecodeError(f"{self.name}: payload is {len(data)} bytes, over the "
                                 f"{self.limit}-byte message limit (oversize message)")
        return super().decode(data)


class RecordCodec(FieldsCodec):
    """An Axiom record (commit payload or state record). Its str and bytes fields are
    bounded, so the fields alone bound its size."""
