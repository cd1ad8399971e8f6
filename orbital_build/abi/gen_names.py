"""Emits services/lib/include/gen/orbital/abi_names.h: the names of the ABI's numbers.

Static inline lookups for programs that print what they see (the shell): a syscall's
name and argument-register count, an error's name and brief text, an object type's name,
a commit kind's name. Numbers the ABI does not define get NULL (or the fallback each
function documents), so a printer can show the raw value instead.
"""

from __future__ import annotations

from .model import Abi
from .names import c_error, c_object_type, c_syscall
from .render import c_banner, c_comment

GENERATOR = "gen_names"

_INTRO = """\
Names for the ABI's numbers, for programs that print them. Every table is indexed by
the number itself; a number the ABI does not define has a NULL entry.
"""

_PREAMBLE = """\
#pragma once

#include <stddef.h>

#include <orbital/abi.h>

#define ORB_NAMES_COUNT_(table) (sizeof(table) / sizeof((table)[0]))
"""


def c_string(text: str) -> str:
    """`text` as a C string literal (ASCII; quotes, backslashes and controls escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= ord(ch) < 0x7F:
            out.append(ch)
        else:
            out.append("".join(f"\\{b:03o}" for b in ch.encode("utf-8")))
    return '"' + "".join(out) + '"'


def _table(ctype: str, name: str, rows: list[tuple[str, str]]) -> str:
    lines = [f"static const {ctype} {name}[] = {{\n"]
    lines += [f"    [{index}] = {value},\n" for index, value in rows]
    lines.append("};\n")
    return "".join(lines)


def _lookup(ret: str, func: str, param: str, body: str, doc: str) -> str:
    sep = "" if ret.endswith("*") else " "
    return f"{c_comment(doc)}static inline {ret}{sep}{func}({param})\n{{\n{body}}}\n"


def _size(table: str) -> str:
    return f"ORB_NAMES_COUNT_({table})"


def generate(abi: Abi) -> str:
    errors = sorted(abi.errors, key=lambda e: e.value)
    syscalls = sorted(abi.syscalls, key=lambda s: s.number)
    parts = [c_banner(GENERATOR), c_comment(_INTRO), _PREAMBLE]

    parts.append(_table("struct { const char *name; unsigned char nargs; }",
                        "orb_syscall_names_",
                        [(c_syscall(s.name), f"{{ {c_string(s.name)}, {len(s.args)} }}")
                         for s in syscalls]))
    parts.append(_lookup(
        "const char *", "orb_syscall_name", "unsigned nr, unsigned *nargs",
        f"    if (nr < {_size('orb_syscall_names_')} && orb_syscall_names_[nr].name) {{\n"
        "        if (nargs)\n"
        "            *nargs = orb_syscall_names_[nr].nargs;\n"
        "        return orb_syscall_names_[nr].name;\n"
        "    }\n"
        "    if (nargs)\n"
        "        *nargs = 4;\n"
        "    return NULL;\n",
        "The name of syscall `nr` and in *nargs (may be NULL) how many argument registers "
        "it uses; NULL and 4 for a number the ABI does not define."))

    parts.append(_table("char *const", "orb_errno_names_",
                        [(c_error(e.name), c_string(e.name)) for e in errors]))
    parts.append(_table("char *const", "orb_errno_texts_",
                        [(c_error(e.name), c_string(e.brief or e.doc)) for e in errors]))
    for func, table, fallback, what in (
            ("orb_errno_name", "orb_errno_names_", '"E?"', "The name of error e"),
            ("orb_errno_text", "orb_errno_texts_", '"unknown error"',
             "A brief text for error e")):
        parts.append(_lookup(
            "const char *", func, "long e",
            "    unsigned long n = e < 0 ? 0ul - (unsigned long)e : (unsigned long)e;\n\n"
            f"    return n < {_size(table)} && {table}[n] ? {table}[n] : {fallback};\n",
            f"{what} (either sign: 5 and -5 are both EAGAIN); {fallback} for an "
            "undefined code."))

    parts.append(_table("char *const", "orb_object_type_names_",
                        [(c_object_type(o.name), c_string(o.name.lower()))
                         for o in sorted(abi.object_types, key=lambda o: o.value)]))
    parts.append(_lookup(
        "const char *", "orb_object_type_name", "unsigned t",
        f"    return t < {_size('orb_object_type_names_')} ? orb_object_type_names_[t] : "
        "NULL;\n",
        "The name of object type t (\"endpoint\"), or NULL."))

    if abi.commits:
        parts.append(_table("char *const", "orb_commit_names_",
                            [(f"0x{r.kind:02X}", c_string(r.name))
                             for r in sorted(abi.commits, key=lambda r: r.kind)]))
        parts.append(_lookup(
            "const char *", "orb_commit_name", "unsigned kind",
            f"    return kind < {_size('orb_commit_names_')} ? orb_commit_names_[kind] : "
            "NULL;\n",
            "The name of commit kind `kind` (\"process_created\"), or NULL for a reserved "
            "or unknown kind."))
    return "\n".join(parts)
