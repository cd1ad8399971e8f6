"""A small checker for TOML documents: known keys only, typed values, one-line errors.

Every error names the file and the dotted key (``service[2].caps``) so a user can find it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import OrbitalError, decode_utf8


class SchemaError(OrbitalError):
    pass


def parse_toml(data: bytes | str, where: str) -> dict[str, Any]:
    """Parse a TOML document; anything wrong with it is one SchemaError naming `where`:
    bytes that are not UTF-8 (TOML is UTF-8 only), bad syntax, or nesting so deep that
    the parser would run out of stack."""
    text = decode_utf8(data, where, SchemaError) if isinstance(data, bytes) else data
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SchemaError(f"{where}: invalid TOML: {e}") from None
    except RecursionError:
        raise SchemaError(f"{where}: invalid TOML: arrays or inline tables nested too "
                          f"deeply") from None


def load_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SchemaError(f"{path}: no such file") from None
    except OSError as e:
        raise SchemaError(f"{path}: cannot read: {e.strerror}") from None
    return parse_toml(data, str(path))


class Table:
    """Typed access to one TOML table; `done()` rejects every key nobody asked for."""

    def __init__(self, path: Path, where: str, data: Any) -> None:
        self.path, self.where = path, where
        if not isinstance(data, dict):
            raise self.error(f"'{where}' must be a table")
        self.data = data
        self.seen: set[str] = set()

    def key(self, k: str) -> str:
        return f"{self.where}.{k}" if self.where else k

    def error(self, msg: str) -> SchemaError:
        return SchemaError(f"{self.path}: {msg}")

    def get(self, k: str, typ: type | tuple[type, ...], default: Any = None,
            required: bool = False, check: Callable[[Any], str | None] | None = None) -> Any:
        self.seen.add(k)
        if k not in self.data:
            if required:
                raise self.error(f"missing key '{self.key(k)}'")
            return default
        v = self.data[k]
        types = typ if isinstance(typ, tuple) else (typ,)
        # bool is an int in Python; keep them apart
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            names = " or ".join(t.__name__ for t in types)
            raise self.error(f"'{self.key(k)}' must be {names}, not {type(v).__name__}")
        if check is not None:
            problem = check(v)
            if problem:
                raise self.error(f"'{self.key(k)}': {problem}")
        return v

    def table(self, k: str, required: bool = False) -> Table | None:
        self.seen.add(k)
        if k not in self.data:
            if required:
                raise self.error(f"missing table '{self.key(k)}'")
            return None
        return Table(self.path, self.key(k), self.data[k])

    def tables(self, k: str) -> list[Table]:
        """An array of tables (``[[k]]``)."""
        self.seen.add(k)
        v = self.data.get(k, [])
        if not isinstance(v, list):
            raise self.error(f"'{self.key(k)}' must be an array of tables ([[{k}]])")
        return [Table(self.path, f"{self.key(k)}[{i}]", t) for i, t in enumerate(v)]

    def done(self) -> None:
        for k in self.data:
            if k not in self.seen:
                raise self.error(f"unknown key '{self.key(k)}'")


def parse_size(text: str) -> int:
    """'256M', '4K', '1G', '4096' → bytes; raises ValueError."""
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(t[-1:], 1)
    num = t[:-1] if t[-1:] in "KMG" else t
    if not num.isdigit():
        raise ValueError(f"not a size: {text!r} (use e.g. 4096, 64K, 256M)")
    return int(num) * mult
