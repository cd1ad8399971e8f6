"""`orbital-build fuzz`: the coverage-guided syscall fuzzer under the Unicorn model.

    orbital-build fuzz --time 60            # replay tests/fuzz, then fuzz for 60 s
    orbital-build fuzz --runs 5000 --save   # keep new-coverage programs in tests/fuzz/corpus

It prints programs and calls per second, the corpus size, the kernel blocks reached, the
line coverage of syscall.c and of each file and sys_* handler, and every invariant break
found (the program is written to build/fuzz/findings/ to replay; exit status 1).
"""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import Command, seconds
from ..errors import OrbitalError
from ..image.command import build_image
from ..paths import project_root
from . import corpus, target
from .harness import Harness
from .session import Session, coverage_table


class FuzzCommand(Command):
    name = "fuzz"
    help = "coverage-guided syscall fuzzing of the kernel under the Unicorn model"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--time", type=seconds, default=None, metavar="S",
                       help="fuzz for S seconds (default 60 unless --runs is given)")
        p.add_argument("--runs", type=int, default=None, metavar="N",
                       help="fuzz N programs")
        p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        p.add_argument("--save", action="store_true",
                       help="add programs that reach new kernel blocks to tests/fuzz/corpus")
        p.add_argument("--no-replay", action="store_true",
                       help="start from nothing instead of replaying tests/fuzz first")
        p.add_argument("--no-build", action="store_true", help="use build/emu-fuzz as it is")
        p.add_argument("--json", action="store_true",
                       help="print one JSON object with the figures as the last line")

    def run(self, args: argparse.Namespace) -> int:
        if args.time is not None and args.time <= 0 or args.runs is not None and args.runs <= 0:
            raise OrbitalError("--time and --runs must be positive", returncode=2)
        seconds = args.time if args.time is not None or args.runs is not None else 60.0
        root = project_root()
        if not args.no_build:
            build_image(root / "images" / f"{target.IMAGE}.toml", verbose=args.verbose > 0,
                        quiet=True)
        h = Harness()
        s = Session(h, args.seed)
        if not args.no_replay:
            programs = [p for d in (corpus.REGRESSIONS, corpus.CORPUS)
                        for _, p in corpus.load_dir(root / d)]
            s.replay(programs)
        saved = []
        report = s.fuzz(runs=args.runs, seconds=seconds,
                        on_kept=(lambda p: saved.append(corpus.save(root / corpus.CORPUS, p)))
                        if args.save else None)
        by_file, by_function = coverage_table(h, report.blocks)
        print(f"  programs run           {report.runs:>9}  ({report.replayed} replayed)")
        print(f"  syscalls made          {report.calls:>9}")
        print(f"  programs per second    {report.runs_per_second:>9.1f}")
        print(f"  syscalls per second    {report.calls_per_second:>9.1f}")
        print(f"  corpus                 {len(s.corpus):>9}  ({len(report.kept)} new"
              f"{f', {len(saved)} saved' if args.save else ''})")
        print(f"  kernel blocks reached  {len(report.blocks):>9}")
        print("\n  line coverage by file")
        for f, fig in by_file.items():
            print(f"    {f.rsplit('/', 1)[-1]:<24} {fig}")
        print("\n  line coverage by handler")
        for n, fig in by_function.items():
            print(f"    {n:<28} {fig}")
        for i, (prog, why) in enumerate(report.findings):
            path = corpus.save(root / "build" / "fuzz" / "findings", prog)
            print(f"\nfinding {i}: {path}", file=sys.stderr)
            for w in why:
                print(f"  {w}", file=sys.stderr)
        if args.json:
            print(json.dumps({
                "runs": report.runs, "calls": report.calls,
                "seconds": round(report.seconds, 3),
                "runs_per_second": round(report.runs_per_second, 1),
                "calls_per_second": round(report.calls_per_second, 1),
                "corpus": len(s.corpus), "new": len(report.kept), "blocks": len(report.blocks),
                "findings": len(report.findings),
                "files": {f: [g.covered, g.total] for f, g in by_file.items()},
                "handlers": {n: [g.covered, g.total] for n, g in by_function.items()},
            }, sort_keys=True))
        return 1 if report.findings else 0
