"""orbital_build/image/asm_offsets.py: the compiler's numbers from asm_offsets.c become
gen/asm_offsets.h for the kernel's assembly; a broken input stops the build with one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orbital_build.image.asm_offsets import header
from orbital_build.paths import project_root


def test_markers_become_defines() -> None:
    asm = '\t.ascii "->THREAD_PROC 184"\n\t.ascii "->CSPACE_SLOTS $256"\n\tret\n'
    text = header(asm, "asm_offsets.c")
    assert "GENERATED" in text and "#pragma once" in text
    assert "#define THREAD_PROC  184\n" in text and "#define CSPACE_SLOTS 256\n" in text


@pytest.mark.parametrize("asm, error", [
    ("\tret\n", "no ->NAME markers"),
    ('.ascii "->A 1"\n.ascii "->A 2"\n', "A defined twice"),
])
def test_bad_input_is_one_line(asm: str, error: str, tmp_path: Path) -> None:
    src = tmp_path / "x.s"
    src.write_text(asm)
    proc = subprocess.run([sys.executable, "-m", "orbital_build.image.asm_offsets", "x.c",
                           str(src), str(tmp_path / "x.h")], capture_output=True, text=True,
                          check=False)
    assert proc.returncode != 0 and error in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.h").exists()


def test_the_kernel_build_generates_it() -> None:
    """The emu-ipc build has the header, with the offsets fastpath.S uses."""
    from orbital_build.image.command import build_image
    root = project_root()
    build_image(root / "images/emu-ipc.toml", quiet=True)
    text = (root / "build/emu-ipc/kernel/gen/asm_offsets.h").read_text()
    for name in ("THREAD_PROC", "THREAD_REPLY_TO", "PROCESS_CSPACE", "CAP_BADGE",
                 "ENDPOINT_RECEIVERS_HEAD", "VSPACE_CR3", "AXIOM_SYSLOG_MASK"):
        assert f"#define {name} " in text, name
