"""`orbital-qemu fuzz`: a longer random-syscall storm in QEMU than the test suite runs.

    orbital-qemu fuzz                       # 10^6 calls, seed 1
    orbital-qemu fuzz --calls 200000 --seed 7

It builds images/sysfuzz.toml with the image's cmdline set to the calls and seed asked for
(into build/sysfuzz-storm/), boots it with the Axiom stream captured, prints sysfuzz's
verdict and checks the CommitLog with `axiom verify`. Exit 0 only when sysfuzz reports
nothing (no undeclared error, stall or hang; every message received) and the log
verifies.
"""

from __future__ import annotations

import argparse
import re

from ..axiom.command import verify_log
from ..cli import Command, seconds
from ..errors import OrbitalError
from ..paths import project_root
from .boot import run_image

IMAGE = "images/sysfuzz.toml"
BUILDDIR = "build/sysfuzz-storm"
VERDICT = re.compile(r"sysfuzz: calls=\d+ undeclared=\d+ stalls=\d+ hangs=\d+ sent=\d+ "
                     r"received=\d+")


def storm_description(text: str, calls: int, seed: int) -> str:
    """images/sysfuzz.toml's text with its cmdline set to `calls` and `seed`."""
    line = f'cmdline = "calls={calls} seed={seed}"'
    new, n = re.subn(r'(?m)^cmdline = ".*"$', line, text)
    if n != 1:
        raise OrbitalError(f"{IMAGE}: expected one cmdline line to set")
    return new


class FuzzCommand(Command):
    name = "fuzz"
    help = "a random-syscall storm in QEMU (sysfuzz), with the CommitLog verified after"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--calls", type=int, default=1_000_000, help="syscalls (default 10^6)")
        p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        p.add_argument("--timeout", type=seconds, default=3600.0,
                       help="seconds before QEMU is stopped (default 3600)")

    def run(self, args: argparse.Namespace) -> int:
        if args.calls < 1 or args.seed < 0:
            raise OrbitalError("--calls must be at least 1 and --seed not negative",
                               returncode=2)
        from ..image.command import build_image
        root = project_root()
        desc = root / BUILDDIR / "sysfuzz.toml"
        desc.parent.mkdir(parents=True, exist_ok=True)
        desc.write_text(storm_description((root / IMAGE).read_text(encoding="utf-8"),
                                          args.calls, args.seed), encoding="utf-8")
        built = build_image(desc, quiet=True, builddir=BUILDDIR)
        log = root / BUILDDIR / "sysfuzz.axiom"
        r = run_image(root / built["image"], timeout=args.timeout, quiet=True, axiom=log)
        found = VERDICT.findall(r.output)
        for line in r.output.splitlines():
            if any(w in line for w in ("UNDECLARED", "STALL", "HANG", "KERNEL PANIC", "fault:")):
                print(line)
        print(found[-1] if found else "sysfuzz: no verdict (it did not finish)")
        print(f"qemu: {r.summary} after {r.elapsed_s:.0f} s")
        try:
            summary = verify_log(log, partial_tail=r.timed_out)
        except OrbitalError as e:
            print(f"axiom: {e}")
            return 1
        print(f"axiom: {summary['commits']} commits verified, {summary['checkpoints']} "
              f"checkpoints match the replay")
        return 0 if r.returncode == 0 and found else 1
