"""Every broken image description gives one clear line naming the file and the problem,
and exit status 2 — never a traceback. One file per error: tests/build/invalid_*.toml,
whose first line says `# error: <text the message must contain>`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
CASES = sorted(HERE.glob("invalid_*.toml"))


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_invalid_description_is_rejected(path: Path) -> None:
    first = path.read_bytes().splitlines()[0].decode()   # some cases are not UTF-8 after it
    assert first.startswith("# error: ")
    expected = first.removeprefix("# error: ")
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "image", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert expected in lines[0], lines[0]
    assert path.name in lines[0]
