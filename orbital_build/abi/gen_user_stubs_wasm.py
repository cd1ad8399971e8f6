"""Emits services/lib/include/gen/wasm64/orbital/syscalls.h: the wasm64 backend of the
user stubs, with the same names, parameters and out structures as gen_user_stubs.

On wasm64 the trap is one import, `orbital.syscall(nr, a0..a5, regs)`: the number and the
six argument registers are its arguments (in ARG_REGS order) and the browser host writes
the six registers as the kernel left them to `regs` and returns RAX. Each stub reads its
outputs from the register they travel in on x86_64, so the two backends agree.
"""

from __future__ import annotations

from .gen_user_stubs import assemble, out_copies, stub_params
from .model import ARG_REGS, RESULT_NORETURN, Abi, Syscall
from .names import c_syscall
from .render import c_call, c_syscall_comment

GENERATOR = "gen_user_stubs_wasm"

_INTRO = """\
Orbital system-call stubs for wasm64 programs: orb_<name>() calls the host import
orbital.syscall with the syscall number and the six argument registers (RDI RSI RDX R10
R8 R9 on x86_64) as arguments; the host stores the registers the kernel returned in the
array passed last and returns RAX. Same API as the x86_64 stubs; the build puts
services/lib/include/gen/wasm64 ahead of services/lib/include/gen.
"""

_PREAMBLE = """\
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>

__attribute__((import_module("orbital"), import_name("syscall"))) long
orb_wasm_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                 uint64_t a5, uint64_t *regs);
"""


def _stub(abi: Abi, sc: Syscall) -> str:
    params = stub_params(abi, sc)
    values = ["0" if a.reserved else f"(uint64_t)(uintptr_t){a.name}" if a.ctype == "ptr"
              else f"(uint64_t){a.name}" for a in sc.args]
    values += ["0"] * (len(ARG_REGS) - len(values))
    noreturn = sc.result == RESULT_NORETURN
    ret = "__attribute__((noreturn)) void" if noreturn else "long"
    body = [c_syscall_comment(sc),
            c_call(f"static inline {ret} orb_{sc.name}", params or ["void"], "\n{\n"),
            "    uint64_t r[6];\n",
            c_call("    long rax = orb_wasm_syscall", [c_syscall(sc.name), *values, "r"],
                   ";\n")]
    if noreturn:
        body.append("    (void)rax;\n    __builtin_trap(); /* the kernel never returns here */\n}\n")
        return "".join(body)
    if sc.outs:
        body.append(out_copies(abi, sc, {r: f"r[{i}]" for i, r in enumerate(ARG_REGS)}))
    body.append("    return rax;\n}\n")
    return "".join(body)


def generate(abi: Abi) -> str:
    return assemble(abi, GENERATOR, _INTRO, _PREAMBLE, _stub)
