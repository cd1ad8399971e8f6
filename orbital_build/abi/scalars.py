"""Scalar ctypes: what `u32`, `ptr` or a bitfield name means in C, in Python and on the wire.

A ctype is one of the built-in names below or the name of a declared bitfield. `cptr` and
`msginfo` are built in (every syscall table needs them) and may also be declared as
bitfields of the same width, which adds accessors without changing the type.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Abi


@dataclass(frozen=True)
class Scalar:
    """A fixed-width integer type. `c` is its C spelling in structs and kernel code,
    `user_c` in user stub parameters; `code` is its `struct` module letter."""

    name: str
    size: int
    signed: bool
    c: str
    user_c: str
    code: str

    @property
    def bits(self) -> int:
        return self.size * 8

    @property
    def min(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


_CODES = {(1, False): "B", (2, False): "H", (4, False): "I", (8, False): "Q",
          (1, True): "b", (2, True): "h", (4, True): "i", (8, True): "q"}


def _int(name: str, size: int, signed: bool) -> Scalar:
    c = f"{'int' if signed else 'uint'}{size * 8}_t"
    return Scalar(name, size, signed, c, c, _CODES[size, signed])


BUILTINS: dict[str, Scalar] = {
    "u8": _int("u8", 1, False),
    "u16": _int("u16", 2, False),
    "u32": _int("u32", 4, False),
    "u64": _int("u64", 8, False),
    "i32": _int("i32", 4, True),
    "i64": _int("i64", 8, True),
    # A byte count: size_t in function signatures, always 8 bytes in structs.
    "usize": Scalar("usize", 8, False, "uint64_t", "size_t", "Q"),
    # A user virtual address: an integer in the kernel (never dereferenced directly),
    # a pointer in user stubs.
    "ptr": Scalar("ptr", 8, False, "uint64_t", "void *", "Q"),
    "cptr": Scalar("cptr", 4, False, "orb_cptr_t", "orb_cptr_t", "I"),
    "msginfo": Scalar("msginfo", 8, False, "orb_msginfo_t", "orb_msginfo_t", "Q"),
}

# Built-in word types a bitfield may describe, with the width it must have.
HANDLE_WIDTHS: dict[str, int] = {"cptr": 32, "msginfo": 64}


def scalar(abi: Abi, ctype: str) -> Scalar | None:
    """The scalar named `ctype` (built in or a declared bitfield), or None."""
    if ctype in BUILTINS:
        return BUILTINS[ctype]
    bf = abi.bitfield(ctype)
    if bf is None or bf.width not in (32, 64):
        return None
    c = f"orb_{bf.name}_t"
    return Scalar(bf.name, bf.width // 8, False, c, c, _CODES[bf.width // 8, False])


def kernel_param(s: Scalar) -> str:
    """C type of a kernel handler parameter."""
    return "size_t" if s.name == "usize" else s.c


def user_param(s: Scalar, const: bool = False) -> str:
    """C type of a user stub parameter."""
    if s.name == "ptr" and const:
        return "const void *"
    return s.user_c
