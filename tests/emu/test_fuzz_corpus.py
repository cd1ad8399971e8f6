"""The syscall fuzzer's kept programs as regression tests: every program in
tests/fuzz/corpus (kept for the kernel code it reached) and tests/fuzz/regressions (each
once broke an invariant; its note says what) runs from the fuzz target's snapshot and
must break nothing — no panic, no undeclared error, a CommitLog that replays. A short
fuzzing session from a fixed seed must find nothing either, and reach new kernel code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from orbital_build.emu.loader import BuiltImage
from orbital_build.fuzz import corpus, target
from orbital_build.fuzz.harness import Harness
from orbital_build.fuzz.program import Program
from orbital_build.fuzz.session import Session, coverage_table
from orbital_build.paths import project_root

pytestmark = pytest.mark.emu

ROOT = project_root()
SAVED = [(p, prog) for d in (corpus.REGRESSIONS, corpus.CORPUS)
         for p, prog in corpus.load_dir(ROOT / d)]


@pytest.fixture(scope="module")
def harness(emu_image: Callable[[str], BuiltImage]) -> Harness:
    return Harness(emu_image(target.IMAGE))


def test_the_corpus_is_there() -> None:
    assert len(corpus.load_dir(ROOT / corpus.CORPUS)) >= 50


@pytest.mark.parametrize("program", [prog for _, prog in SAVED],
                         ids=[str(p.relative_to(ROOT / "tests/fuzz")) for p, _ in SAVED])
def test_saved_program_breaks_nothing(harness: Harness, program: Program) -> None:
    out = harness.run(program)
    assert out.ok, "\n".join(out.violations)
    assert out.results


def test_a_short_session_finds_nothing_and_reaches_new_code(harness: Harness) -> None:
    s = Session(harness, seed=2)   # a seed whose first 150 runs reach sys_endpoint_send
    report = s.fuzz(runs=150)
    assert not report.findings, report.findings[0]
    assert report.kept and len(report.blocks) > 300
    by_file, by_handler = coverage_table(harness, report.blocks)
    assert by_file["kernel_image/src/kernel/syscall.c"].percent > 50
    assert by_handler["sys_endpoint_send"].covered > 0


def test_replaying_counts_but_keeps_nothing(harness: Harness, tmp_path: Path) -> None:
    s = Session(harness, seed=1)
    s.replay([prog for _, prog in SAVED[:5]])
    assert s.report.replayed == s.report.runs == min(5, len(SAVED))
    assert not s.report.kept and len(s.corpus) == s.report.runs


def test_the_fuzz_command_reports_its_figures(emu_image: Callable[[str], BuiltImage],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from orbital_build.cli.build import main
    emu_image(target.IMAGE)
    assert main(["fuzz", "--runs", "30", "--no-build", "--no-replay", "--json"]) == 0
    out = capsys.readouterr().out
    figures = json.loads(out.strip().splitlines()[-1])
    assert figures["runs"] == 30 and figures["calls"] >= 30 and figures["findings"] == 0
    assert figures["calls_per_second"] > 0 and figures["blocks"] > 100
    assert "kernel_image/src/kernel/syscall.c" in figures["files"]
    assert "sys_endpoint_call" in figures["handlers"]
    assert "line coverage by handler" in out
