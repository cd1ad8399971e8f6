"""`orbital-qemu boottime`: boot-to-all-ready of the default image against a bare boot of
the same kernel with nothing to run, measured side by side (alternating runs, medians of
QEMU wall time from start to the line that marks each one done)."""

from __future__ import annotations

import argparse
import json
import statistics

from ..cli import Command
from ..errors import OrbitalError
from ..paths import project_root
from .boot import run_image

BARE = ("empty", r"orbital: nothing to run")
FULL = ("default", r"orbital: all services ready")


def measure(runs: int = 7) -> dict:
    from ..image.command import build_image
    root = project_root()
    images = {name: root / build_image(root / "images" / f"{name}.toml", quiet=True)["image"]
              for name, _ in (BARE, FULL)}
    times: dict[str, list[float]] = {BARE[0]: [], FULL[0]: []}
    for _ in range(runs):
        for name, marker in (BARE, FULL):
            r = run_image(images[name], expect=[marker], timeout=120, quiet=True)
            if r.returncode != 0:
                raise OrbitalError(f"{name}: {r.summary}", returncode=1)
            times[name].append(r.elapsed_s)
    bare, full = statistics.median(times[BARE[0]]), statistics.median(times[FULL[0]])
    return {"runs": runs, "bare_kernel_boot_s": round(bare, 3),
            "default_all_ready_s": round(full, 3),
            "all_ready_over_bare": round(full / bare, 2),
            "services_cost_s": round(full - bare, 3)}


class BootTimeCommand(Command):
    name = "boottime"
    help = "boot-to-all-ready of the default image against a bare kernel boot"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--runs", type=int, default=7, help="boots of each (default 7)")
        p.add_argument("--json", action="store_true", help="print one JSON object last")

    def run(self, args: argparse.Namespace) -> int:
        r = measure(args.runs)
        print(f"bare kernel boot (nothing to run)   {r['bare_kernel_boot_s']:.3f} s")
        print(f"default image to all services ready {r['default_all_ready_s']:.3f} s "
              f"({r['all_ready_over_bare']}x, +{r['services_cost_s']:.3f} s)")
        if args.json:
            print(json.dumps(r, sort_keys=True))
        return 0
