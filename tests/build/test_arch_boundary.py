"""The kernel's portable core stays portable: no inline assembly and no architecture
header outside src/arch/ and include/arch/, and an image build compiles the portable
sources with exactly one architecture's directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orbital_build.image.ninja_gen import kernel_sources

ROOT = Path(__file__).resolve().parents[2]
PORTABLE = ["kernel_image/src/kernel", "kernel_image/src/lib", "kernel_image/src/mm",
            "kernel_image/include/kernel", "kernel_image/include/mm"]
MACHINE = re.compile(r"__asm__|\basm\s*(volatile)?\s*\(|#\s*include\s*<arch/(?!arch\.h)")


def _portable_files() -> list[Path]:
    return [p for d in PORTABLE for p in sorted((ROOT / d).rglob("*")) if p.suffix in (".c", ".h")]


@pytest.mark.parametrize("path", _portable_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_portable_core_has_no_machine_code(path: Path) -> None:
    hits = [f"{i}: {line.strip()}" for i, line in enumerate(path.read_text().splitlines(), 1)
            if MACHINE.search(line)]
    assert hits == [], f"{path.relative_to(ROOT)}: machine-specific code outside arch/"


def test_a_build_takes_one_architecture(tmp_path: Path) -> None:
    for rel in ("k/src/kernel/cap.c", "k/src/arch/x86_64/entry.S", "k/src/arch/x86_64/user.c",
                "k/src/arch/wasm64/host.c", "k/src/lib/string.c"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    assert kernel_sources(tmp_path, "k", "x86_64") == [
        "k/src/arch/x86_64/entry.S", "k/src/arch/x86_64/user.c", "k/src/kernel/cap.c",
        "k/src/lib/string.c"]
    assert kernel_sources(tmp_path, "k", "wasm64") == [
        "k/src/arch/wasm64/host.c", "k/src/kernel/cap.c", "k/src/lib/string.c"]
