"""How each ABI item is spelled in generated C and Python, in one place.

Generators use these helpers; validation uses `c_macros` and `c_functions` to refuse two
items that would emit the same C name (say a constant named SYS_NOP next to syscall nop).
"""

from __future__ import annotations

from .model import Abi, Message
from .msgtypes import parse
from .records import groups


def c_error(name: str) -> str:
    return f"ORB_{name}"


def c_object_type(name: str) -> str:
    return f"ORB_OBJ_{name}"


def c_right(name: str) -> str:
    return f"ORB_RIGHT_{name}"


def c_constant(name: str) -> str:
    return f"ORB_{name}"


def c_syscall(name: str) -> str:
    return f"ORB_SYS_{name.upper()}"


def c_tag(name: str) -> str:
    return f"ORB_MSG_{name}"


def c_type(name: str) -> str:
    """The C typedef of a struct or bitfield."""
    return f"orb_{name}_t"


def c_field_macro(bitfield: str, field: str, what: str) -> str:
    """ORB_<BF>_<FIELD>_SHIFT / _MASK."""
    return f"ORB_{bitfield.upper()}_{field.upper()}_{what}"


def c_record_kind(group: str, name: str) -> str:
    """ORB_COMMIT_GENESIS: a record's kind byte."""
    return f"ORB_{group.upper()}_{name.upper()}"


def c_record_max(group: str, name: str) -> str:
    """ORB_COMMIT_GENESIS_MAX: a record's largest payload."""
    return f"{c_record_kind(group, name)}_MAX"


def c_payload_max(group: str) -> str:
    """ORB_AXIOM_COMMIT_PAYLOAD_MAX: the largest payload of a record group."""
    return f"ORB_AXIOM_{group.upper()}_PAYLOAD_MAX"


# The envelope bytes besides the payload, in the Axiom record header.
ENVELOPE_OVERHEAD = "ORB_AXIOM_ENVELOPE_OVERHEAD"


def c_record_encoder(group: str, name: str) -> str:
    return f"orb_enc_{group}_{name}"


def c_message(name: str) -> str:
    """orb_msg_register_service: the stem of a message's C codec names."""
    return f"orb_msg_{name.lower()}"


def c_item_size(msg: str, field: str) -> str:
    """ORB_MSG_ECHO_IDS_ITEM_SIZE: bytes of one item of a list field."""
    return f"ORB_MSG_{msg.upper()}_{field.upper()}_ITEM_SIZE"


def list_fields(abi: Abi, msg: Message) -> list[str]:
    """Names of the fields of `msg` that are lists, directly or inside an opt."""
    out = []
    for f in msg.fields:
        t = parse(abi, f.type)
        while t is not None and t.kind == "opt":
            t = t.item
        if t is not None and t.kind == "list":
            out.append(f.name)
    return out


def camel(name: str) -> str:
    """cap_info -> CapInfo; REGISTER_SERVICE -> RegisterService."""
    return "".join(p[:1].upper() + p[1:].lower() for p in name.split("_") if p)


def py_message_class(name: str) -> str:
    return camel(name) + "Msg"


def py_record_class(prefix: str, name: str) -> str:
    """CommitGenesis, StateProcess: `prefix` is the record group's class prefix."""
    return prefix + camel(name)


def c_macros(abi: Abi) -> list[tuple[str, str]]:
    """Every object-like C macro the generated headers define, with the item that owns
    it."""
    out: list[tuple[str, str]] = [("ORB_OK", "the implicit OK code"),
                                  ("ORB_RIGHTS_ALL", "the rights set"),
                                  ("ORB_SYS_COUNT", "the syscall count")]
    out += [(c_error(e.name), f"error {e.name}") for e in abi.errors]
    out += [(c_object_type(o.name), f"object type {o.name}") for o in abi.object_types]
    out += [(c_right(r.name), f"right {r.name}") for r in abi.rights]
    out += [(c_constant(c.name), f"constant {c.name}") for c in abi.constants]
    out += [(c_syscall(s.name), f"syscall {s.name}") for s in abi.syscalls]
    out += [(c_tag(t.name), f"tag {t.name}") for t in abi.tags]
    for bf in abi.bitfields:
        out.append((f"ORB_{bf.name.upper()}_RESERVED_MASK", f"bitfield {bf.name}"))
        for f in bf.fields:
            for what in ("SHIFT", "MASK"):
                out.append((c_field_macro(bf.name, f.name, what), f"bitfield {bf.name}"))
    if abi.commits:  # the Axiom record header
        out.append((ENVELOPE_OVERHEAD, "the commit envelope"))
    for g in groups(abi):
        if g.records:
            out.append((c_payload_max(g.name), f"the {g.name} records"))
        for r in g.records:
            out.append((c_record_kind(g.name, r.name), f"{g.name} record {r.name}"))
            out.append((c_record_max(g.name, r.name), f"{g.name} record {r.name}"))
    for m in abi.messages:  # the message codec header
        out += [(c_item_size(m.name, f), f"message {m.name}") for f in list_fields(abi, m)]
    return out


def c_functions(abi: Abi) -> list[tuple[str, str]]:
    """Every type and function name the generated headers define besides the syscall
    stubs and handlers, with its owner."""
    out = [(c_type(t), "the message codecs") for t in ("str", "bytes", "list")]
    out += [(c_type(b.name), f"bitfield {b.name}") for b in abi.bitfields]
    out += [(c_type(s.name), f"struct {s.name}") for s in abi.structs]
    out += [(c_record_encoder(g.name, r.name), f"{g.name} record {r.name}")
           for g in groups(abi) for r in g.records]
    for m in abi.messages:
        stem, owner = c_message(m.name), f"message {m.name}"
        out += [(f"{stem}_{what}", owner) for what in ("t", "encode", "decode")]
        for f in list_fields(abi, m):
            out += [(f"{stem}_{f}_at", owner), (f"{stem}_{f}_put", owner)]
    return out
