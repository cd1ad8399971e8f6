"""Emits orbital_build/generated/abi.py: the ABI for Python tools and the Unicorn harness.

Constants, IntEnums for errors, object types, syscalls and tags, an IntFlag for rights, a
frozen dataclass per bit layout (encode/decode), a dataclass per struct (pack/unpack), per
message and per Axiom record (encode/decode), the commit envelope and stream helpers, and
SYSCALLS: number -> registers, names and types. The module only declares layouts;
`orbital_build/abi/wire.py` and `envelope.py` do the packing and checking.
"""

from __future__ import annotations

import json

from . import records
from .layout import struct_layout
from .model import ARG_REGS, Abi, Bitfield, Message, Record, Struct, Syscall
from .msgtypes import INTS, WireType, parse
from .names import camel, py_message_class, py_record_class
from .render import WIDTH, banner, hexnum, py_comment, wrap

GENERATOR = "gen_python"


def _s(text: str) -> str:
    """A double-quoted Python string literal."""
    return json.dumps(text, ensure_ascii=False)


def _docstring(text: str, indent: str) -> list[str]:
    assert '"""' not in text and "\\" not in text, text
    one = f'{indent}"""{" ".join(text.split())}"""'
    if len(one) <= WIDTH:
        return [one]
    body = wrap(text, WIDTH - len(indent) - 3)
    return ([f'{indent}"""{body[0]}'] + [f"{indent}{ln}" if ln else "" for ln in body[1:]]
            + [f'{indent}"""'])


def _items(head: str, items: list[str], tail: str, indent: str,
           break_head: bool = False) -> list[str]:
    """`head` + comma-separated `items` + `tail`, wrapped at WIDTH; continuation lines start
    with `indent`, and with `break_head` the first item too. A one-item list gets the
    trailing comma a one-element tuple needs."""
    if len(items) == 1:
        tail = "," + tail
    one = head + ", ".join(items) + tail
    if len(one) <= WIDTH:
        return [one]
    lines: list[str] = [head.rstrip()] if break_head else []
    cur, fresh = (indent, True) if break_head else (head, True)
    for i, it in enumerate(items):
        piece = it + ("," if i < len(items) - 1 else tail)
        cand = cur + ("" if fresh else " ") + piece
        if len(cand) > WIDTH and not fresh:
            lines.append(cur.rstrip())
            cur = indent + piece
        else:
            cur = cand
        fresh = False
    lines.append(cur)
    return lines


def _assign(name: str, value: str, doc: str, indent: str = "") -> list[str]:
    """`name = value  # doc`, with the comment above when the line would be too long."""
    line = f"{indent}{name} = {value}"
    if not doc:
        return [line]
    if len(line) + len(doc) + 4 <= WIDTH:
        return [f"{line}  # {doc}"]
    return [*py_comment(doc, indent), line]


def _enum(name: str, base: str, doc: str, rows: list[tuple[str, str, str]]) -> list[str]:
    out = ["", "", f"class {name}({base}):", *_docstring(doc, "    "), ""]
    for member, value, comment in rows:
        out += _assign(member, value, comment, "    ")
    return out


def _bitfield(bf: Bitfield) -> list[str]:
    cls = camel(bf.name)
    fields = [f"({_s(f.name)}, {f.lsb}, {f.width})" for f in bf.fields]
    out = ["", "", "@dataclass(frozen=True)", f"class {cls}:",
           *_docstring(bf.doc or bf.name, "    "), ""]
    out += _items(f"    CODEC: ClassVar[wire.BitfieldCodec] = wire.BitfieldCodec({_s(bf.name)}, "
                  f"{bf.width}, (", fields, "))", "        ", break_head=True)
    for f in bf.fields:
        out += _assign(f"{f.name}: int", "0", f.doc, "    ")
    out += ["", "    def encode(self) -> int:",
            f'        """The packed {bf.width}-bit word."""',
            "        return self.CODEC.encode(self)",
            "", "    @classmethod", f"    def decode(cls, word: int) -> {cls}:",
            '        """Split a word; reserved bits must be 0."""',
            "        return cls(**cls.CODEC.decode(word))"]
    return out


