"""`orbital-build axiom verify LOG` / `axiom show LOG`: check or list a CommitLog."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..cli import Command
from ..errors import OrbitalError
from .chain import read_stream, verify_chain, verify_end
from .replay import replay


def verify_log(path: Path, partial_tail: bool = False) -> dict:
    """Read, chain-check, end-check and replay a log; a summary dict or an OrbitalError
    (exit 1). `partial_tail`: the machine was stopped, so the log may end unsealed and in
    the middle of a frame."""
    t0 = time.monotonic()
    try:
        log = read_stream(path, partial_tail)
        commits = log.commits
        verify_chain(commits)
        ending = verify_end(log, partial_tail)
        state = replay(commits)
    except OrbitalError as e:
        raise OrbitalError(f"{path}: {e}", returncode=1) from None
    return {
        "commits": len(commits),
        "ending": ending,
        "sealed": not ending.startswith("not sealed"),
        "cut_bytes": log.cut,
        "checkpoints": state.checkpoints,
        "processes": len(state.processes),
        "capabilities": sum(len(cs) for cs in state.cspaces.values()),
        "endpoints": len(state.endpoints),
        "state_hash": state.hash().hex(),
        "seconds": round(time.monotonic() - t0, 3),
    }


class AxiomCommand(Command):
    name = "axiom"
    help = "check (verify) or list (show) a CommitLog captured with orbital-qemu --axiom"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("action", choices=("verify", "show"))
        p.add_argument("log", type=Path, help="the captured debugcon stream")
        p.add_argument("--stopped", action="store_true",
                       help="the machine was stopped from outside, not shut down: accept an "
                            "unsealed end and leave out a cut-off last frame")

    def run(self, args: argparse.Namespace) -> int:
        if args.action == "show":
            for c in read_stream(args.log, stopped=args.stopped).commits:
                cause = f" caused_by={c.env.caused_by}" if c.env.caused_by is not None else ""
                print(f"{c.seq:6} {c.env.timestamp / 1e9:10.6f}s {c.kind:<22}{cause} "
                      f"{c.payload}")
            return 0
        s = verify_log(args.log, partial_tail=args.stopped)
        print(f"{args.log}: ok: {s['commits']} commits, hash chain intact, "
              f"{s['checkpoints']} checkpoints match the replay, {s['ending']}; final state: "
              f"{s['processes']} processes, {s['capabilities']} capabilities, "
              f"{s['endpoints']} endpoints ({s['seconds']} s)")
        return 0
