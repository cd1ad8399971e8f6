"""`orbital-qemu bench`: boot the benchmark image and report what it measured.

The guest (tests/programs/bench) times each path over many iterations in one boot and prints
the medians in TSC cycles; this command adds the ratios to the null syscall, which are
the meaningful numbers under TCG (absolute cycles are not). The crypto figures (Argon2id,
Ed25519 in ring 3 against the host) come from a second boot: crypto_bench.py."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from ..cli import Command
from ..errors import OrbitalError
from ..paths import project_root
from .boot import run_image
from .crypto_bench import run_crypto_bench

PATHS = ("ipc_fastpath_roundtrip", "ipc_fastpath_same_space_roundtrip",
         "ipc_slowpath_long_roundtrip", "ipc_slowpath_8caps_roundtrip")


def run_bench(description: Path | None = None, timeout: float = 300) -> dict:
    from ..image.command import build_image
    root = project_root()
    info = build_image(description or root / "images/bench.toml", quiet=True)
    result = run_image(root / info["image"], timeout=timeout, quiet=True)
    m = re.search(r"^bench: (\{.*\})$", result.output, re.MULTILINE)
    if result.returncode != 0 or not m:
        tail = result.output.strip().splitlines()[-3:]
        raise OrbitalError(f"benchmark image failed ({result.summary}): {' | '.join(tail)}",
                           returncode=1)
    raw = json.loads(m.group(1))
    null = raw["null_syscall_cycles"]
    out: dict = {"null_syscall_cycles": null, "iterations": raw["iterations"],
                 "tsc_hz": raw["tsc_hz"], "image_sha256": info["sha256"]}
    for p in PATHS:
        out[f"{p}_cycles"] = raw[f"{p}_cycles"]
        out[f"{p}_over_null_syscall"] = round(raw[f"{p}_cycles"] / null, 2)
    # the headline the issue asks for: IPC round trip between two processes
    out["ipc_roundtrip_over_null_syscall"] = out["ipc_fastpath_roundtrip_over_null_syscall"]
    return out


class BenchCommand(Command):
    name = "bench"
    help = "boot the benchmark image and report IPC and syscall costs (medians, ratios)"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true",
                       help="print one JSON object as the last line")
        p.add_argument("--timeout", type=float, default=300, help="seconds (default 300)")

    def run(self, args: argparse.Namespace) -> int:
        r = run_bench(timeout=args.timeout)
        r.update(run_crypto_bench(timeout=args.timeout))
        print(f"null syscall round trip       {r['null_syscall_cycles']:>9} cycles")
        for p in PATHS:
            print(f"{p.replace('_', ' '):<30}{r[p + '_cycles']:>9} cycles  "
                  f"{r[p + '_over_null_syscall']:>7.2f}x null")
        print(f"argon2id {r['argon2id_params']}      {r['argon2id_hash_ms']:>9} ms guest, "
              f"{r['argon2id_host_hash_ms']} ms host ({r['argon2id_guest_over_host']}x)")
        for op in ("sign", "verify"):
            print(f"ed25519 {op:<22}{r[f'ed25519_{op}_per_s']:>9} /s guest, "
                  f"{r[f'ed25519_host_{op}_per_s']} /s host "
                  f"({r[f'ed25519_{op}_guest_over_host']}x)")
        if args.json:
            print(json.dumps(r, sort_keys=True))
        return 0