def _struct(abi: Abi, st: Struct) -> list[str]:
    lay = struct_layout(abi, st)
    cls = camel(st.name)
    fmt = "<"
    codec_fields = []
    attrs: list[str] = []
    for f in lay.fields:
        if f.reserved:
            fmt += f"{f.size}x"
            continue
        code = f.scalar.code
        if f.count and f.scalar.size == 1 and not f.scalar.signed:
            fmt += f"{f.count}s"
            codec_fields.append(f"({_s(f.name)}, \"s\", {f.count})")
            attrs += _assign(f"{f.name}: bytes", f"bytes({f.count})", f.doc, "    ")
        elif f.count:
            fmt += f"{f.count}{code}"
            codec_fields.append(f"({_s(f.name)}, {_s(code)}, {f.count})")
            attrs += _assign(f"{f.name}: list[int]",
                             f"field(default_factory=lambda: [0] * {f.count})", f.doc, "    ")
        else:
            fmt += code
            codec_fields.append(f"({_s(f.name)}, {_s(code)}, 0)")
            attrs += _assign(f"{f.name}: int", "0", f.doc, "    ")
    out = ["", "", "@dataclass", f"class {cls}:", *_docstring(st.doc, "    "), ""]
    out += _items(f"    CODEC: ClassVar[wire.StructCodec] = wire.StructCodec({_s(st.name)}, "
                  f"{_s(fmt)}, (", codec_fields, "))", "        ", break_head=True)
    out.append(f"    SIZE: ClassVar[int] = {lay.size}")
    out += attrs
    out += ["", "    def pack(self) -> bytes:",
            f'        """The {lay.size}-byte C layout; reserved members are zero."""',
            "        return self.CODEC.pack(self)",
            "", "    @classmethod", f"    def unpack(cls, data: bytes) -> {cls}:",
            f'        """Decode exactly {lay.size} bytes."""',
            "        return cls(**cls.CODEC.unpack(data))",
            "", "    @classmethod",
            f"    def unpack_from(cls, data: bytes, offset: int = 0) -> {cls}:",
            f'        """Decode {lay.size} bytes at `offset` of a larger buffer."""',
            "        return cls(**cls.CODEC.unpack_from(data, offset))"]
    return out


def _wire_expr(t: WireType) -> str:
    if t.kind in INTS or t.kind in ("bool", "str", "str8", "bytes"):
        return f"wire.{t.kind.upper()}"
    if t.kind in ("list", "opt"):
        assert t.item is not None
        return f"wire.{'ListOf' if t.kind == 'list' else 'Opt'}({_wire_expr(t.item)})"
    assert t.struct is not None
    return f"wire.Fixed({camel(t.struct)})"


def _py_type(t: WireType) -> tuple[str, str]:
    """(annotation, default) of a message field."""
    if t.kind in INTS:
        return "int", "0"
    simple = {"bool": ("bool", "False"), "str": ("str", '""'), "str8": ("str", '""'),
              "bytes": ("bytes", 'b""')}
    if t.kind in simple:
        return simple[t.kind]
    if t.kind == "list":
        assert t.item is not None
        return f"list[{_py_type(t.item)[0]}]", "field(default_factory=list)"
    if t.kind == "opt":
        assert t.item is not None
        return f"{_py_type(t.item)[0]} | None", "None"
    assert t.struct is not None
    return camel(t.struct), f"field(default_factory={camel(t.struct)})"


def _message(abi: Abi, msg: Message) -> list[str]:
    cls = py_message_class(msg.name)
    wires, attrs = [], []
    for f in msg.fields:
        t = parse(abi, f.type)
        assert t is not None
        wires.append(f"({_s(f.name)}, {_wire_expr(t)})")
        ann, default = _py_type(t)
        attrs += _assign(f"{f.name}: {ann}", default, f.doc, "    ")
    out = ["", "", "@dataclass", f"class {cls}:", *_docstring(msg.doc, "    "), ""]
    out.append(f"    TAG: ClassVar[Tag] = Tag.{msg.tag}")
    out += _items(f"    CODEC: ClassVar[wire.MessageCodec] = wire.MessageCodec({_s(msg.name)}, (",
                  wires, "), MAX_MSG_SIZE)", "        ", break_head=True)
    out += attrs
    out += ["", "    def encode(self) -> bytes:",
            '        """The payload in the canonical wire encoding."""',
            "        return self.CODEC.encode(self)",
            "", "    @classmethod", f"    def decode(cls, data: bytes) -> {cls}:",
            '        """Decode a whole payload; raises AbiDecodeError."""',
            "        return cls(**cls.CODEC.decode(data))"]
    return out


