"""`orbital-build axiom verify LOG [--key PUB]` / `axiom show LOG` / `axiom key SECRET`:
check or list a CommitLog, or say which key signs a machine's checkpoints."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..cli import Command
from ..errors import OrbitalError
from ..secret import checkpoint_public_key, read_secret
from .chain import read_stream, verify_chain, verify_end
from .replay import replay
from .signatures import check_algorithms, parse_key, verify_signatures


def verify_log(path: Path, partial_tail: bool = False, key: bytes | None = None) -> dict:
    """Read, chain-check, end-check and replay a log; a summary dict or an OrbitalError
    (exit 1). `partial_tail`: the machine was stopped, so the log may end unsealed and in
    the middle of a frame. `key`: the machine's checkpoint key; every checkpoint must be
    signed by it."""
    t0 = time.monotonic()
    try:
        log = read_stream(path, partial_tail)
        commits = log.commits
        verify_chain(commits)
        ending = verify_end(log, partial_tail)
        signed = check_algorithms(commits)
        verified = verify_signatures(commits, key) if key is not None else 0
        state = replay(commits)
    except OrbitalError as e:
        raise OrbitalError(f"{path}: {e}", returncode=1) from None
    return {
        "signed": signed,
        "signatures_verified": verified,
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
        p.add_argument("action", choices=("verify", "show", "key"),
                       help="verify or show a log; key: the public key a machine's secret "
                            "file gives its checkpoint signatures")
        p.add_argument("log", type=Path,
                       help="the captured debugcon stream (key: the machine secret file)")
        p.add_argument("--stopped", action="store_true",
                       help="the machine was stopped from outside, not shut down: accept an "
                            "unsealed end and leave out a cut-off last frame")
        p.add_argument("--key", metavar="PUB",
                       help="verify: every checkpoint must carry a valid Ed25519 signature "
                            "by this key (64 hex digits; `axiom key SECRET` prints it)")

    def run(self, args: argparse.Namespace) -> int:
        if args.action == "key":
            print(checkpoint_public_key(read_secret(args.log)).hex())
            return 0
        if args.action == "show":
            try:
                log = read_stream(args.log, stopped=args.stopped)
            except OrbitalError as e:
                raise OrbitalError(f"{args.log}: {e}", returncode=1) from None
            for c in log.commits:
                cause = f" caused_by={c.env.caused_by}" if c.env.caused_by is not None else ""
                print(f"{c.seq:6} {c.env.timestamp / 1e9:10.6f}s {c.kind:<22}{cause} "
                      f"{c.payload}")
            return 0
        key = parse_key(args.key) if args.key is not None else None
        s = verify_log(args.log, partial_tail=args.stopped, key=key)
        signed = (f", {s['signatures_verified']} checkpoint signatures verified" if key
                  else f", {s['signed']} signed (give --key to check them)" if s["signed"]
                  else "")
        print(f"{args.log}: ok: {s['commits']} commits, hash chain intact, "
              f"{s['checkpoints']} checkpoints match the replay{signed}, {s['ending']}; "
              f"final state: "
              f"{s['processes']} processes, {s['capabilities']} capabilities, "
              f"{s['endpoints']} endpoints ({s['seconds']} s)")
        return 0
