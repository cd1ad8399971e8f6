"""Emits kernel_image/include/gen/uapi/orbital/abi.h: the public ABI both sides include.

Freestanding C11: only <stddef.h> and <stdint.h>. Bit layouts become static inline
accessors with explicit masks; structs carry _Static_asserts for size, alignment and every
member offset, so a compiler that disagrees with the Python layout fails the build.
"""

from __future__ import annotations

import textwrap

from .layout import struct_layout
from .model import Abi, Bitfield, Struct
from .msgtypes import payload_bounds
from .names import (
    c_constant,
    c_error,
    c_field_macro,
    c_object_type,
    c_right,
    c_syscall,
    c_tag,
    c_type,
)
from .render import WIDTH, c_banner, c_call, c_comment, c_defines, c_uint, section
from .scalars import HANDLE_WIDTHS

GENERATOR = "gen_uapi_header"


def _field_type(width: int) -> str:
    """C type of a bitfield member's value."""
    return "uint32_t" if width <= 32 else "uint64_t"


def _bitfield(bf: Bitfield) -> str:
    word = c_type(bf.name)
    wtype = f"uint{bf.width}_t"
    suffix = "u" if bf.width == 32 else "ull"
    up = bf.name.upper()
    out = [c_comment(bf.doc or bf.name), f"typedef {wtype} {word};\n"]
    rows = []
    for f in bf.fields:
        rows.append((c_field_macro(bf.name, f.name, "SHIFT"), str(f.lsb), f.doc))
        rows.append((c_field_macro(bf.name, f.name, "MASK"), f"0x{f.mask:X}{suffix}",
                     f"bits {f.lsb}..{f.lsb + f.width - 1}"))
    rows.append((f"ORB_{up}_RESERVED_MASK", f"0x{bf.reserved_mask:X}{suffix}",
                 "bits that must be 0"))
    out.append(c_defines(rows))
    for f in bf.fields:
        vt = _field_type(f.width)
        shift = c_field_macro(bf.name, f.name, "SHIFT")
        mask = c_field_macro(bf.name, f.name, "MASK")
        out.append(
            f"\nstatic inline {vt} orb_{bf.name}_get_{f.name}({word} w)\n{{\n"
            f"    return ({vt})((w >> {shift}) & {mask});\n}}\n"
            f"\nstatic inline {word} orb_{bf.name}_set_{f.name}({word} w, {vt} v)\n{{\n"
            f"    const {word} m = ({word}){mask} << {shift};\n\n"
            f"    return ({word})((w & ~m) | ((({word})v << {shift}) & m));\n}}\n")
    params = [f"{_field_type(f.width)} {f.name}" for f in bf.fields]
    expr = "0"
    for f in bf.fields:
        expr = f"orb_{bf.name}_set_{f.name}({expr}, {f.name})"
    out.append("\n" + c_call(f"static inline {word} orb_{bf.name}_new", params, "") +
               f"\n{{\n    return {expr};\n}}\n")
    return "".join(out)


def _struct(abi: Abi, st: Struct) -> str:
    lay = struct_layout(abi, st)
    t = c_type(st.name)
    decls = []
    for f in lay.fields:
        arr = f"[{f.count}]" if f.count else ""
        decls.append((f"{f.scalar.c} {f.name}{arr};", f.doc, f.offset))
    w = max(len(d) for d, _, _ in decls)
    out = [c_comment(f"{st.name}: {st.doc}"), f"typedef struct orb_{st.name} {{\n"]
    for d, doc, offset in decls:
        note = f"/* {offset:4}: {doc} */" if doc else f"/* {offset:4} */"
        out.append(f"    {d:<{w}} {note}\n")
    out.append(f"}} {t};\n")
    out.append(f'_Static_assert(sizeof({t}) == {lay.size}, "ABI layout");\n')
    out.append(f'_Static_assert(_Alignof({t}) == {lay.align}, "ABI layout");\n')
    for f in lay.fields:
        out.append(f'_Static_assert(offsetof({t}, {f.name}) == {f.offset}, "ABI layout");\n')
    return "".join(out)


