"""The generated C: compiles freestanding and warning-free, agrees with the Python layouts,
and every user stub puts each argument in the register the ABI names (run under Unicorn)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection
from unicorn import UC_ARCH_X86, UC_HOOK_INSN, UC_MODE_64, Uc
from unicorn import x86_const as X

from orbital_build.abi.defs import load_abi
from orbital_build.abi.layout import struct_layout
from orbital_build.abi.model import ARG_REGS, RESULT_NORETURN, Abi, Syscall
from orbital_build.abi.outputs import generate_all
from orbital_build.abi.scalars import scalar
from orbital_build.abi.validate import validate

ROOT = Path(__file__).resolve().parents[2]
INCLUDES = ["-I", str(ROOT / "kernel_image" / "include"),
            "-I", str(ROOT / "kernel_image" / "include" / "gen" / "uapi"),
            "-I", str(ROOT / "services" / "lib" / "include"),
            "-I", str(ROOT / "services" / "lib" / "include" / "gen")]
STRICT = ["-m64", "-Wall", "-Wextra", "-Wconversion", "-Wsign-conversion", "-Werror"]
ABI = load_abi()


def _cc(gcc: str, *args: str | Path) -> None:
    result = subprocess.run([gcc, *map(str, args)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_public_header_is_strict_c11(gcc: str, tmp_path: Path) -> None:
    src = tmp_path / "abi.c"
    src.write_text("#include <orbital/abi.h>\n", encoding="utf-8")
    _cc(gcc, "-ffreestanding", "-fsyntax-only", "-std=c11", "-Wpedantic", *STRICT, *INCLUDES, src)


def test_codec_headers_are_strict_c11(gcc: str, tmp_path: Path) -> None:
    src = tmp_path / "codecs.c"
    src.write_text('#include <orbital/messages.h>\n#include "gen/axiom_records.h"\n',
                   encoding="utf-8")
    _cc(gcc, "-ffreestanding", "-mgeneral-regs-only", "-fsyntax-only", "-std=c11", "-Wpedantic",
        *STRICT, *INCLUDES, src)


def test_user_and_kernel_headers_compile_together(gcc: str, tmp_path: Path) -> None:
    src = tmp_path / "both.c"
    src.write_text('#include <orbital/syscalls.h>\n#include "gen/syscall_table.h"\n'
                   '#include <orbital/messages.h>\n#include "gen/axiom_records.h"\n\n'
                   "#define X(num, name, nargs) [num] = syscall_invoke_##name,\n"
                   "static syscall_invoke_t *const table[ORB_SYS_COUNT] = { ORB_SYSCALLS(X) };\n"
                   "#undef X\n"
                   "syscall_invoke_t *lookup(uint64_t n)\n"
                   "{\n    return n < ORB_SYS_COUNT ? table[n] : 0;\n}\n",
                   encoding="utf-8")
    _cc(gcc, "-ffreestanding", "-fsyntax-only", "-std=gnu11", *STRICT, *INCLUDES, src)


def test_mini_outputs_compile(gcc: str, tmp_path: Path, mini: Abi) -> None:
    generate_all(tmp_path, abi=validate(mini))
    src = tmp_path / "mini.c"
    src.write_text('#include <orbital/syscalls.h>\n#include "gen/syscall_table.h"\n'
                   '#include <orbital/messages.h>\n#include "gen/axiom_records.h"\n',
                   encoding="utf-8")
    _cc(gcc, "-ffreestanding", "-fsyntax-only", "-std=gnu11", *STRICT,
        "-I", tmp_path / "kernel_image/include", "-I", tmp_path / "kernel_image/include/gen/uapi",
        "-I", tmp_path / "services/lib/include",
        "-I", tmp_path / "services/lib/include/gen", src)


# --- layouts and bit accessors: gcc's answers against Python's -------------------------------

def _host_program(abi: Abi) -> tuple[str, list[str]]:
    """C that prints sizes, offsets and bitfield results; and the lines Python expects."""
    c = ["#include <stdio.h>", "#include <stddef.h>", "#include <orbital/abi.h>",
         "int main(void)", "{"]
    want: list[str] = []
    for st in abi.structs:
        lay = struct_layout(abi, st)
        t = f"orb_{st.name}_t"
        c.append(f'    printf("{st.name} %zu %zu\\n", sizeof({t}), _Alignof({t}));')
        want.append(f"{st.name} {lay.size} {lay.align}")
        for f in lay.fields:
            c.append(f'    printf("{st.name}.{f.name} %zu\\n", offsetof({t}, {f.name}));')
            want.append(f"{st.name}.{f.name} {f.offset}")
    for bf in abi.bitfields:
        values = [(0x5A5A_5A5A_5A5A_5A5A >> i) & bit.mask for i, bit in enumerate(bf.fields)]
        word = sum(v << bit.lsb for v, bit in zip(values, bf.fields, strict=True))
        args = ", ".join(f"{v}u" for v in values)
        c.append(f'    printf("{bf.name} %llu\\n", (unsigned long long)orb_{bf.name}_new({args}));')
        want.append(f"{bf.name} {word}")
        full = (1 << bf.width) - 1
        for bit in bf.fields:
            c.append(f'    printf("{bf.name}.{bit.name} %llu\\n", (unsigned long long)'
                     f"orb_{bf.name}_get_{bit.name}(({'uint64_t' if bf.width == 64 else 'uint32_t'})"
                     f"0x{full:x}ull));")
            want.append(f"{bf.name}.{bit.name} {bit.mask}")
    c += ["    return 0;", "}"]
    return "\n".join(c) + "\n", want


def test_gcc_agrees_with_python_layouts(gcc: str, tmp_path: Path) -> None:
    text, want = _host_program(ABI)
    src, exe = tmp_path / "layout.c", tmp_path / "layout"
    src.write_text(text, encoding="utf-8")
    _cc(gcc, "-std=c11", "-O0", *INCLUDES, src, "-o", exe)
    got = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    assert got.splitlines() == want


# --- every stub, executed under Unicorn --------------------------------------------------------

CODE, STACK, RES, RET = 0x40_0000, 0x80_0000, 0x90_0000, 0xA0_0000
RAX_BACK = 0x1234
UC_REGS = {r: getattr(X, f"UC_X86_REG_{r.upper()}") for r in (*ARG_REGS, "rax")}


def _arg_value(abi: Abi, sc: Syscall, i: int) -> int:
    """A distinct test value that fits argument i's type (negative for signed)."""
    s = scalar(abi, sc.args[i].ctype)
    assert s is not None
    if s.signed:
        return -5 - i
    return (0x1122_3344_5566_7788 + 0x10 * sc.number + i) & s.max


