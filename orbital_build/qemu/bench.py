"""`orbital-qemu bench`: boot the benchmark image and report what it measured.

The guest (tests/programs/bench) times each path over many iterations in one boot with the
TSC and prints the medians; this command adds the ratios to the null syscall.

By default that boot runs with `-icount shift=0,sleep=off`: the virtual CPU retires one
instruction per virtual nanosecond and never waits for real time, so the guest's TSC
counts instructions and every figure is the same run after run — a change shows as a
change. `--tcg` runs plain TCG instead: the TSC follows the host's clock, the figures move
from run to run, and the cross-address-space figures are dominated by QEMU itself, which
flushes its whole software TLB on every CR3 write (a cost no real CPU with a tagged TLB
has), so only the same-address-space ratio says much about the kernel there. Every report
names its clock.

The crypto figures (Argon2id, Ed25519 in ring 3 against the host) come from a second boot
(crypto_bench.py), always under plain TCG: they compare guest time with host time, which
only real time can do. So do the block I/O figures (blk_raw_write_mib_per_s, the block
driver alone) from a third boot (io_bench.py): a disk on the host answers in real time;
and the HTTP figures (http_get_4m_mib_per_s, http_small_req_per_s, against the host's own
client: http_guest_over_host) from a fourth (net_bench.py), in a network namespace made
for the run (as root only; otherwise a line says they were left out). `--ipc-only` leaves
all three out."""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

from ..cli import Command, seconds
from ..errors import OrbitalError
from ..paths import project_root
from .boot import run_image
from .crypto_bench import run_crypto_bench
from .io_bench import run_io_bench
from .net_bench import run_net_bench

PATHS = ("ipc_fastpath_roundtrip", "ipc_fastpath_same_space_roundtrip",
         "ipc_slowpath_long_roundtrip", "ipc_slowpath_8caps_roundtrip")
CLOCKS = {
    "icount": ["-icount", "shift=0,sleep=off"],
    "tcg": [],
}
NOTES = {
    "icount": "clock: icount (-icount shift=0,sleep=off): guest TSC = instructions retired; "
              "identical run to run",
    "tcg": "clock: plain TCG: the TSC follows the host; figures vary run to run, and the "
           "cross-address-space ratios are mostly QEMU's software-TLB flush on each CR3 "
           "write, not the kernel",
}


def run_bench(description: Path | None = None, timeout: float = 300,
              clock: str = "icount") -> dict:
    """Boot the benchmark image under `clock` (icount or tcg) and return the report."""
    from ..image.command import build_image
    if clock not in CLOCKS:
        raise OrbitalError(f"unknown clock {clock!r} (icount or tcg)")
    root = project_root()
    info = build_image(description or root / "images/bench.toml", quiet=True)
    result = run_image(root / info["image"], timeout=timeout, quiet=True,
                       extra_args=CLOCKS[clock])
    m = re.search(r"^bench: (\{.*\})$", result.output, re.MULTILINE)
    if result.returncode != 0 or not m:
        tail = result.output.strip().splitlines()[-3:]
        raise OrbitalError(f"benchmark image failed ({result.summary}): {' | '.join(tail)}",
                           returncode=1)
    raw = json.loads(m.group(1))
    null = raw["null_syscall_cycles"]
    out: dict = {"clock": clock, "null_syscall_cycles": null, "iterations": raw["iterations"],
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
        p.add_argument("--tcg", action="store_true",
                       help="the IPC figures under plain TCG instead of -icount "
                            "shift=0,sleep=off (they then vary run to run)")
        p.add_argument("--ipc-only", action="store_true",
                       help="only the syscall and IPC figures (no crypto boot)")
        p.add_argument("--timeout", type=seconds, default=300, help="seconds (default 300)")

    def run(self, args: argparse.Namespace) -> int:
        r = run_bench(timeout=args.timeout, clock="tcg" if args.tcg else "icount")
        unit = "instructions" if r["clock"] == "icount" else "cycles"
        print(NOTES[r["clock"]])
        print(f"null syscall round trip           {r['null_syscall_cycles']:>9} {unit}")
        for p in PATHS:
            print(f"{p.replace('_', ' '):<34}{r[p + '_cycles']:>9} {unit}  "
                  f"{r[p + '_over_null_syscall']:>7.2f}x null")
        if args.ipc_only:
            if args.json:
                print(json.dumps(r, sort_keys=True))
            return 0
        r.update(run_crypto_bench(timeout=args.timeout))
        r["crypto_clock"] = "tcg"
        print("crypto (plain TCG: guest time against host time)")
        print(f"argon2id {r['argon2id_params']}      {r['argon2id_hash_ms']:>9} ms guest, "
              f"{r['argon2id_host_hash_ms']} ms host ({r['argon2id_guest_over_host']}x)")
        for op in ("sign", "verify"):
            print(f"ed25519 {op:<22}{r[f'ed25519_{op}_per_s']:>9} /s guest, "
                  f"{r[f'ed25519_host_{op}_per_s']} /s host "
                  f"({r[f'ed25519_{op}_guest_over_host']}x)")
        r.update(run_io_bench(timeout=args.timeout))
        r["io_clock"] = "tcg"
        print("block I/O (plain TCG: guest time, a disk file on the host)")
        print(f"block writes, {r['blk_threads']} threads        "
              f"{r['blk_raw_write_mib_per_s']:>9.2f} MiB/s (1 thread: "
              f"{r['blk_raw_write_qd1_mib_per_s']:.2f}; at most {r['blk_max_inflight']} at "
              f"the device)")
        print(f"storage SET 4 KiB              {r['storage_set_4k_ops_per_s']:>9.2f} /s "
              f"(each flushed before its answer)")
        print(f"storage GET 4 KiB              {r['storage_get_4k_ops_per_s']:>9.2f} /s")
        print(f"storage SET 1 MiB              {r['storage_write_1m_mib_per_s']:>9.2f} MiB/s "
              f"({r['storage_over_raw_write']}x the driver's raw writes)")
        if os.geteuid() != 0:
            print("HTTP: left out (it needs root to make a network namespace)")
            if args.json:
                print(json.dumps(r, sort_keys=True))
            return 0
        r.update(run_net_bench(timeout=args.timeout))
        print("HTTP through the Network service (plain TCG: guest time; the host's own client "
              "against the same server)")
        print(f"GET 4 MiB x{r['http_get_4m_runs']:<21}{r['http_get_4m_mib_per_s']:>9.2f} MiB/s "
              f"guest, {r['http_host_get_4m_mib_per_s']} MiB/s host "
              f"({r['http_guest_over_host']}x)")
        print(f"GET small x{r['http_small_runs']:<20}{r['http_small_req_per_s']:>9.2f} req/s "
              f"guest, {r['http_host_small_req_per_s']} req/s host "
              f"({r['http_small_guest_over_host']}x)")
        if args.json:
            print(json.dumps(r, sort_keys=True))
        return 0
