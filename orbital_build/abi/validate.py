"""Checks an `Abi` before anything is generated from it.

Each problem is an OrbitalError with a one-line message that names the table and the item
("syscall debug_write: argument len: unknown ctype u33"). The first problem found wins:
definitions are small and fixing them one at a time is quick.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable

from ..errors import OrbitalError
from . import records
from .envelope import OVERHEAD
from .layout import LayoutError, split_array, struct_layout
from .model import (
    ARG_REGS,
    RESULT_NORETURN,
    RESULT_VOID,
    Abi,
    Bitfield,
    Message,
    Record,
    Struct,
    Syscall,
)
from .msgtypes import INTS, WireType, parse
from .names import c_functions, c_macros, camel, py_message_class, py_record_class
from .scalars import BUILTINS, HANDLE_WIDTHS, scalar

LOWER = re.compile(r"[a-z][a-z0-9_]*")
RESERVABLE = re.compile(r"_?[a-z][a-z0-9_]*")  # a leading `_` marks a reserved slot
UPPER = re.compile(r"[A-Z][A-Z0-9_]*")

# Words that would break the generated C or Python if used as an identifier.
_C_KEYWORDS = frozenset((
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "bool", "true", "false"))
_FORBIDDEN = _C_KEYWORDS | frozenset(keyword.kwlist)

MAX_ARGS = len(ARG_REGS)
MAX_ERROR = 4095  # -4095..-1 is the error range of RAX

# Wire type names: a struct or bitfield so named could never be referred to.
_WIRE_NAMES = frozenset(("bool", "str", "str8", "bytes", "list", "opt"))
# Classes of the generated Python module that no definition names.
_PY_FIXED = ("Errno", "ObjectType", "Rights", "Syscall", "Tag", "SyscallInfo",
             "CommitEnvelope", "CommitType", "StateKind")


def fail(message: str) -> OrbitalError:
    return OrbitalError(f"ABI: {message}")


def _name(what: str, name: str, pattern: re.Pattern[str], bare: bool = False) -> None:
    """Check a name; `bare` names become C or Python identifiers without a prefix."""
    if not pattern.fullmatch(name):
        raise fail(f"{what} {name!r}: name must match {pattern.pattern}")
    if bare and name in _FORBIDDEN:
        raise fail(f"{what} {name!r}: name is a C or Python keyword")


def _unique(what: str, items: Iterable[tuple[str, object]]) -> None:
    """Refuse a key seen twice; `items` are (item name, key) pairs."""
    seen: dict[object, str] = {}
    for name, key in items:
        if key in seen:
            if seen[key] == name:
                raise fail(f"{what} {name}: duplicate name")
            raise fail(f"{what} {name}: duplicate value {key!r} (also used by {seen[key]})")
        seen[key] = name


def _range(what: str, value: int, lo: int, hi: int, label: str = "value") -> None:
    if not lo <= value <= hi:
        raise fail(f"{what}: {label} {value:#x} outside {lo:#x}..{hi:#x}")


def _numbered_tables(abi: Abi) -> None:
    for e in abi.errors:
        _name("error", e.name, UPPER)
        _range(f"error {e.name}", e.value, 1, MAX_ERROR)
        if len(e.brief) > 40 or not e.brief.isprintable():
            raise fail(f"error {e.name}: brief text must be one printable line of at most "
                       f"40 characters, got {e.brief!r}")
    _unique("error", ((e.name, e.name) for e in abi.errors))
    _unique("error", ((e.name, e.value) for e in abi.errors))
    for o in abi.object_types:
        _name("object type", o.name, UPPER)
        _range(f"object type {o.name}", o.value, 1, 0xFF)
    _unique("object type", ((o.name, o.name) for o in abi.object_types))
    _unique("object type", ((o.name, o.value) for o in abi.object_types))
    for r in abi.rights:
        _name("right", r.name, UPPER)
        _range(f"right {r.name}", r.bit, 0, 7, "bit")
    _unique("right", ((r.name, r.name) for r in abi.rights))
    _unique("right", ((r.name, r.bit) for r in abi.rights))
    for c in abi.constants:
        _name("constant", c.name, UPPER)
        _range(f"constant {c.name}", c.value, 0, (1 << 64) - 1)
    _unique("constant", ((c.name, c.name) for c in abi.constants))
    for t in abi.tags:
        _name("tag", t.name, UPPER)
        _range(f"tag {t.name}", t.value, 0, 0xFFFF_FFFF)
    _unique("tag", ((t.name, t.name) for t in abi.tags))
    _unique("tag", ((t.name, t.value) for t in abi.tags))


def _bitfield(bf: Bitfield) -> None:
    what = f"bitfield {bf.name}"
    _name("bitfield", bf.name, LOWER)
    if bf.width not in (32, 64):
        raise fail(f"{what}: width {bf.width} must be 32 or 64")
    if bf.name in HANDLE_WIDTHS and HANDLE_WIDTHS[bf.name] != bf.width:
        raise fail(f"{what}: built-in type {bf.name} is {HANDLE_WIDTHS[bf.name]} bits wide")
    if not bf.fields:
        raise fail(f"{what}: has no fields")
    _unique(f"{what}: field", ((f.name, f.name) for f in bf.fields))
    owner: dict[int, str] = {}
    for f in bf.fields:
        _name(f"{what}: field", f.name, LOWER, bare=True)
        if f.width <= 0:
            raise fail(f"{what}: field {f.name}: zero or negative width {f.width}")
        if f.lsb < 0 or f.lsb + f.width > bf.width:
            raise fail(f"{what}: field {f.name}: bits {f.lsb}..{f.lsb + f.width - 1} exceed "
                       f"the {bf.width}-bit word")
        for bit in range(f.lsb, f.lsb + f.width):
            if bit in owner:
                raise fail(f"{what}: field {f.name} overlaps field {owner[bit]} at bit {bit}")
            owner[bit] = f.name


def _struct(abi: Abi, st: Struct) -> None:
    what = f"struct {st.name}"
    _name("struct", st.name, LOWER)
    if not st.fields:
        raise fail(f"{what}: has no fields")
    _unique(f"{what}: field", ((f.name, f.name) for f in st.fields))
    for f in st.fields:
        _name(f"{what}: field", f.name, RESERVABLE, bare=True)
        base, count = split_array(f.ctype)
        if "[" in f.ctype and (count < 1 or base == f.ctype):
            raise fail(f"{what}: field {f.name}: bad array type {f.ctype!r}")
        if abi.struct(base) is not None:
            raise fail(f"{what}: field {f.name}: type {base} is a struct; nested structs are "
                       f"not supported")
        if scalar(abi, base) is None:
            raise fail(f"{what}: field {f.name}: unknown ctype {base}")
    try:
        lay = struct_layout(abi, st)
    except LayoutError as e:  # pragma: no cover - excluded by the checks above
        raise fail(f"{what}: field {e}: unknown ctype") from None
    for offset, size, before in lay.gaps:
        where = f"before field {before}" if before else "at the end"
        raise fail(f"{what}: {size} bytes of implicit padding {where} (offset {offset}); "
                   f"declare a _pad field")
    if st.size is not None and st.size != lay.size:
        raise fail(f"{what}: size is {lay.size} bytes, the definition promises {st.size}")


def _register_ctype(abi: Abi, what: str, ctype: str) -> None:
    if abi.struct(ctype) is not None:
        raise fail(f"{what}: struct {ctype} cannot travel in a register; pass a ptr")
    if scalar(abi, ctype) is None:
        raise fail(f"{what}: unknown ctype {ctype}")


def _syscall(abi: Abi, sc: Syscall) -> None:
    what = f"syscall {sc.name}"
    _name("syscall", sc.name, LOWER)
    _range(what, sc.number, 0, 0xFF, "number")
    if not sc.doc.strip():
        raise fail(f"{what}: needs a doc line")
    if len(sc.args) > MAX_ARGS:
        raise fail(f"{what}: {len(sc.args)} arguments; at most {MAX_ARGS} fit in registers")
    _unique(f"{what}: argument", ((a.name, a.name) for a in sc.args))
    for a in sc.args:
        _name(f"{what}: argument", a.name, RESERVABLE, bare=True)
        _register_ctype(abi, f"{what}: argument {a.name}", a.ctype)
        if a.const and a.ctype != "ptr":
            raise fail(f"{what}: argument {a.name}: only a ptr can be const")
    if sc.result not in (RESULT_VOID, RESULT_NORETURN):
        _register_ctype(abi, f"{what}: result", sc.result)
    if sc.result == RESULT_NORETURN and sc.outs:
        raise fail(f"{what}: a noreturn syscall cannot have output registers")
    _unique(f"{what}: output", ((o.name, o.name) for o in sc.outs))
    seen: dict[str, str] = {}
    for o in sc.outs:
        _name(f"{what}: output", o.name, LOWER, bare=True)
        if o.reg not in ARG_REGS:
            raise fail(f"{what}: output {o.name}: register {o.reg!r} is not one of "
                       f"{', '.join(ARG_REGS)}")
        if o.reg in seen:
            raise fail(f"{what}: output {o.name}: register {o.reg} already used by "
                       f"output {seen[o.reg]}")
        seen[o.reg] = o.name
        _register_ctype(abi, f"{what}: output {o.name}", o.ctype)
    _syscall_errors(abi, sc)


def _syscall_errors(abi: Abi, sc: Syscall) -> None:
    """Every syscall lists the errors it may return, each with its condition: the list
    is what docs, stubs and the tests that call every syscall hold the kernel to."""
    what = f"syscall {sc.name}"
    if sc.errors is None:
        raise fail(f"{what}: declares no errors; list each error it may return with its "
                   f"condition, or errors=() if it cannot fail")
    if sc.result == RESULT_NORETURN and sc.errors:
        raise fail(f"{what}: a noreturn syscall cannot return an error")
    codes = {e.name for e in abi.errors}
    seen: set[tuple[str, str]] = set()
    for e in sc.errors:
        if e.code not in codes:
            raise fail(f"{what}: error {e.code}: unknown error code")
        if not e.when.strip() or not e.when.isprintable():
            raise fail(f"{what}: error {e.code}: the condition must be one printable line, "
                       f"got {e.when!r}")
        if (e.code, e.when) in seen:
            raise fail(f"{what}: error {e.code}: condition {e.when!r} listed twice")
        seen.add((e.code, e.when))
    handles = [a.name for a in sc.args if a.ctype == "cptr"]
    if handles and "EBADF" not in {e.code for e in sc.errors}:
        raise fail(f"{what}: takes the handle {handles[0]} but does not declare EBADF (a "
                   f"handle with bits 32-63 set is refused with it before the handler runs)")


def _c_codec(what: str, t: WireType) -> None:
    """Refuse what the C message codecs cannot express: lists of variable-size items
    (they are read in place, item i at i × size) and an opt inside an opt."""
    if t.kind == "list":
        assert t.item is not None
        if t.item.kind not in (*INTS, "bool", "struct"):
            raise fail(f"{what}: list items must have a fixed size (an integer, bool or "
                       f"struct)")
    if t.kind == "opt":
        assert t.item is not None
        if t.item.kind == "opt":
            raise fail(f"{what}: an opt cannot hold an opt")
        _c_codec(what, t.item)


def _message(abi: Abi, msg: Message) -> None:
    what = f"message {msg.name}"
    _name("message", msg.name, UPPER)
    if abi.tag(msg.tag) is None:
        raise fail(f"{what}: unknown tag {msg.tag}")
    _unique(f"{what}: field", ((f.name, f.name) for f in msg.fields))
    members = []
    for f in msg.fields:
        _name(f"{what}: field", f.name, LOWER, bare=True)
        t = parse(abi, f.type)
        if t is None:
            raise fail(f"{what}: field {f.name}: unknown type {f.type!r}")
        _c_codec(f"{what}: field {f.name}: {f.type}", t)
        members.append((f.name, f.name))
        if t.kind == "opt":
            members.append((f.name, f"has_{f.name}"))
    _unique(f"{what}: C member", members)
    if abi.constant("MAX_MSG_SIZE") is None:
        raise fail(f"{what}: messages need the constant MAX_MSG_SIZE")
    codes = {e.name for e in abi.errors}
    for code in ("EINVAL", "EOVERFLOW"):  # what the C codecs return
        if code not in codes:
            raise fail(f"{what}: messages need the error code {code}")


def _need(abi: Abi, what: str, name: str, lo: int, hi: int) -> int:
    """The value of constant `name`, which `what` requires to lie in lo..hi."""
    c = abi.constant(name)
    if c is None:
        raise fail(f"{what}: needs the constant {name}")
    _range(f"constant {name}", c.value, lo, hi)
    return c.value


def _record(abi: Abi, group: records.Group, rec: Record) -> None:
    what = f"{group.name} record {rec.name}"
    _name(f"{group.name} record", rec.name, LOWER)
    _range(what, rec.kind, 0, 0xFF, "kind")
    _unique(f"{what}: field", ((f.name, f.name) for f in rec.fields))
    params = [("the buffer", "buf")]
    for f in rec.fields:
        _name(f"{what}: field", f.name, LOWER, bare=True)
        t = records.parse(abi, f.type)
        if t is None:
            raise fail(f"{what}: field {f.name}: unknown type {f.type!r} (records take "
                       f"u8..u64, i32, i64, str, bytes, u8[N] or a struct)")
        params.append((f"field {f.name}", f.name))
        if t.kind == "str":
            _need(abi, what, records.STR_MAX, 1, 0xFFFF)
        if t.kind == "bytes":
            _need(abi, what, records.BYTES_MAX, 1, 0xFFFF_FFFF)
        if not t.fixed:
            params.append((f"field {f.name}", f"{f.name}_len"))
    _unique(f"{what}: C parameter", params)


def _records(abi: Abi) -> None:
    for g in records.groups(abi):
        for rec in g.records:
            _record(abi, g, rec)
        _unique(f"{g.name} record", ((r.name, r.name) for r in g.records))
        _unique(f"{g.name} record", ((r.name, r.kind) for r in g.records))
    if not abi.commits:
        return
    what = "commit records"
    _need(abi, what, records.STREAM_MAGIC, 0, 0xFFFF_FFFF)
    _need(abi, what, records.SEAL_MAGIC, 0, 0xFFFF_FFFF)
    if abi.constant(records.SEAL_MAGIC) == abi.constant(records.STREAM_MAGIC):
        raise fail(f"constants {records.SEAL_MAGIC} and {records.STREAM_MAGIC}: the two "
                   f"frame kinds need different magics")
    for rec in abi.commits:
        top = records.bounds(abi, rec)[1]
        if top > 0xFFFF:
            raise fail(f"commit record {rec.name}: payload of up to {top} bytes does not fit "
                       f"the u16 payload_len")
    got, want = _need(abi, what, records.COMMIT_MAX, 0, 0xFFFF_FFFF), records.commit_max(abi)
    if got != want:
        raise fail(f"constant {records.COMMIT_MAX}: is {got}, the commit records need {want} "
                   f"(envelope {OVERHEAD} + largest payload)")


def validate(abi: Abi) -> Abi:
    """Return `abi` unchanged if it is consistent, else raise OrbitalError."""
    _numbered_tables(abi)
    types = [t.name for t in abi.bitfields] + [t.name for t in abi.structs]
    _unique("type", ((t, t) for t in types))
    for t in types:
        if t in BUILTINS and t not in HANDLE_WIDTHS:
            raise fail(f"type {t}: name of a built-in ctype")
        if t in _WIRE_NAMES:
            raise fail(f"type {t}: name of a wire type")
    for bf in abi.bitfields:
        _bitfield(bf)
    for st in abi.structs:
        _struct(abi, st)
    for sc in abi.syscalls:
        _syscall(abi, sc)
    if abi.syscalls and "ENOSYS" not in {e.name for e in abi.errors}:
        raise fail("syscalls need the error code ENOSYS (what an unknown number returns)")
    _unique("syscall", ((s.name, s.name) for s in abi.syscalls))
    _unique("syscall", ((s.name, s.number) for s in abi.syscalls))
    for msg in abi.messages:
        _message(abi, msg)
    _unique("message", ((m.name, m.name) for m in abi.messages))
    _unique("message", ((m.name, m.tag) for m in abi.messages))
    _records(abi)
    _unique("C macro", ((owner, cname) for cname, owner in c_macros(abi)))
    _unique("C name", ((owner, cname) for cname, owner in c_functions(abi)))
    py = [(f"the module's {name}", name) for name in _PY_FIXED]
    py += [(f"bitfield {b.name}", camel(b.name)) for b in abi.bitfields]
    py += [(f"struct {s.name}", camel(s.name)) for s in abi.structs]
    py += [(f"message {m.name}", py_message_class(m.name)) for m in abi.messages]
    py += [(f"{g.name} record {r.name}", py_record_class(g.prefix, r.name))
           for g in records.groups(abi) for r in g.records]
    _unique("Python class", py)
    return abi
