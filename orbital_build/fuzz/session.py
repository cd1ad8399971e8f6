"""A fuzzing session: replay the corpus, then generate and mutate until a budget is spent.

A program is kept (in memory, and on disk when asked) when it executes a kernel block no
program before it executed; programs that break an invariant are collected with their
violations. Kept programs are cut after their last call that ran (a call that blocked or
ended the target is the last one that matters).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .coverage import Figure
from .generate import Generator
from .harness import Harness, Outcome
from .program import Program

Finding = tuple[Program, list[str]]


@dataclass
class Report:
    runs: int = 0
    calls: int = 0
    seconds: float = 0.0
    replayed: int = 0
    kept: list[Program] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    blocks: dict[int, int] = field(default_factory=dict)

    @property
    def runs_per_second(self) -> float:
        return self.runs / self.seconds if self.seconds else 0.0

    @property
    def calls_per_second(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0


def ran_part(program: Program, out: Outcome) -> Program:
    """`program` without the calls after the first one that did not come back."""
    return Program(program.calls[:max(1, len(out.results))], program.note)


class Session:
    def __init__(self, harness: Harness, seed: int) -> None:
        self.h = harness
        self.rng = random.Random(seed)
        self.gen = Generator(self.rng)
        self.corpus: list[Program] = []
        self.report = Report()
        self._seen_violations: set[str] = set()

    def _account(self, program: Program, out: Outcome, keep_new: bool) -> bool:
        """Fold one run into the report; True when it reached new blocks."""
        r = self.report
        r.runs += 1
        r.calls += len(out.results)
        new = out.blocks.keys() - r.blocks.keys()
        r.blocks.update(out.blocks)
        if out.violations:
            key = "; ".join(v.split(":")[0] + ":" + v.split(":")[1][:60] if ":" in v else v
                            for v in out.violations)
            if key not in self._seen_violations:
                self._seen_violations.add(key)
                r.findings.append((ran_part(program, out), out.violations))
        if new and keep_new:
            kept = ran_part(program, out)
            self.corpus.append(kept)
            r.kept.append(kept)
        return bool(new)

    def replay(self, programs: list[Program]) -> None:
        for p in programs:
            self._account(p, self.h.run(p), keep_new=False)
            self.corpus.append(p)
            self.report.replayed += 1

    def fuzz(self, *, runs: int | None = None, seconds: float | None = None,
             on_kept: Callable[[Program], None] | None = None) -> Report:
        t0 = time.monotonic()
        start = self.report.runs
        while (runs is None or self.report.runs - start < runs) and \
                (seconds is None or time.monotonic() - t0 < seconds):
            if self.corpus and self.rng.random() < 0.8:
                prog = self.gen.mutate(self.rng.choice(self.corpus), self.rng.choice(self.corpus))
            else:
                prog = self.gen.program()
            kept_before = len(self.report.kept)
            self._account(prog, self.h.run(prog), keep_new=True)
            if on_kept is not None and len(self.report.kept) > kept_before:
                on_kept(self.report.kept[-1])
        self.report.seconds += time.monotonic() - t0
        return self.report


def coverage_table(h: Harness, blocks: dict[int, int]) -> tuple[dict[str, Figure],
                                                                  dict[str, Figure]]:
    """Line coverage of syscall.c and of every file holding a sys_* handler, and of each
    handler function."""
    lm = h.linemap
    covered = lm.covered(blocks.items())
    handlers = sorted(n for n in lm.functions if n.startswith("sys_") and "." not in n)
    files = {"kernel_image/src/kernel/syscall.c"}
    for name in handlers:
        lines = lm.lines_of(lm.functions[name])
        files |= {f for f, _ in lines if f.endswith(".c")}
    by_file = {f: lm.file_figure(f, covered) for f in sorted(files)}
    by_function = {n: lm.function_figure(n, covered) for n in handlers}
    return by_file, by_function
