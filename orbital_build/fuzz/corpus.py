"""Fuzz programs on disk: one JSON file each, named by a hash of the program.

tests/fuzz/corpus/ holds the programs the fuzzer kept because they reached kernel code
that no program before them reached; tests/fuzz/regressions/ holds programs that once
broke an invariant (their note says what and which commit fixed it). pytest replays both
folders (tests/emu/test_fuzz_corpus.py) and fails on any violation.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .program import Program, load

CORPUS = Path("tests/fuzz/corpus")
REGRESSIONS = Path("tests/fuzz/regressions")


def name_of(program: Program) -> str:
    """The file name a program is saved under (the hash of its calls, not its note)."""
    body = Program(program.calls).to_json().encode()
    return hashlib.sha256(body).hexdigest()[:16] + ".json"


def load_dir(directory: Path) -> list[tuple[Path, Program]]:
    """Every program in `directory`, by file name; ProgramError names a bad file."""
    if not directory.is_dir():
        return []
    return [(p, load(p)) for p in sorted(directory.glob("*.json"))]


def save(directory: Path, program: Program) -> Path:
    """Write `program` into `directory` (once: the name is its hash)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name_of(program)
    if not path.exists():
        path.write_text(program.to_json(), encoding="utf-8")
    return path
