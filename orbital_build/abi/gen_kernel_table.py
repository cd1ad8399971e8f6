"""Emits kernel_image/include/gen/syscall_table.h: handler prototypes and the dispatch list.

Kernel only. For each syscall: the prototype of its handler `sys_<name>` (user pointers
arrive as uint64_t addresses, never as C pointers), a line in the X-macro ORB_SYSCALLS, and
`syscall_invoke_<name>`, which converts the six raw argument registers to the declared
types so that a dispatch table needs no per-syscall code.
"""

from __future__ import annotations

from .model import Abi, Syscall
from .render import c_banner, c_call, c_comment, c_syscall_comment, hexnum
from .scalars import kernel_param, scalar

GENERATOR = "gen_kernel_table"

_INTRO = """\
Kernel syscall table: the prototype of every handler and the list the dispatcher is built
from. Kernel only; user programs use <orbital/syscalls.h>.

A handler returns a value >= 0 or -ORB_E*. A handler whose syscall has output registers
takes the trap frame as its last parameter and stores them there. syscall_invoke_<name>()
converts the six argument registers to the declared types and calls the handler (a handle
argument with any of bits 32-63 set is refused with -ORB_EBADF first: a handle is 32
bits, and a wider value names no capability rather than the one its low half names), so a
table is one X-macro expansion:

    #define X(num, name, nargs) [num] = syscall_invoke_##name,
    static syscall_invoke_t *const table[ORB_SYS_COUNT] = { ORB_SYSCALLS(X) };
    #undef X
"""

_PREAMBLE = """\
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>

struct syscall_frame;

/* The type every dispatch table entry has. */
typedef long syscall_invoke_t(const uint64_t a[6], struct syscall_frame *f);
"""


def _params(abi: Abi, sc: Syscall) -> list[str]:
    params = []
    for a in sc.args:
        s = scalar(abi, a.ctype)
        assert s is not None
        params.append(f"{kernel_param(s)} {a.name}")
    if sc.outs:
        params.append("struct syscall_frame *f")
    return params


def _prototype(abi: Abi, sc: Syscall) -> str:
    params = _params(abi, sc) or ["void"]
    return c_syscall_comment(sc) + c_call(f"long sys_{sc.name}", params, ";") + "\n"


def _invoke(abi: Abi, sc: Syscall) -> str:
    call = []
    for i, a in enumerate(sc.args):
        s = scalar(abi, a.ctype)
        assert s is not None
        call.append(f"({kernel_param(s)})a[{i}]")
    if sc.outs:
        call.append("f")
    body = []
    for i, a in enumerate(sc.args):
        if a.ctype == "cptr":
            body.append(f"    if (a[{i}] >> 32)\n"
                        f"        return -ORB_EBADF;   /* {a.name}: wider than a handle */\n")
    if not sc.args:
        body.append("    (void)a;\n")
    if not sc.outs:
        body.append("    (void)f;\n")
    head = c_call(f"static inline long syscall_invoke_{sc.name}",
                  ["const uint64_t a[6]", "struct syscall_frame *f"], "")
    return (f"\n{head}\n{{\n" + "".join(body) +
            c_call(f"    return sys_{sc.name}", call, ";") + "\n}\n")


def generate(abi: Abi) -> str:
    syscalls = sorted(abi.syscalls, key=lambda s: s.number)
    parts = [c_banner(GENERATOR), c_comment(_INTRO),
             _PREAMBLE]
    for sc in syscalls:
        parts.append("\n" + _prototype(abi, sc))
    parts.append("\n/* X(number, name, nargs) for every syscall, in number order. */\n"
                 "#define ORB_SYSCALLS(X) \\\n")
    lines = [f"    X({hexnum(sc.number, 2)}, {sc.name}, {len(sc.args)})" for sc in syscalls]
    parts.append(" \\\n".join(lines) + "\n")
    for sc in syscalls:
        parts.append(_invoke(abi, sc))
    return "".join(parts)
