"""Validation: every kind of broken definition is refused with a message naming the item."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from orbital_build.abi.defs import load_abi
from orbital_build.abi.model import (
    Abi,
    Arg,
    Bitfield,
    Constant,
    ErrorCase,
    ErrorCode,
    Field,
    Message,
    MessageField,
    MessageTag,
    ObjectType,
    Out,
    Record,
    Right,
    Struct,
    StructField,
)
from orbital_build.abi.validate import validate
from orbital_build.errors import OrbitalError

Mutation = Callable[[Abi], Abi]


def _syscall(abi: Abi, **changes: Any) -> Abi:
    """Change the first syscall (ping)."""
    return replace(abi, syscalls=(replace(abi.syscalls[0], **changes), *abi.syscalls[1:]))


def _add_syscall(abi: Abi, **changes: Any) -> Abi:
    """Append a copy of ping with `changes`."""
    return replace(abi, syscalls=(*abi.syscalls, replace(abi.syscalls[0], **changes)))


def _bitfield(abi: Abi, **changes: Any) -> Abi:
    return replace(abi, bitfields=(replace(abi.bitfields[0], **changes),))


def _struct(abi: Abi, *fields: StructField, **changes: Any) -> Abi:
    st = abi.structs[0]
    if fields:
        changes["fields"] = fields
    return replace(abi, structs=(replace(st, **changes),))


def _message_field(abi: Abi, name: str, type_: str) -> Abi:
    msg = abi.messages[0]
    return replace(abi, messages=(replace(msg, fields=(MessageField(name, type_),)),))


def _commit(abi: Abi, *fields: MessageField, **changes: Any) -> Abi:
    """Change the mini commit record (note)."""
    if fields:
        changes["fields"] = fields
    return replace(abi, commits=(replace(abi.commits[0], **changes),))


def _constant(abi: Abi, name: str, value: int | None) -> Abi:
    """Set constant `name` to `value`, or drop it (None)."""
    kept = tuple(c for c in abi.constants if c.name != name)
    return replace(abi, constants=kept if value is None else (*kept, Constant(name, value, "x")))


def _struct_named(abi: Abi, name: str) -> Abi:
    return replace(abi, structs=(*abi.structs, replace(abi.structs[0], name=name)))


F = MessageField

CASES: list[tuple[str, Mutation, str]] = [
    # duplicates
    ("duplicate syscall name", lambda a: _add_syscall(a, number=0x02),
     "syscall ping: duplicate name"),
    ("duplicate syscall number", lambda a: _add_syscall(a, name="pong"),
     "syscall pong: duplicate value 1 (also used by ping)"),
    ("duplicate error value",
     lambda a: replace(a, errors=(*a.errors, ErrorCode("EAGAIN", 1, "x"))),
     "error EAGAIN: duplicate value 1 (also used by EPERM)"),
    ("duplicate error name",
     lambda a: replace(a, errors=(*a.errors, ErrorCode("EPERM", 5, "x"))),
     "error EPERM: duplicate name"),
    ("duplicate tag value",
     lambda a: replace(a, tags=(*a.tags, MessageTag("OTHER", 0x0F00, "x", "t"))),
     "tag OTHER: duplicate value 3840 (also used by ECHO)"),
    ("duplicate right bit", lambda a: replace(a, rights=(*a.rights, Right("GRANT", 1, "x"))),
     "right GRANT: duplicate value 1 (also used by WRITE)"),
    ("duplicate struct field", lambda a: _struct(a, StructField("id", "u32"),
                                                 StructField("id", "u32")),
     "struct pair: field id: duplicate name"),
    ("struct named like a bitfield",
     lambda a: replace(a, structs=(*a.structs, replace(a.structs[0], name="flags"))),
     "type flags: duplicate name"),
    ("duplicate message for a tag",
     lambda a: replace(a, messages=(*a.messages, replace(a.messages[0], name="ECHO2"))),
     "message ECHO2: duplicate value 'ECHO' (also used by ECHO)"),
    ("constant colliding with a syscall macro",
     lambda a: replace(a, constants=(*a.constants, Constant("SYS_PING", 1, "x"))),
     "C macro syscall ping: duplicate value 'ORB_SYS_PING' (also used by constant SYS_PING)"),
    ("struct named like a built-in type",
     lambda a: replace(a, structs=(replace(a.structs[0], name="u32"),)),
     "type u32: name of a built-in ctype"),
    # ranges
    ("syscall number above 0xff", lambda a: _syscall(a, number=0x100),
     "syscall ping: number 0x100 outside 0x0..0xff"),
    ("negative syscall number", lambda a: _syscall(a, number=-1),
     "syscall ping: number -0x1 outside 0x0..0xff"),
    ("error code zero", lambda a: replace(a, errors=(ErrorCode("EZERO", 0, "x"),)),
     "error EZERO: value 0x0 outside 0x1..0xfff"),
    ("error code 4096", lambda a: replace(a, errors=(ErrorCode("EBIG", 4096, "x"),)),
     "error EBIG: value 0x1000 outside 0x1..0xfff"),
    ("error brief over two lines",
     lambda a: replace(a, errors=(ErrorCode("EODD", 7, "x", "two\nlines"),)),
     "error EODD: brief text must be one printable line of at most 40 characters"),
    ("error brief too long",
     lambda a: replace(a, errors=(ErrorCode("EODD", 7, "x", "y" * 41),)),
     "error EODD: brief text must be one printable line of at most 40 characters"),
    ("object type 0", lambda a: replace(a, object_types=(ObjectType("NONE", 0, "x"),)),
     "object type NONE: value 0x0 outside 0x1..0xff"),
    ("object type 256", lambda a: replace(a, object_types=(ObjectType("BIG", 256, "x"),)),
     "object type BIG: value 0x100 outside 0x1..0xff"),
    ("right bit 8", lambda a: replace(a, rights=(Right("HIGH", 8, "x"),)),
     "right HIGH: bit 0x8 outside 0x0..0x7"),
    ("tag above 32 bits", lambda a: replace(a, tags=(*a.tags, MessageTag("HUGE", 1 << 32, "x",
                                                                         "t"))),
     "tag HUGE: value 0x100000000 outside 0x0..0xffffffff"),
    ("negative constant", lambda a: replace(a, constants=(*a.constants, Constant("NEG", -1, "x"))),
     "constant NEG: value -0x1 outside"),
    # syscall shape
    ("too many args", lambda a: _syscall(a, args=tuple(Arg(f"a{i}", "u64") for i in range(7))),
     "syscall ping: 7 arguments; at most 6 fit in registers"),
    ("unknown arg ctype", lambda a: _syscall(a, args=(Arg("x", "u33"),)),
     "syscall ping: argument x: unknown ctype u33"),
    ("struct passed in a register", lambda a: _syscall(a, args=(Arg("p", "pair"),)),
     "syscall ping: argument p: struct pair cannot travel in a register"),
    ("unknown result ctype", lambda a: _syscall(a, result="float"),
     "syscall ping: result: unknown ctype float"),
    ("unknown out ctype", lambda a: _syscall(a, outs=(Out("rdx", "v", "u128"),)),
     "syscall ping: output v: unknown ctype u128"),
    ("out register used twice",
     lambda a: _syscall(a, outs=(Out("rdx", "a", "u64"), Out("rdx", "b", "u64"))),
     "syscall ping: output b: register rdx already used by output a"),
    ("out register not allowed", lambda a: _syscall(a, outs=(Out("rax", "a", "u64"),)),
     "syscall ping: output a: register 'rax' is not one of rdi, rsi, rdx, r10, r8, r9"),
    ("duplicate argument name",
     lambda a: _syscall(a, args=(Arg("x", "u64"), Arg("x", "u32"))),
     "syscall ping: argument x: duplicate name"),
    ("const on a non-pointer", lambda a: _syscall(a, args=(Arg("x", "u64", const=True),)),
     "syscall ping: argument x: only a ptr can be const"),
    ("noreturn with outs",
     lambda a: _syscall(a, result="noreturn", outs=(Out("rdx", "v", "u64"),)),
     "syscall ping: a noreturn syscall cannot have output registers"),
    ("missing doc", lambda a: _syscall(a, doc=" "), "syscall ping: needs a doc line"),
    # syscall errors
    ("errors not declared", lambda a: _syscall(a, errors=None),
     ("syscall ping: declares no errors; list each error it may return with its condition, "
      "or errors=() if it cannot fail")),
    ("unknown error code", lambda a: _syscall(a, errors=(ErrorCase("ENOPE", "never"),)),
     "syscall ping: error ENOPE: unknown error code"),
    ("error without a condition", lambda a: _syscall(a, errors=(ErrorCase("EINVAL", " "),)),
     "syscall ping: error EINVAL: the condition must be one printable line, got ' '"),
    ("error condition over two lines",
     lambda a: _syscall(a, errors=(ErrorCase("EINVAL", "bad\nlen"),)),
     "syscall ping: error EINVAL: the condition must be one printable line, got 'bad\\nlen'"),
    ("error condition listed twice",
     lambda a: _syscall(a, errors=(ErrorCase("EINVAL", "bad"), ErrorCase("EINVAL", "bad"))),
     "syscall ping: error EINVAL: condition 'bad' listed twice"),
    ("handle without EBADF",
     lambda a: _syscall(a, args=(Arg("h", "cptr"),), errors=(ErrorCase("EPERM", "h lacks R"),)),
     ("syscall ping: takes the handle h but does not declare EBADF (a handle with bits 32-63 "
      "set is refused with it before the handler runs)")),
    ("noreturn with errors",
     lambda a: _syscall(a, result="noreturn", errors=(ErrorCase("EINVAL", "bad"),)),
     "syscall ping: a noreturn syscall cannot return an error"),
    ("syscalls without ENOSYS",
     lambda a: replace(a, errors=tuple(e for e in a.errors if e.name != "ENOSYS")),
     "syscalls need the error code ENOSYS (what an unknown number returns)"),
    # bitfields
    ("overlapping bitfield", lambda a: _bitfield(a, fields=(Field("a", 0, 8), Field("b", 4, 8))),
     "bitfield flags: field b overlaps field a at bit 4"),
    ("bitfield field past the word", lambda a: _bitfield(a, fields=(Field("a", 30, 4),)),
     "bitfield flags: field a: bits 30..33 exceed the 32-bit word"),
    ("zero-width bitfield field", lambda a: _bitfield(a, fields=(Field("a", 0, 0),)),
     "bitfield flags: field a: zero or negative width 0"),
    ("bitfield width 16", lambda a: _bitfield(a, width=16),
     "bitfield flags: width 16 must be 32 or 64"),
    ("built-in handle with the wrong width",
     lambda a: replace(a, bitfields=(*a.bitfields, Bitfield("cptr", 64, (Field("a", 0, 1),)))),
     "bitfield cptr: built-in type cptr is 32 bits wide"),
    # structs
    ("unknown struct field ctype", lambda a: _struct(a, StructField("x", "u24")),
     "struct pair: field x: unknown ctype u24"),
    ("bad array", lambda a: _struct(a, StructField("x", "u8[0]")),
     "struct pair: field x: bad array type 'u8[0]'"),
    ("nested struct",
     lambda a: replace(a, structs=(*a.structs, Struct("outer", (StructField("p", "pair"),),
                                                         "x"))),
     "struct outer: field p: type pair is a struct; nested structs are not supported"),
    ("implicit padding", lambda a: _struct(a, StructField("a", "u8"), StructField("b", "u32")),
     "struct pair: 3 bytes of implicit padding before field b (offset 1); declare a _pad field"),
    ("implicit tail padding", lambda a: _struct(a, StructField("a", "u64"),
                                                StructField("b", "u8"), size=None),
     "struct pair: 7 bytes of implicit padding at the end (offset 9)"),
    ("size promise broken", lambda a: _struct(a, size=48),
     "struct pair: size is 40 bytes, the definition promises 48"),
    # messages
    ("unknown message field type", lambda a: _message_field(a, "x", "u128"),
     "message ECHO: field x: unknown type 'u128'"),
    ("unknown list item type", lambda a: _message_field(a, "x", "list[float]"),
     "message ECHO: field x: unknown type 'list[float]'"),
    ("message for an unknown tag",
     lambda a: replace(a, messages=(replace(a.messages[0], tag="NOPE"),)),
     "message ECHO: unknown tag NOPE"),
    ("messages without MAX_MSG_SIZE",
     lambda a: replace(a, constants=(Constant("OTHER", 1, "x"),)),
     "message ECHO: messages need the constant MAX_MSG_SIZE"),
    # names
    ("upper-case syscall name", lambda a: _syscall(a, name="Ping"),
     "syscall 'Ping': name must match [a-z][a-z0-9_]*"),
    ("lower-case constant", lambda a: replace(a, constants=(Constant("max", 1, "x"),)),
     "constant 'max': name must match [A-Z][A-Z0-9_]*"),
    ("lower-case tag", lambda a: replace(a, tags=(MessageTag("echo", 1, "x", "t"),)),
     "tag 'echo': name must match [A-Z][A-Z0-9_]*"),
    ("struct field with capitals", lambda a: _struct(a, StructField("Id", "u32")),
     "struct pair: field 'Id': name must match _?[a-z][a-z0-9_]*"),
    ("keyword as a field name", lambda a: _message_field(a, "class", "u8"),
     "message ECHO: field 'class': name is a C or Python keyword"),
    ("C keyword as an argument", lambda a: _syscall(a, args=(Arg("int", "u32"),)),
     "syscall ping: argument 'int': name is a C or Python keyword"),
    ("message name lower-case",
     lambda a: replace(a, messages=(replace(a.messages[0], name="echo"),)),
     "message 'echo': name must match [A-Z][A-Z0-9_]*"),
    ("struct named like a wire type", lambda a: _struct_named(a, "str"),
     "type str: name of a wire type"),
    # messages and their C codecs
    ("list of variable-size items", lambda a: _message_field(a, "x", "list[str]"),
     "message ECHO: field x: list[str]: list items must have a fixed size"),
    ("opt inside an opt", lambda a: _message_field(a, "x", "opt[opt[u8]]"),
     "message ECHO: field x: opt[opt[u8]]: an opt cannot hold an opt"),
    ("opt flag member taken",
     lambda a: replace(a, messages=(replace(a.messages[0], fields=(
         F("x", "opt[u8]"), F("has_x", "u8"))),)),
     "message ECHO: C member has_x: duplicate value 'has_x' (also used by x)"),
    ("messages without EOVERFLOW",
     lambda a: replace(a, errors=tuple(e for e in a.errors if e.name != "EOVERFLOW")),
     "message ECHO: messages need the error code EOVERFLOW"),
    ("constant colliding with a list item size",
     lambda a: _constant(a, "MSG_ECHO_IDS_ITEM_SIZE", 1),
     ("C macro message ECHO: duplicate value 'ORB_MSG_ECHO_IDS_ITEM_SIZE' (also used by "
      "constant MSG_ECHO_IDS_ITEM_SIZE)")),
    ("struct type colliding with a message type", lambda a: _struct_named(a, "msg_echo"),
     "C name message ECHO: duplicate value 'orb_msg_echo_t' (also used by struct msg_echo)"),
    # Axiom records
    ("duplicate commit kind",
     lambda a: replace(a, commits=(*a.commits, replace(a.commits[0], name="other"))),
     "commit record other: duplicate value 3 (also used by note)"),
    ("duplicate commit name",
     lambda a: replace(a, commits=(*a.commits, replace(a.commits[0], kind=4))),
     "commit record note: duplicate name"),
    ("state kind above 0xff",
     lambda a: replace(a, state_records=(replace(a.state_records[0], kind=256),)),
     "state record thing: kind 0x100 outside 0x0..0xff"),
    ("negative commit kind", lambda a: _commit(a, kind=-1),
     "commit record note: kind -0x1 outside 0x0..0xff"),
    ("record field of a message-only type", lambda a: _commit(a, F("x", "list[u8]")),
     ("commit record note: field x: unknown type 'list[u8]' (records take u8..u64, i32, "
      "i64, str, bytes, u8[N] or a struct)")),
    ("record array of u16", lambda a: _commit(a, F("x", "u16[4]")),
     "commit record note: field x: unknown type 'u16[4]'"),
    ("record array of nothing", lambda a: _commit(a, F("x", "u8[0]")),
     "commit record note: field x: unknown type 'u8[0]'"),
    ("record bool", lambda a: _commit(a, F("x", "bool")),
     "commit record note: field x: unknown type 'bool'"),
    ("record field named buf", lambda a: _commit(a, F("buf", "u8")),
     ("commit record note: C parameter field buf: duplicate value 'buf' (also used by the "
      "buffer)")),
    ("record str and its length", lambda a: _commit(a, F("text", "str"), F("text_len", "u16")),
     ("commit record note: C parameter field text_len: duplicate value 'text_len' (also used "
      "by field text)")),
    ("record name with capitals", lambda a: _commit(a, name="Note"),
     "commit record 'Note': name must match [a-z][a-z0-9_]*"),
    ("record field keyword", lambda a: _commit(a, F("for", "u8")),
     "commit record note: field 'for': name is a C or Python keyword"),
    ("str field without its bound", lambda a: _constant(a, "AXIOM_STR_MAX", None),
     "commit record note: needs the constant AXIOM_STR_MAX"),
    ("bytes field without its bound", lambda a: _constant(a, "AXIOM_BYTES_MAX", None),
     "commit record note: needs the constant AXIOM_BYTES_MAX"),
    ("str bound above u16", lambda a: _constant(a, "AXIOM_STR_MAX", 0x10000),
     "constant AXIOM_STR_MAX: value 0x10000 outside 0x1..0xffff"),
    ("commits without a stream magic", lambda a: _constant(a, "AXIOM_STREAM_MAGIC", None),
     "commit records: needs the constant AXIOM_STREAM_MAGIC"),
    ("commit bound not what the records need", lambda a: _constant(a, "AXIOM_COMMIT_MAX", 100),
     ("constant AXIOM_COMMIT_MAX: is 100, the commit records need 168 (envelope 92 + largest "
      "payload)")),
    ("commit payload over u16",
     lambda a: _commit(_constant(a, "AXIOM_STR_MAX", 0xFFFF), F("a", "str"), F("b", "str")),
     "commit record note: payload of up to 131074 bytes does not fit the u16 payload_len"),
    ("constant colliding with a commit kind", lambda a: _constant(a, "COMMIT_NOTE", 1),
     ("C macro commit record note: duplicate value 'ORB_COMMIT_NOTE' (also used by constant "
      "COMMIT_NOTE)")),
    ("struct class colliding with a record class", lambda a: _struct_named(a, "state_thing"),
     ("Python class state record thing: duplicate value 'StateThing' (also used by struct "
      "state_thing)")),
    ("struct class colliding with the envelope", lambda a: _struct_named(a, "commit_envelope"),
     ("Python class struct commit_envelope: duplicate value 'CommitEnvelope' (also used by "
      "the module's CommitEnvelope)")),
]


def test_mini_fixture_is_valid(mini: Abi) -> None:
    assert validate(mini) is mini


def test_an_infallible_syscall_declares_an_empty_list(mini: Abi) -> None:
    validate(_syscall(mini, errors=()))


def test_every_real_syscall_declares_its_errors() -> None:
    """The list the emulator tests and the fuzzer hold the kernel to: every syscall has
    one, and only calls that truly cannot fail have an empty one."""
    abi = load_abi()
    listed = {sc.name: sc.error_codes for sc in abi.syscalls}
    print("\n".join(f"{n}: {', '.join(c) or '(cannot fail)'}" for n, c in listed.items()))
    infallible = {n for n, codes in listed.items() if not codes}
    assert infallible == {"nop", "clock_get", "process_self", "exit", "yield", "sleep",
                          "thread_exit"}
    for sc in abi.syscalls:
        if any(a.ctype == "cptr" and not a.reserved for a in sc.args):
            assert {"EBADF", "ESTALE"} <= set(sc.error_codes), sc.name


def test_real_definitions_are_valid() -> None:
    assert load_abi().syscalls


@pytest.mark.parametrize(("mutate", "expected"), [(m, e) for _, m, e in CASES],
                         ids=[name for name, _, _ in CASES])
def test_invalid_definition_is_refused(mini: Abi, mutate: Mutation, expected: str) -> None:
    broken = mutate(mini)
    with pytest.raises(OrbitalError) as info:
        validate(broken)
    message = str(info.value)
    assert expected in message
    assert message.startswith("ABI: ")
    assert "\n" not in message


def test_message_field_keyword_is_fine_in_prefixed_names(mini: Abi) -> None:
    """Syscall names never appear bare: `yield` is a valid syscall name."""
    validate(_syscall(mini, name="yield"))


def test_message_of_struct_type_is_accepted(mini: Abi) -> None:
    validate(replace(mini, messages=(Message("ECHO", "ECHO", (MessageField("p", "opt[pair]"),),
                                             "x"),)))


def test_records_are_optional(mini: Abi) -> None:
    """An ABI without records needs none of the Axiom constants."""
    bare = replace(mini, commits=(), state_records=(),
                   constants=tuple(c for c in mini.constants
                                   if not c.name.startswith("AXIOM_")))
    assert validate(bare) is bare


def test_record_of_every_field_type_is_accepted(mini: Abi) -> None:
    fields = (F("a", "u8"), F("b", "u16"), F("c", "u32"), F("d", "u64"), F("e", "i32"),
              F("f", "i64"), F("g", "str"), F("h", "bytes"), F("i", "u8[3]"), F("j", "pair"))
    validate(replace(mini, state_records=(Record("all", 0, fields, "x"),)))