def _out_value(i: int) -> int:
    return 0x8877_6655_C433_2211 + 0x0101 * i


def _as_u64(abi: Abi, ctype: str, value: int) -> int:
    """What a C conversion to `ctype` and back to uint64_t makes of `value`."""
    s = scalar(abi, ctype)
    assert s is not None
    v = value & ((1 << s.bits) - 1)
    if s.signed and v >> (s.bits - 1):
        v -= 1 << s.bits
    return v & (2**64 - 1)


def _stub_caller(abi: Abi, sc: Syscall) -> str:
    args = []
    for i, a in enumerate(sc.args):
        if a.reserved:
            continue
        s = scalar(abi, a.ctype)
        assert s is not None
        v = _arg_value(abi, sc, i)
        lit = f"({v})" if v < 0 else f"0x{v:x}ull"
        args.append(f"(void *)(uintptr_t){lit}" if a.ctype == "ptr" else f"({s.user_c}){lit}")
    if sc.result == RESULT_NORETURN:
        return (f"void t_{sc.name}(uint64_t *res)\n{{\n    (void)res;\n"
                f"    orb_{sc.name}({', '.join(args)});\n}}\n")
    body = [f"long t_{sc.name}(uint64_t *res)\n{{\n"]
    if sc.outs:
        body.append(f"    orb_{sc.name}_out_t o;\n")
        args.append("&o")
    body.append(f"    long r = orb_{sc.name}({', '.join(args)});\n")
    body += [f"    res[{k}] = (uint64_t)o.{o.name};\n" for k, o in enumerate(sc.outs)]
    if not sc.outs:
        body.append("    (void)res;\n")
    body.append("    return r;\n}\n")
    return "".join(body)


