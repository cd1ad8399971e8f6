"""Emits docs/gen/abi.md: the ABI reference page (syscalls, errors, types, layouts, tags,
Axiom records and the commit envelope)."""

from __future__ import annotations

from . import records
from .layout import struct_layout
from .model import ARG_REGS, Abi
from .msgtypes import payload_bounds
from .names import c_record_encoder, c_record_kind, c_tag, py_record_class
from .render import banner, hexnum

GENERATOR = "gen_docs"

_CODECS = ("A payload with a codec has a Python class (`<Name>Msg` in "
           "`orbital_build.generated.abi`) and a C codec for services, `orb_msg_<name>_t` "
           "with `orb_msg_<name>_encode()` / `_decode()` in "
           "`services/lib/include/gen/orbital/messages.h`.")
_RECORDS = ("Records are the canonical encoding of their fields, with no header. The kernel "
            "writes them with `orb_enc_<group>_<record>()` from "
            "`kernel_image/include/gen/axiom_records.h`; Python reads them with the classes "
            "of `orbital_build.generated.abi`.")

_ERRORS = ("Each syscall returns only the errors listed for it, under the conditions given; "
           "`tests/emu/test_syscall_errors.py` and the syscall fuzzer hold the kernel to "
           "this list. Where a call has several problems, the order of the checks decides "
           "which error it reports.")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def generate(abi: Abi) -> str:
    first, second = banner(GENERATOR)
    out = [f"<!-- {first}", f"     {second} -->", "", "# Orbital ABI reference", "",
           *abi.doc.rstrip().split("\n"), ""]

    out += ["## Syscalls", "",
            (f"Arguments go in {', '.join(r.upper() for r in ARG_REGS)}, in order. A result "
             "of `void` is 0 on success. A call returns −error only for the errors it "
             "lists (conditions under [Errors by syscall](#errors-by-syscall)); an unknown "
             "number returns −ORB_ENOSYS."), ""]
    rows = []
    for sc in sorted(abi.syscalls, key=lambda s: s.number):
        args = ", ".join(f"{a.ctype} {a.name}" for a in sc.args) or "—"
        result = sc.result + "".join(f"; {o.reg.upper()} = {o.ctype} {o.name}" for o in sc.outs)
        doc = sc.doc + (f" ({sc.spec_name})" if sc.spec_name else "")
        errors = ", ".join(sc.error_codes) or "none"
        rows.append([hexnum(sc.number, 2), f"`{sc.name}`", args, result, sc.rights or "—",
                     errors, doc])
    out += _table(["No.", "Name", "Arguments", "Result", "Rights", "Errors", "Description"],
                  rows)

    out += ["", "## Errors by syscall", "", _ERRORS, ""]
    rows = []
    for sc in sorted(abi.syscalls, key=lambda s: s.number):
        cases = sc.errors or ()
        if not cases:
            rows.append([f"`{sc.name}`", "—", "cannot fail"])
        for i, e in enumerate(cases):
            rows.append([f"`{sc.name}`" if i == 0 else "", f"`ORB_{e.code}`", e.when])
    out += _table(["Syscall", "Error", "When"], rows)

    out += ["", "## Error codes", "", "Syscalls return the negated code in RAX.", ""]
    out += _table(["Value", "Name", "Meaning"],
                  [[str(e.value), f"`ORB_{e.name}`", e.doc]
                   for e in sorted(abi.errors, key=lambda e: e.value)])

    out += ["", "## Object types", ""]
    out += _table(["Value", "Name", "Meaning"],
                  [[str(o.value), f"`ORB_OBJ_{o.name}`", o.doc]
                   for o in sorted(abi.object_types, key=lambda o: o.value)])

    out += ["", "## Rights", ""]
    out += _table(["Bit", "Mask", "Name", "Meaning"],
                  [[str(r.bit), hexnum(1 << r.bit, 2), f"`ORB_RIGHT_{r.name}`", r.doc]
                   for r in sorted(abi.rights, key=lambda r: r.bit)])

    out += ["", "## Constants", ""]
    out += _table(["Name", "Value", "Meaning"],
                  [[f"`ORB_{c.name}`", hexnum(c.value, 0) if c.value > 0xFFFF else str(c.value),
                    c.doc + "".join(f" ({a}: {v:#x})" for a, v in c.by_arch)]
                   for c in abi.constants])

    out += ["", "## Bit layouts"]
    for bf in abi.bitfields:
        out += ["", f"### `{bf.name}` ({bf.width} bits)", "", bf.doc, ""]
        rows = [[f"{f.lsb}..{f.lsb + f.width - 1}", f"`{f.name}`", f.doc] for f in bf.fields]
        if bf.reserved_mask:
            rows.append([hexnum(bf.reserved_mask, 0), "reserved", "must be 0"])
        out += _table(["Bits", "Field", "Meaning"], rows)

    out += ["", "## Structures"]
    for st in abi.structs:
        lay = struct_layout(abi, st)
        out += ["", f"### `orb_{st.name}_t` ({lay.size} bytes)", "", st.doc, ""]
        out += _table(["Offset", "Type", "Field", "Meaning"],
                      [[str(f.offset), f.scalar.name + (f"[{f.count}]" if f.count else ""),
                        f"`{f.name}`", f.doc or ("reserved, 0" if f.reserved else "")]
                       for f in lay.fields])

    out += ["", "## Message tags", "", _CODECS, ""]
    limit = abi.constant("MAX_MSG_SIZE")
    rows = []
    for t in sorted(abi.tags, key=lambda t: t.value):
        msg = abi.message_for(t.name)
        payload = "—"
        if msg is not None and limit is not None:
            lo, hi = payload_bounds(abi, msg, limit.value)
            fields = ", ".join(f"{f.name} {f.type}" for f in msg.fields)
            payload = f"{fields} ({lo} bytes)" if lo == hi else f"{fields} ({lo}–{hi} bytes)"
        rows.append([hexnum(t.value, 4), f"`{c_tag(t.name)}`", t.owner, t.doc, payload])
    out += _table(["Value", "Name", "Owner", "Meaning", "Payload"], rows)
    out += _axiom(abi)
    return "\n".join(out) + "\n"


def _axiom(abi: Abi) -> list[str]:
    if not abi.commits and not abi.state_records:
        return []
    out = ["", "## Axiom records", "", _RECORDS]
    if abi.axiom_doc:
        out += ["", *abi.axiom_doc.rstrip().split("\n")]
    for g in records.groups(abi):
        if not g.records:
            continue
        out += ["", f"### {g.name.capitalize()} records", "", g.doc, ""]
        rows = []
        for r in g.records:
            lo, hi = records.bounds(abi, r)
            kind = hexnum(r.kind, 2) + (f" `{chr(r.kind)}`" if g.name == "state" else "")
            fields = ", ".join(f"{f.name} {f.type}" for f in r.fields) or "—"
            size = f"{lo}" if lo == hi else f"{lo}–{hi}"
            names = (f"`{c_record_kind(g.name, r.name)}`, `{c_record_encoder(g.name, r.name)}`, "
                     f"`{py_record_class(g.prefix, r.name)}`")
            rows.append([kind, names, fields, size, r.doc])
        out += _table(["Kind", "Names", "Fields", "Bytes", "Meaning"], rows)
    return out
