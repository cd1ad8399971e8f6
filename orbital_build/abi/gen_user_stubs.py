"""Emits services/lib/include/gen/orbital/syscalls.h: one static inline stub per syscall.

Each stub pins its operands to the ABI registers with GCC register variables, issues
SYSCALL, and lists RCX, R11 and memory as clobbered. All six argument registers are asm
outputs (the kernel zeroes the ones it does not return), so the compiler never assumes
they survive. Reserved arguments are not parameters: the stub passes 0.
"""

from __future__ import annotations

from collections.abc import Callable

from .model import ARG_REGS, RESULT_NORETURN, Abi, Syscall
from .names import c_error, c_syscall
from .render import WIDTH, c_banner, c_call, c_comment, c_syscall_comment
from .scalars import scalar, user_param

GENERATOR = "gen_user_stubs"

_INTRO = """\
Orbital system-call stubs for user programs. orb_<name>() issues SYSCALL with its
arguments in RDI RSI RDX R10 R8 R9 and returns RAX as a long: >= 0 is the result, negative
is -ORB_E*. A syscall with output registers takes a final orb_<name>_out_t *out (may be
NULL), filled whatever the result; its values mean something only when the result is
>= 0. Include paths: services/lib/include, services/lib/include/gen and
kernel_image/include/gen/uapi.
"""

_PREAMBLE = """\
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>
"""


def _out_struct(abi: Abi, sc: Syscall) -> str:
    lines = [f"/* Output registers of orb_{sc.name}(). */\n", "typedef struct {\n"]
    decls = []
    for o in sc.outs:
        s = scalar(abi, o.ctype)
        assert s is not None
        decls.append((f"{s.c} {o.name};", o.reg.upper()))
    w = max(len(d) for d, _ in decls)
    lines += [f"    {d:<{w}} /* {reg} */\n" for d, reg in decls]
    lines.append(f"}} orb_{sc.name}_out_t;\n")
    return "".join(lines)


def stub_params(abi: Abi, sc: Syscall) -> list[str]:
    """A stub's C parameters: its non-reserved arguments, then `out` if it has outputs."""
    params = []
    for a in sc.args:
        if a.reserved:
            continue
        s = scalar(abi, a.ctype)
        assert s is not None
        t = user_param(s, a.const)
        params.append(f"{t}{a.name}" if t.endswith("*") else f"{t} {a.name}")
    if sc.outs:
        params.append(f"orb_{sc.name}_out_t *out")
    return params


def out_copies(abi: Abi, sc: Syscall, source: dict[str, str]) -> str:
    """`if (out) { out->x = (type)<register>; ... }`, register expressions from `source`."""
    lines = ["    if (out) {\n"]
    for o in sc.outs:
        s = scalar(abi, o.ctype)
        assert s is not None
        lines.append(f"        out->{o.name} = ({s.c}){source[o.reg]};\n")
    return "".join(lines) + "    }\n"


def _stub(abi: Abi, sc: Syscall) -> str:
    params = stub_params(abi, sc)
    noreturn = sc.result == RESULT_NORETURN
    ret = "__attribute__((noreturn)) void" if noreturn else "long"
    body = [c_syscall_comment(sc),
            c_call(f"static inline {ret} orb_{sc.name}", params or ["void"], "\n{\n"),
            f'    register uint64_t rax __asm__("rax") = {c_syscall(sc.name)};\n']
    for i, reg in enumerate(ARG_REGS):
        init = ""
        if i < len(sc.args):
            a = sc.args[i]
            if a.reserved:
                init = " = 0"
            elif a.ctype == "ptr":
                init = f" = (uint64_t)(uintptr_t){a.name}"
            else:
                init = f" = (uint64_t){a.name}"
        body.append(f'    register uint64_t {reg} __asm__("{reg}"){init};\n')
    ops = ['"+r"(rax)'] + [f'"{"+" if i < len(sc.args) else "="}r"({reg})'
                           for i, reg in enumerate(ARG_REGS)]
    body.append('    __asm__ volatile("syscall"\n'
                f'                     : {", ".join(ops)}\n'
                '                     :\n'
                '                     : "rcx", "r11", "memory");\n')
    if noreturn:
        body.append("    __builtin_trap(); /* the kernel never returns here */\n}\n")
        return "".join(body)
    if sc.outs:
        body.append(out_copies(abi, sc, {r: r for r in ARG_REGS}))
    body.append("    return (long)rax;\n}\n")
    return "".join(body)


_DECLARED = """\
1 when syscall nr may return -code: its definition lists code among its errors (an
unknown number may return only -ORB_ENOSYS). For tests and fuzzers that hold the kernel
to the declared errors.
"""


def _declared(syscalls: list[Syscall]) -> str:
    """orb_syscall_error_declared(): one case per syscall that can fail, the infallible
    ones together."""
    out = [c_comment(_DECLARED),
           "static inline int orb_syscall_error_declared(uint64_t nr, long code)\n{\n",
           "    switch (nr) {\n"]
    for sc in syscalls:
        if not sc.error_codes:
            continue
        out.append(f"    case {c_syscall(sc.name)}:\n")
        tests = [f"code == {c_error(c)}" for c in sc.error_codes]
        line = "        return " + " || ".join(tests) + ";"
        while len(line) > WIDTH:
            cut = line.rfind(" || ", 0, WIDTH - 3)
            out.append(line[:cut + 3] + "\n")
            line = "               " + line[cut + 4:]
        out.append(line + "\n")
    infallible = [f"    case {c_syscall(sc.name)}:\n" for sc in syscalls if not sc.error_codes]
    if infallible:
        out += [*infallible, "        return 0;\n"]
    out.append(f"    default:\n        return code == {c_error('ENOSYS')};\n    }}\n}}\n")
    return "".join(out)


def assemble(abi: Abi, generator: str, intro: str, preamble: str,
             stub: Callable[[Abi, Syscall], str]) -> str:
    """A stubs header: banner, intro, preamble, the out structures, one stub per syscall
    (made by `stub`, the backend's part) and the declared-errors table."""
    syscalls = sorted(abi.syscalls, key=lambda s: s.number)
    parts = [c_banner(generator), c_comment(intro), preamble]
    for sc in syscalls:
        if sc.outs:
            parts.append("\n" + _out_struct(abi, sc))
    for sc in syscalls:
        parts.append("\n" + stub(abi, sc))
    parts.append("\n" + _declared(syscalls))
    return "".join(parts)


def generate(abi: Abi) -> str:
    return assemble(abi, GENERATOR, _INTRO, _PREAMBLE, _stub)