def _record_field(abi: Abi, t: records.RecordType) -> tuple[str, str, str]:
    """(wire codec, annotation, default) of a record field."""
    if t.kind in INTS:
        return f"wire.{t.kind.upper()}", "int", "0"
    if t.kind == "str":
        return "RECORD_STR", "str", '""'
    if t.kind == "bytes":
        return "RECORD_BYTES", "bytes", 'b""'
    if t.kind == "array":
        return f"wire.Raw({t.size})", "bytes", f"bytes({t.size})"
    assert t.struct is not None
    cls = camel(t.struct)
    return f"wire.Fixed({cls})", cls, f"field(default_factory={cls})"


def _record(abi: Abi, group: records.Group, rec: Record) -> list[str]:
    cls = py_record_class(group.prefix, rec.name)
    top = records.bounds(abi, rec)[1]
    wires, attrs = [], []
    for f in rec.fields:
        t = records.parse(abi, f.type)
        assert t is not None
        codec, ann, default = _record_field(abi, t)
        wires.append(f"({_s(f.name)}, {codec})")
        attrs += _assign(f"{f.name}: {ann}", default, f.doc, "    ")
    out = ["", "", "@dataclass", f"class {cls}:", *_docstring(rec.doc, "    "), ""]
    out.append(f"    KIND: ClassVar[{group.enum}] = {group.enum}.{rec.name.upper()}")
    out.append(f"    MAX_SIZE: ClassVar[int] = {top}")
    head = (f"    CODEC: ClassVar[wire.RecordCodec] = wire.RecordCodec("
            f"{_s(f'{group.name} {rec.name}')}, (")
    out += _items(head, wires, "))", "        ", break_head=True) if wires else [f"{head}))"]
    out += attrs
    out += ["", "    def encode(self) -> bytes:",
            '        """The canonical payload."""',
            "        return self.CODEC.encode(self)",
            "", "    @classmethod", f"    def decode(cls, data: bytes) -> {cls}:",
            '        """Decode a whole payload; raises AbiDecodeError."""',
            "        return cls(**cls.CODEC.decode(data))"]
    return out


def _records(abi: Abi) -> list[str]:
    out: list[str] = []
    for g in records.groups(abi):
        if not g.records:
            continue
        rows = [(r.name.upper(), hexnum(r.kind, 2),
                 repr(chr(r.kind)) if g.name == "state" else "") for r in g.records]
        out += _enum(g.enum, "IntEnum", g.doc, rows)
        for r in g.records:
            out += _record(abi, g, r)
        out += ["", "", f"{g.table}: dict[int, type[Any]] = {{"]
        out += [f"    {g.enum}.{r.name.upper()}: {py_record_class(g.prefix, r.name)},"
                for r in g.records]
        out.append("}")
    return out


_ENVELOPE = '''

# --- the commit envelope, the seal and the debug stream (orbital_build/abi/envelope.py) ----

CommitEnvelope = envelope.CommitEnvelope
Seal = envelope.Seal
commit_hash = envelope.commit_hash
make_commit_envelope = envelope.make_commit_envelope
decode_commit_envelope = envelope.decode_commit_envelope
SEAL_SIZE = envelope.SEAL_SIZE
STREAM_LIMITS = {AXIOM_STREAM_MAGIC: AXIOM_COMMIT_MAX, AXIOM_SEAL_MAGIC: SEAL_SIZE}


def decode_commit_payload(env: CommitEnvelope) -> Any:
    """The payload of `env` as its COMMIT_TYPES class; raises AbiDecodeError."""
    cls = COMMIT_TYPES.get(env.type)
    if cls is None:
        raise AbiDecodeError(f"commit seq {env.seq}: unknown commit type {env.type}")
    try:
        return cls.decode(env.payload)
    except AbiDecodeError as e:
        raise AbiDecodeError(f"commit seq {env.seq}: {e}") from None


def stream_frame(env: bytes) -> bytes:
    """Envelope bytes framed for the debug stream (AXIOM_STREAM_MAGIC, length)."""
    return envelope.stream_frame(env, AXIOM_STREAM_MAGIC)


def seal_frame(seal: Seal) -> bytes:
    """A seal framed for the debug stream (AXIOM_SEAL_MAGIC, length)."""
    return envelope.stream_frame(seal.encode(), AXIOM_SEAL_MAGIC)


def iter_stream(data: bytes) -> Iterator[CommitEnvelope | Seal]:
    """Every commit and seal of a debug stream, parsed, in order."""
    return envelope.iter_stream(data, AXIOM_STREAM_MAGIC, AXIOM_SEAL_MAGIC, AXIOM_COMMIT_MAX)


def iter_stream_frames(data: bytes) -> Iterator[bytes]:
    """The envelope bytes of every commit frame of a debug stream (seals skipped);
    AbiDecodeError names the byte offset of a bad magic, an oversize length or a
    truncated frame."""
    return envelope.iter_stream_frames(data, AXIOM_STREAM_MAGIC, AXIOM_SEAL_MAGIC,
                                       AXIOM_COMMIT_MAX)


def iter_stream_commits(data: bytes) -> Iterator[CommitEnvelope]:
    """Every commit of a debug stream, parsed (seals skipped); each frame holds exactly one
    envelope."""
    return envelope.iter_stream_commits(data, AXIOM_STREAM_MAGIC, AXIOM_SEAL_MAGIC,
                                        AXIOM_COMMIT_MAX)
'''

