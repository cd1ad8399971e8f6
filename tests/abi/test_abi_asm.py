"""orbital/abi_asm.h (gen_asm_header.py): every number GNU as reads from it equals what C
reads from orbital/abi.h — the same macro, a sizeof, an offsetof, a field's bit count — and
a C file that includes it stops at once."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cgen import ROOT, includes, run
from elftools.elf.elffile import ELFFile

from orbital_build.abi.defs import load_abi
from orbital_build.abi.layout import struct_layout

ASM_HEADER = ROOT / "kernel_image/include/gen/uapi/orbital/abi_asm.h"
DEFINE = re.compile(r"^#define (ORB_\w+) ", re.MULTILINE)


def _c_expression(name: str) -> str:
    """The C that computes what abi_asm.h says `name` is."""
    abi = load_abi()
    for st in abi.structs:
        up = st.name.upper()
        if name == f"ORB_SIZEOF_{up}":
            return f"sizeof(orb_{st.name}_t)"
        for f in struct_layout(abi, st).fields:
            if name == f"ORB_OFFSETOF_{up}_{f.name.upper()}":
                return f"offsetof(orb_{st.name}_t, {f.name})"
    if name.endswith("_WIDTH"):
        return f"__builtin_popcountll({name.removesuffix('_WIDTH')}_MASK)"
    return name


def test_assembly_reads_the_numbers_c_does(gcc: str, tmp_path: Path) -> None:
    names = DEFINE.findall(ASM_HEADER.read_text(encoding="utf-8"))
    assert len(names) > 300 and "ORB_SYS_ENDPOINT_CALL" in names
    asm = tmp_path / "numbers.S"
    asm.write_text("#include <orbital/abi_asm.h>\n\t.data\n" +
                   "".join(f"\t.quad {n}\n" for n in names), encoding="utf-8")
    obj = tmp_path / "numbers.o"
    subprocess.run([gcc, "-c", *includes(ROOT), str(asm), "-o", str(obj)], check=True)
    with obj.open("rb") as f:
        data = ELFFile(f).get_section_by_name(".data").data()
    got = [int.from_bytes(data[8 * i:8 * i + 8], "little") for i in range(len(names))]
    program = ("#include <stdio.h>\n#include <stddef.h>\n#include <orbital/abi.h>\n"
               "int main(void)\n{\n" +
               "".join(f'    printf("%llu\\n", (unsigned long long)({_c_expression(n)}));\n'
                       for n in names) + "    return 0;\n}\n")
    want = [int(v) for v in run(gcc, tmp_path, "numbers", program, ROOT)]
    mismatched = [(n, a, c) for n, a, c in zip(names, got, want, strict=True) if a != c]
    assert not mismatched


def test_c_cannot_include_it(gcc: str, tmp_path: Path) -> None:
    src = tmp_path / "wrong.c"
    src.write_text("#include <orbital/abi_asm.h>\n", encoding="utf-8")
    proc = subprocess.run([gcc, "-fsyntax-only", *includes(ROOT), str(src)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and "is for assembly" in proc.stderr
