"""Turn the compiled asm_offsets.c of an architecture into gen/asm_offsets.h.

`kernel_image/src/arch/<arch>/asm_offsets.c` is compiled to assembly only (`gcc -S`, the
kernel's flags): each of its DEFINE(NAME, value) lines leaves a marker `->NAME value` in
the output, with the value the compiler computed — an offsetof, a sizeof, a constant.
This module collects the markers into `#define NAME value` lines, so the assembly the
kernel is built from always agrees with its C structures. Run by ninja:

    python -m orbital_build.image.asm_offsets SOURCE.c IN.s OUT.h
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MARKER = re.compile(r'->(?P<name>[A-Z][A-Z0-9_]*) \$?(?P<value>-?\d+)')


def header(asm: str, source: str) -> str:
    """The header text for the compiler output `asm`; markers in the order written."""
    rows = [(m["name"], int(m["value"])) for m in MARKER.finditer(asm)]
    if not rows:
        raise SystemExit(f"asm_offsets: no ->NAME markers in the output for {source}")
    seen: set[str] = set()
    for name, _ in rows:
        if name in seen:
            raise SystemExit(f"asm_offsets: {name} defined twice in {source}")
        seen.add(name)
    width = max(len(n) for n, _ in rows)
    lines = ["/* SPDX-License-Identifier: Apache-2.0 */",
             f"/* GENERATED at build time by orbital_build/image/asm_offsets.py from {source}",
             " * — do not edit; change the C structures or that file. */",
             "#pragma once", ""]
    lines += [f"#define {n:<{width}} {v}" for n, v in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print("usage: python -m orbital_build.image.asm_offsets SOURCE.c IN.s OUT.h",
              file=sys.stderr)
        return 2
    source, src, out = argv[1], Path(argv[2]), Path(argv[3])
    text = header(src.read_text(encoding="utf-8"), source)
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