_STATE_HASH = '''

def state_hash(records: Iterable[Any]) -> bytes:
    """SHA-256 over state records in the order given, each fed as its KIND byte then its
    payload."""
    h = hashlib.sha256()
    for rec in records:
        h.update(bytes([rec.KIND]) + rec.encode())
    return h.digest()
'''


def _syscall(sc: Syscall) -> list[str]:
    args = [f"({_s(ARG_REGS[i])}, {_s(a.name)}, {_s(a.ctype)})" for i, a in enumerate(sc.args)]
    outs = [f"({_s(o.reg)}, {_s(o.name)}, {_s(o.ctype)})" for o in sc.outs]
    n = hexnum(sc.number, 2)
    out = [f"    {n}: SyscallInfo(", f"        {n}, {_s(sc.name)},"]
    out += _items("        (", args, "),", "         ")
    out.append(f"        {_s(sc.result)},")
    out += _items("        (", outs, "),", "         ")
    out.append(f"        {_s(sc.rights)},")
    out += _text(sc.doc, "        ", ",")
    if not sc.errors:
        out.append("        ()),")
        return out
    out.append("        (")
    for e in sc.errors:
        out += _text(e.when, f"            (Errno.{e.code}, ", "),")
    out.append("        )),")
    return out


def _text(text: str, head: str, tail: str) -> list[str]:
    """`head` + `text` as a string literal + `tail`; split into adjacent literals inside
    parentheses when that does not fit the line."""
    one = f"{head}{_s(text)}{tail}"
    if len(one) <= WIDTH:
        return [one]
    indent = " " * (len(head) + 1)
    chunks = wrap(text, WIDTH - len(indent) - 4)
    if len(chunks) == 1:
        return [f"{head}({_s(chunks[0])}){tail}"]
    return ([f"{head}({_s(chunks[0] + ' ')}"] + [f"{indent}{_s(c + ' ')}" for c in chunks[1:-1]]
            + [f"{indent}{_s(chunks[-1])}){tail}"])


