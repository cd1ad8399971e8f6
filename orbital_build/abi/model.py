"""The vocabulary the ABI is written in: typed, immutable records.

`orbital_build/abi/defs/` builds one `Abi` out of these; `validate.py` checks it; the
`gen_*.py` modules turn it into C headers, user stubs, Python codecs and a reference page.
A name starting with `_` (syscall argument or struct field) marks a reserved slot: callers
pass zero and readers ignore it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Syscall argument registers, in argument order (spec §1.13.3).
ARG_REGS: tuple[str, ...] = ("rdi", "rsi", "rdx", "r10", "r8", "r9")

# Results that are not a ctype: `void` is 0 on success; `noreturn` never comes back.
RESULT_VOID = "void"
RESULT_NORETURN = "noreturn"


@dataclass(frozen=True)
class Arg:
    """A syscall argument; argument n travels in ARG_REGS[n]. `const`: the kernel only
    reads through this pointer."""

    name: str
    ctype: str
    const: bool = False

    @property
    def reserved(self) -> bool:
        return self.name.startswith("_")


@dataclass(frozen=True)
class Out:
    """An output register beyond RAX, e.g. the new Memory-cap handle of mem_map in RDX."""

    reg: str
    name: str
    ctype: str


@dataclass(frozen=True)
class ErrorCase:
    """An error a syscall may return: `code` names an ErrorCode, `when` is the condition
    that makes the syscall return its negation (one line, e.g. "ep is not a current handle
    to an endpoint")."""

    code: str
    when: str


@dataclass(frozen=True)
class Syscall:
    """One system call: number, typed arguments, result (a ctype, `void` or `noreturn`),
    extra output registers, the rights it checks (free text), a one-line doc, and every
    error it may return with its condition. `errors` must be given: None is refused by
    validation, () declares a call that cannot fail."""

    name: str
    number: int
    args: tuple[Arg, ...]
    result: str
    outs: tuple[Out, ...]
    rights: str
    doc: str
    spec_name: str | None = None
    errors: tuple[ErrorCase, ...] | None = None

    @property
    def error_codes(self) -> tuple[str, ...]:
        """The names of the declared error codes, each once, in declaration order."""
        return tuple(dict.fromkeys(e.code for e in self.errors or ()))


@dataclass(frozen=True)
class ErrorCode:
    """A positive error code; syscalls return its negation. `brief` is the short text
    printers show (the doc when empty)."""

    name: str
    value: int
    doc: str
    brief: str = ""


@dataclass(frozen=True)
class ObjectType:
    """A kernel object type (spec §1.3), a u8 in capability records."""

    name: str
    value: int
    doc: str


@dataclass(frozen=True)
class Right:
    """One bit of the u8 rights set (spec §1.4)."""

    name: str
    bit: int
    doc: str


@dataclass(frozen=True)
class Constant:
    """A named non-negative integer shared by C and Python (limits, magic values).
    `by_arch`: (arch, value) pairs where an architecture's address map differs (the C
    header selects them by the compiler's target; Python and the docs show `value`, the
    x86_64 one, and name the others)."""

    name: str
    value: int
    doc: str
    by_arch: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Field:
    """A bit range of a packed word: bits [lsb, lsb + width)."""

    name: str
    lsb: int
    width: int
    doc: str = ""

    @property
    def mask(self) -> int:
        """The field's mask, not shifted."""
        return (1 << self.width) - 1


@dataclass(frozen=True)
class Bitfield:
    """A 32- or 64-bit word made of named bit ranges; undeclared bits are reserved (0)."""

    name: str
    width: int
    fields: tuple[Field, ...]
    doc: str = ""

    @property
    def reserved_mask(self) -> int:
        used = 0
        for f in self.fields:
            used |= f.mask << f.lsb
        return ((1 << self.width) - 1) & ~used


@dataclass(frozen=True)
class StructField:
    """A struct member: a scalar or bitfield ctype, or an array of one such as `u32[8]`."""

    name: str
    ctype: str
    doc: str = ""

    @property
    def reserved(self) -> bool:
        return self.name.startswith("_")


@dataclass(frozen=True)
class Struct:
    """A C struct with natural alignment and no implicit padding. `size`, when given, is
    the size the definition promises; validation holds it to that."""

    name: str
    fields: tuple[StructField, ...]
    doc: str
    size: int | None = None


@dataclass(frozen=True)
class MessageTag:
    """An IPC message tag (spec §5.12); `owner` is the protocol or service it belongs to."""

    name: str
    value: int
    doc: str
    owner: str


@dataclass(frozen=True)
class MessageField:
    """A payload field in the canonical wire encoding (spec §0.3): u8…u64, i32, i64, bool,
    str, str8, bytes, list[T], opt[T], or a struct name (its fixed C layout)."""

    name: str
    type: str
    doc: str = ""


@dataclass(frozen=True)
class Message:
    """The payload carried by the tag named `tag`."""

    name: str
    tag: str
    fields: tuple[MessageField, ...]
    doc: str


@dataclass(frozen=True)
class Record:
    """A canonically encoded record (spec §0.3) told apart by `kind`, a byte: a CommitLog
    payload (kind = CommitType discriminant) or a state-hash record (kind = prefix byte).
    Field types: u8…u64, i32, i64, str, bytes, `u8[N]` (N raw bytes) or a struct name (its
    packed C layout)."""

    name: str
    kind: int
    fields: tuple[MessageField, ...]
    doc: str


@dataclass(frozen=True)
class Abi:
    """Everything the kernel and user space agree on. `doc` is the calling-convention essay
    that heads the public header and the reference page; `axiom_doc` describes the commit
    envelope and stream framing around `commits`, and heads the Axiom record header."""

    doc: str
    errors: tuple[ErrorCode, ...]
    object_types: tuple[ObjectType, ...]
    rights: tuple[Right, ...]
    constants: tuple[Constant, ...]
    bitfields: tuple[Bitfield, ...]
    structs: tuple[Struct, ...]
    syscalls: tuple[Syscall, ...]
    tags: tuple[MessageTag, ...]
    messages: tuple[Message, ...]
    commits: tuple[Record, ...] = ()
    state_records: tuple[Record, ...] = ()
    axiom_doc: str = ""

    def bitfield(self, name: str) -> Bitfield | None:
        return next((b for b in self.bitfields if b.name == name), None)

    def struct(self, name: str) -> Struct | None:
        return next((s for s in self.structs if s.name == name), None)

    def tag(self, name: str) -> MessageTag | None:
        return next((t for t in self.tags if t.name == name), None)

    def constant(self, name: str) -> Constant | None:
        return next((c for c in self.constants if c.name == name), None)

    def message_for(self, tag: str) -> Message | None:
        return next((m for m in self.messages if m.tag == tag), None)
