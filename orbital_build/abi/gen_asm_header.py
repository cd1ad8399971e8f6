"""Emits kernel_image/include/gen/uapi/orbital/abi_asm.h: the ABI's numbers for assembly.

The same names as orbital/abi.h (constants, error codes, object types, rights, bit layouts,
syscall numbers, message tags), as plain integers GNU as reads: no C suffixes, casts or
types. Structures contribute their size and member offsets (ORB_SIZEOF_<STRUCT>,
ORB_OFFSETOF_<STRUCT>_<MEMBER>); bit layouts also their field widths. A C file that
includes it by mistake stops with #error, so the two spellings never meet.
"""

from __future__ import annotations

from .layout import struct_layout
from .model import Abi
from .names import (
    c_constant,
    c_error,
    c_field_macro,
    c_object_type,
    c_right,
    c_syscall,
    c_tag,
)
from .render import c_banner, c_comment, c_defines, section

GENERATOR = "gen_asm_header"


def _hex(value: int) -> str:
    return f"0x{value:X}" if value > 0xFFFF else str(value)


def generate(abi: Abi) -> str:
    parts = [c_banner(GENERATOR),
             c_comment("The Orbital ABI's numbers for assembly (.S files): the names of "
                       "orbital/abi.h as plain integers, plus the size and member offsets "
                       "of every ABI structure."),
             ("#pragma once\n\n#ifndef __ASSEMBLER__\n"
             "#error \"orbital/abi_asm.h is for assembly; C includes orbital/abi.h\"\n"
             "#endif\n\n")]

    parts.append(section("Constants"))
    parts.append(c_defines([(c_constant(c.name), _hex(c.value), "") for c in abi.constants]))

    parts.append("\n" + section("Error codes"))
    parts.append(c_defines([(c_error(e.name), str(e.value), "")
                            for e in sorted(abi.errors, key=lambda e: e.value)]))

    parts.append("\n" + section("Object types and rights"))
    rows = [(c_object_type(o.name), str(o.value), "")
            for o in sorted(abi.object_types, key=lambda o: o.value)]
    rows += [(c_right(r.name), _hex(1 << r.bit), "")
             for r in sorted(abi.rights, key=lambda r: r.bit)]
    parts.append(c_defines(rows))

    parts.append("\n" + section("Bit layouts"))
    rows = []
    for bf in abi.bitfields:
        for f in bf.fields:
            rows.append((c_field_macro(bf.name, f.name, "SHIFT"), str(f.lsb), ""))
            rows.append((c_field_macro(bf.name, f.name, "WIDTH"), str(f.width), ""))
            rows.append((c_field_macro(bf.name, f.name, "MASK"), f"0x{f.mask:X}", ""))
        rows.append((f"ORB_{bf.name.upper()}_RESERVED_MASK", f"0x{bf.reserved_mask:X}", ""))
    parts.append(c_defines(rows))

    parts.append("\n" + section("Structures: size and member offsets"))
    rows = []
    for st in abi.structs:
        lay = struct_layout(abi, st)
        up = st.name.upper()
        rows.append((f"ORB_SIZEOF_{up}", str(lay.size), ""))
        rows += [(f"ORB_OFFSETOF_{up}_{f.name.upper()}", str(f.offset), "")
                 for f in lay.fields if not f.reserved]
    parts.append(c_defines(rows))

    parts.append("\n" + section("Syscall numbers"))
    parts.append(c_defines([(c_syscall(sc.name), f"0x{sc.number:02X}", "")
                            for sc in sorted(abi.syscalls, key=lambda s: s.number)]))

    parts.append("\n" + section("IPC message tags"))
    parts.append(c_defines([(c_tag(t.name), f"0x{t.value:04X}", "")
                            for t in sorted(abi.tags, key=lambda t: t.value)]))
    return "".join(parts)