def generate(abi: Abi) -> str:
    first, second = banner(GENERATOR)
    syscalls = sorted(abi.syscalls, key=lambda s: s.number)
    has_arrays = any(f.count and not (f.scalar.size == 1 and not f.scalar.signed)
                     for st in abi.structs for f in struct_layout(abi, st).fields
                     if not f.reserved)
    has_lists = any((parse(abi, f.type) or WireType("")).kind in ("list", "struct")
                    for m in abi.messages for f in m.fields)
    has_lists |= any((records.parse(abi, f.type) or WireType("")).kind == "struct"
                     for r in abi.commits + abi.state_records for f in r.fields)
    abc = ["Iterator"] if abi.commits else []
    abc += ["Iterable"] if abi.state_records else []
    runtime = "envelope, wire" if abi.commits else "wire"
    out = [f"# {first}", f"# {second}",
           '"""Orbital ABI for Python tools: constants, enums, bit layouts, struct, message and',
           "Axiom record codecs, the commit envelope, and the syscall table.", "",
           *wrap(abi.doc, WIDTH), '"""', "", "from __future__ import annotations", ""]
    if abi.state_records:
        out.append("import hashlib")
    if abc:
        out.append(f"from collections.abc import {', '.join(sorted(abc))}")
    out += ["from dataclasses import dataclass" + (", field" if has_arrays or has_lists else ""),
            "from enum import IntEnum" + (", IntFlag" if abi.rights else ""),
            "from typing import Any, ClassVar", "",
            f"from orbital_build.abi import {runtime}", "",
            "AbiDecodeError = wire.AbiDecodeError", "AbiEncodeError = wire.AbiEncodeError", ""]
    for c in abi.constants:
        value = hexnum(c.value, 0) if c.value > 0xFFFF else str(c.value)
        out += _assign(c.name, value, c.doc)
    if abi.constant(records.STR_MAX):
        out += _assign("RECORD_STR", f"wire.Str(2, {records.STR_MAX})",
                       "str field of an Axiom record")
    if abi.constant(records.BYTES_MAX):
        out += _assign("RECORD_BYTES", f"wire.Bytes({records.BYTES_MAX})",
                       "bytes field of an Axiom record")
    count = syscalls[-1].number + 1 if syscalls else 0
    out += _assign("SYS_COUNT", hexnum(count, 2), "highest syscall number + 1")
    out += _assign("ARG_REGS", repr(ARG_REGS).replace("'", '"'), "syscall argument registers")

    out += _enum("Errno", "IntEnum", "Error codes; a syscall returns the negated code in RAX.",
                 [("OK", "0", "success")] +
                 [(e.name, str(e.value), e.doc) for e in sorted(abi.errors, key=lambda e: e.value)])
    out += _enum("ObjectType", "IntEnum", "Kernel object types (u8).",
                 [(o.name, str(o.value), o.doc)
                  for o in sorted(abi.object_types, key=lambda o: o.value)])
    if abi.rights:
        rights = sorted(abi.rights, key=lambda r: r.bit)
        out += _enum("Rights", "IntFlag", "The u8 rights set of a capability.",
                     [(r.name, hexnum(1 << r.bit, 0), r.doc) for r in rights])
        all_bits = sum(1 << r.bit for r in rights)
        out += ["", "", f"RIGHTS_ALL = Rights({hexnum(all_bits, 0)})"]
    out += _enum("Syscall", "IntEnum", "Syscall numbers (RAX).",
                 [(s.name.upper(), hexnum(s.number, 2), s.spec_name or "") for s in syscalls])
    out += _enum("Tag", "IntEnum", "IPC message tags (msginfo.tag).",
                 [(t.name, hexnum(t.value, 4), t.owner)
                  for t in sorted(abi.tags, key=lambda t: t.value)])
    for bf in abi.bitfields:
        out += _bitfield(bf)
    for st in abi.structs:
        out += _struct(abi, st)
    for m in abi.messages:
        out += _message(abi, m)
    out += ["", "", "# Message class of each tag that has a payload codec.",
            "MESSAGES: dict[Tag, Any] = {"]
    out += [f"    Tag.{m.tag}: {py_message_class(m.name)}," for m in abi.messages]
    out.append("}")
    out += _records(abi)
    if abi.commits:
        out += _ENVELOPE.split("\n")[:-1]
    if abi.state_records:
        out += _STATE_HASH.split("\n")[:-1]
    out += ["", "", "@dataclass(frozen=True)", "class SyscallInfo:",
            '    """One syscall: args and outs are (register, name, ctype); result is a ctype,',
            '    "void" (0 on success) or "noreturn"; errors are (code, condition) pairs, every',
            '    error the syscall may return."""', "",
            "    number: int", "    name: str", "    args: tuple[tuple[str, str, str], ...]",
            "    result: str", "    outs: tuple[tuple[str, str, str], ...]", "    rights: str",
            "    doc: str", "    errors: tuple[tuple[Errno, str], ...]", "",
            "    @property", "    def error_codes(self) -> frozenset[Errno]:",
            '        """The error codes the syscall may return."""',
            "        return frozenset(code for code, _ in self.errors)",
            "", "", "SYSCALLS: dict[int, SyscallInfo] = {"]
    for sc in syscalls:
        out += _syscall(sc)
    out.append("}")
    out += ["", "", "# Syscall number -> the error codes it may return (an unknown number: ENOSYS).",
            "SYSCALL_ERRORS: dict[int, frozenset[Errno]] = {",
            "    n: info.error_codes for n, info in SYSCALLS.items()}"]
    return "\n".join(out) + "\n"