@pytest.fixture(scope="module")
def stubs_object(tmp_path_factory: pytest.TempPathFactory, gcc: str) -> tuple[bytes, dict]:
    """Every stub wrapped in `t_<name>(uint64_t *res)`, compiled: (.text, name -> offset)."""
    tmp = tmp_path_factory.mktemp("stubs")
    src, obj = tmp / "stubs.c", tmp / "stubs.o"
    src.write_text("#include <orbital/syscalls.h>\n\n" +
                   "\n".join(_stub_caller(ABI, sc) for sc in ABI.syscalls), encoding="utf-8")
    _cc(gcc, "-ffreestanding", "-std=gnu11", "-O2", "-fno-pic", "-fno-stack-protector",
        "-fno-asynchronous-unwind-tables", *STRICT, *INCLUDES,
        "-c", src, "-o", obj)
    with obj.open("rb") as f:
        elf = ELFFile(f)
        assert elf.get_section_by_name(".rela.text") is None, "stubs need no relocations"
        section = elf.get_section_by_name(".text")
        assert section is not None
        text = section.data()
        symtab = elf.get_section_by_name(".symtab")
        assert isinstance(symtab, SymbolTableSection)
        syms = {s.name: s["st_value"] for s in symtab.iter_symbols()
                if s["st_info"]["type"] == "STT_FUNC"}
    return text, syms


@pytest.mark.parametrize("sc", ABI.syscalls, ids=[s.name for s in ABI.syscalls])
def test_stub_registers(stubs_object: tuple[bytes, dict], sc: Syscall) -> None:
    text, syms = stubs_object
    uc = Uc(UC_ARCH_X86, UC_MODE_64)
    uc.mem_map(CODE, (len(text) + 0xFFF) & ~0xFFF)
    uc.mem_write(CODE, text)
    for base in (STACK, RES, RET):
        uc.mem_map(base, 0x1_0000)
    uc.mem_write(RET, b"\xf4")
    rsp = STACK + 0x8000
    uc.mem_write(rsp, RET.to_bytes(8, "little"))
    uc.reg_write(X.UC_X86_REG_RSP, rsp)
    uc.reg_write(X.UC_X86_REG_RDI, RES)
    seen: dict[str, int] = {}

    def on_syscall(uc: Uc, _data: object) -> None:
        assert not seen, "one syscall per stub"
        seen.update({r: uc.reg_read(reg) for r, reg in UC_REGS.items()})
        for reg in ARG_REGS:  # what the kernel does: zero argument registers ...
            uc.reg_write(UC_REGS[reg], 0)
        for k, o in enumerate(sc.outs):  # ... except the declared outputs
            uc.reg_write(UC_REGS[o.reg], _out_value(k))
        uc.reg_write(X.UC_X86_REG_RAX, RAX_BACK)
        if sc.result == RESULT_NORETURN:
            uc.emu_stop()

    uc.hook_add(UC_HOOK_INSN, on_syscall, None, 1, 0, X.UC_X86_INS_SYSCALL)
    uc.emu_start(CODE + syms[f"t_{sc.name}"], RET, count=10_000)

    assert seen, f"orb_{sc.name} issued no syscall"
    assert seen["rax"] == sc.number
    for i, a in enumerate(sc.args):
        expected = 0 if a.reserved else _as_u64(ABI, a.ctype, _arg_value(ABI, sc, i))
        assert seen[ARG_REGS[i]] == expected, f"{sc.name}: argument {a.name} in {ARG_REGS[i]}"
    if sc.result == RESULT_NORETURN:
        return
    assert uc.reg_read(X.UC_X86_REG_RIP) == RET
    assert uc.reg_read(X.UC_X86_REG_RAX) == RAX_BACK
    res = uc.mem_read(RES, 8 * len(sc.outs))
    for k, o in enumerate(sc.outs):
        got = int.from_bytes(res[8 * k:8 * k + 8], "little")
        assert got == _as_u64(ABI, o.ctype, _out_value(k)), f"{sc.name}: output {o.name}"
