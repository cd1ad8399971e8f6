"""The Python sources are ruff-clean (pyproject.toml [tool.ruff]): style is checked, not hoped for."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    assert found, "ruff is part of the [test] extra: pip install -e .[test]"
    return [found]


def test_python_sources_are_ruff_clean() -> None:
    r = subprocess.run([*_ruff(), "check", "--no-cache", "orbital_build", "tests"], cwd=ROOT,
                       check=False, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_finds_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n", encoding="utf-8")
    r = subprocess.run([*_ruff(), "check", "--no-cache", "--isolated", str(bad)],
                       check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "F401" in r.stdout
