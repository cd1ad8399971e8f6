"""Helpers for the tests that compile generated C: literals, compiling, symbols."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from orbital_build.abi.layout import struct_layout
from orbital_build.abi.model import Abi
from orbital_build.abi.names import c_type

ROOT = Path(__file__).resolve().parents[2]
STRICT = ["-m64", "-Wall", "-Wextra", "-Wconversion", "-Wsign-conversion", "-Werror"]
# What orbital_build/image/toolchain.py builds the kernel and the services with, in short.
FREESTANDING = ["-std=gnu11", "-ffreestanding", "-fno-pic", "-fno-pie", "-mgeneral-regs-only",
                "-fno-stack-protector", "-fno-asynchronous-unwind-tables"]
KERNEL = [*FREESTANDING, "-mcmodel=kernel", "-mno-red-zone"]
USER = [*FREESTANDING, "-static"]
# Hosted and aggressive: where GCC would turn copy and fill loops into library calls.
HOSTED = ["-std=gnu11", "-O3"]

# C helpers every host test program starts with: tokens on one line, space separated.
PRELUDE = """\
#include <stdio.h>

static inline void tok_u(unsigned long long v) { printf("%llu ", v); }
static inline void tok_i(long long v) { printf("%lld ", v); }
static inline void tok_s(const char *s) { printf("%s ", s); }
static inline void tok_hex(const void *p, size_t n)
{
    const unsigned char *b = p;

    printf("x");
    for (size_t i = 0; i < n; i++)
        printf("%02x", b[i]);
    printf(" ");
}
static inline void endl(void) { printf("\\n"); }
"""


def includes(root: Path) -> list[str]:
    return ["-I", str(root / "kernel_image" / "include"),
            "-I", str(root / "kernel_image" / "include" / "gen" / "uapi"),
            "-I", str(root / "services" / "lib" / "include"),
            "-I", str(root / "services" / "lib" / "include" / "gen")]


def cc(gcc: str, *args: str | Path) -> None:
    result = subprocess.run([gcc, *map(str, args)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def run(gcc: str, tmp: Path, name: str, text: str, root: Path) -> list[str]:
    """Compile `text` as a host program against the headers under `root`; its output lines."""
    src, exe = tmp / f"{name}.c", tmp / name
    src.write_text(text, encoding="utf-8")
    cc(gcc, "-std=gnu11", "-O0", *STRICT, "-Wno-sign-conversion", *includes(root), src,
       "-o", exe)
    return subprocess.run([str(exe)], capture_output=True, text=True,
                          check=True).stdout.splitlines()


def undefined_symbols(gcc: str, tmp: Path, name: str, text: str, root: Path,
                      flags: list[str]) -> list[str]:
    """Compile `text` to an object with `flags`; the symbols it needs from elsewhere."""
    src, obj = tmp / f"{name}.c", tmp / f"{name}.o"
    src.write_text(text, encoding="utf-8")
    cc(gcc, *flags, *STRICT, *includes(root), "-c", src, "-o", obj)
    out = subprocess.run(["nm", "-u", str(obj)], capture_output=True, text=True, check=True)
    return out.stdout.split()


def c_bytes(data: bytes) -> str:
    """A C string literal holding exactly `data` (every byte escaped)."""
    return '"' + "".join(f"\\x{b:02x}" for b in data) + '"'


def c_int(value: int, bits: int, signed: bool) -> str:
    """`value` as a C expression of the fixed-width type."""
    t = f"{'int' if signed else 'uint'}{bits}_t"
    return f"({t})0x{value & ((1 << bits) - 1):x}ull"


def c_struct(abi: Abi, name: str, obj: Any) -> str:
    """A compound literal of struct `name` with the members of `obj`."""
    st = abi.struct(name)
    assert st is not None
    parts = []
    for f in struct_layout(abi, st).fields:
        if f.reserved:
            continue
        v = getattr(obj, f.name)
        s = f.scalar
        if f.count:
            items = list(v)
            parts.append(f".{f.name} = {{" +
                         ", ".join(c_int(x, s.bits, s.signed) for x in items) + "}")
        else:
            parts.append(f".{f.name} = {c_int(v, s.bits, s.signed)}")
    return f"({c_type(name)}){{{', '.join(parts)}}}"


def dump_struct(abi: Abi, name: str, obj: Any) -> list[str]:
    """Tokens a C dump of struct `name` prints (see c_dump_struct)."""
    st = abi.struct(name)
    assert st is not None
    out = []
    for f in struct_layout(abi, st).fields:
        if f.reserved:
            continue
        v = getattr(obj, f.name)
        if f.count and f.scalar.size == 1 and not f.scalar.signed:
            out.append("x" + bytes(v).hex())
        elif f.count:
            out += [str(x) for x in v]
        else:
            out.append(str(v))
    return out


def c_dump_struct(abi: Abi, name: str, expr: str) -> str:
    """C statements printing the members of struct `expr` as dump_struct's tokens."""
    st = abi.struct(name)
    assert st is not None
    out = []
    for f in struct_layout(abi, st).fields:
        if f.reserved:
            continue
        tok = "tok_i((long long)" if f.scalar.signed else "tok_u((unsigned long long)"
        if f.count and f.scalar.size == 1 and not f.scalar.signed:
            out.append(f"tok_hex({expr}.{f.name}, {f.count});")
        elif f.count:
            out += [f"{tok}{expr}.{f.name}[{i}]);" for i in range(f.count)]
        else:
            out.append(f"{tok}{expr}.{f.name});")
    return " ".join(out)


def function_table(names: list[str]) -> str:
    """C that takes the address of every function in `names`, so each is compiled."""
    items = ",\n".join(f"    (orb_fn_t){n}" for n in names)
    return f"typedef void (*orb_fn_t)(void);\norb_fn_t const orb_all_functions[] = {{\n{items}\n}};\n"