def _tags(abi: Abi) -> str:
    limit = abi.constant("MAX_MSG_SIZE")
    rows = []
    for t in sorted(abi.tags, key=lambda t: t.value):
        rows.append((c_tag(t.name), c_uint(t.value, 4), f"{t.owner}: {t.doc}"))
    text = c_defines(rows)
    notes = []
    for m in abi.messages:
        assert limit is not None
        lo, hi = payload_bounds(abi, m, limit.value)
        size = f"{lo} bytes" if lo == hi else f"{lo}..{hi} bytes"
        fields = ", ".join(f"{f.type} {f.name}" for f in m.fields)
        notes += textwrap.wrap(f"{c_tag(m.tag)}: {size}: {fields}", WIDTH - 3,
                               initial_indent=" * ", subsequent_indent=" *     ",
                               break_on_hyphens=False)
    if notes:
        text += ("\n/*\n * Payloads with a codec (canonical encoding, little-endian), "
                 "size bounds:\n" + "\n".join(notes) + "\n */\n")
    return text


def generate(abi: Abi) -> str:
    parts = [c_banner(GENERATOR),
             c_comment("Orbital public ABI, shared by the kernel and user space.\n\n" + abi.doc),
             "#pragma once\n\n#include <stddef.h>\n#include <stdint.h>\n\n"]

    parts.append(section("Constants"))
    parts.append(c_defines([(c_constant(c.name), c_uint(c.value), c.doc)
                            for c in abi.constants]))
    for arch in sorted({a for c in abi.constants for a, _ in c.by_arch}):
        rows = [(c_constant(c.name), c_uint(v)) for c in abi.constants
                for a, v in c.by_arch if a == arch]
        parts.append(f"#if defined(__{arch}__) /* its own address map */\n" +
                     "".join(f"#undef {n}\n#define {n} {v}\n" for n, v in rows) + "#endif\n")

    parts.append("\n" + section("Error codes: syscalls return -ORB_E*"))
    rows = [("ORB_OK", "0", "success")]
    rows += [(c_error(e.name), str(e.value), e.doc)
             for e in sorted(abi.errors, key=lambda e: e.value)]
    parts.append(c_defines(rows))

    parts.append("\n" + section("Kernel object types (u8)"))
    parts.append(c_defines([(c_object_type(o.name), c_uint(o.value), o.doc)
                            for o in sorted(abi.object_types, key=lambda o: o.value)]))

    parts.append("\n" + section("Rights (u8 flag set)"))
    rights = sorted(abi.rights, key=lambda r: r.bit)
    all_bits = 0
    rows = []
    for r in rights:
        rows.append((c_right(r.name), c_uint(1 << r.bit, 1), r.doc))
        all_bits |= 1 << r.bit
    rows.append(("ORB_RIGHTS_ALL", c_uint(all_bits, 1), "every right"))
    parts.append(c_defines(rows))

    parts.append("\n" + section("Handle types and bit layouts"))
    for name, width in sorted(HANDLE_WIDTHS.items()):
        if abi.bitfield(name) is None:
            parts.append(f"typedef uint{width}_t {c_type(name)};\n")
    for bf in abi.bitfields:
        parts.append("\n" + _bitfield(bf))

    parts.append("\n" + section("Structures"))
    for st in abi.structs:
        parts.append("\n" + _struct(abi, st))

    parts.append("\n" + section("Syscall numbers"))
    rows = []
    syscalls = sorted(abi.syscalls, key=lambda s: s.number)
    for sc in syscalls:
        rows.append((c_syscall(sc.name), c_uint(sc.number, 2), sc.spec_name or ""))
    count = (syscalls[-1].number + 1) if syscalls else 0
    rows.append(("ORB_SYS_COUNT", c_uint(count, 2), "highest number + 1"))
    parts.append(c_defines(rows))

    parts.append("\n" + section("IPC message tags (msginfo.tag)"))
    parts.append(_tags(abi))
    return "".join(parts)
