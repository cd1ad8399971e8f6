"""`orbital-build bench`: instruction counts of kernel paths under the Unicorn model.

Counts are of kernel instructions the emulated CPU executed (one per `rep` iteration),
from a user `syscall` to the next user instruction of the thread that runs next (a round
trip adds the answer's path, not the receiver's own work in user space): they are
deterministic for a given build, so a change in the kernel shows as a change here.
`--profile` splits the fast path's count by function.
"""

from __future__ import annotations

import argparse
import json
import time

from ..cli import Command
from ..image.command import build_image
from ..paths import project_root
from . import scenarios

_LABELS = {
    "null_syscall_roundtrip_instructions": "null syscall (nop), round trip",
    "fastpath_call_oneway_instructions": "endpoint_call fast path, one way",
    "fastpath_roundtrip_instructions": "call + reply_recv fast path, round trip",
    "slowpath_call_8caps_instructions": "endpoint_call slow path, 8 caps + 4096 B, one way",
    "slowpath_call_8caps_roundtrip_instructions": "the same, round trip",
    "axiom_flush_commits": "deferred hashing: commits in the next flush",
    "axiom_flush_instructions": "deferred hashing: that flush",
    "axiom_flush_instructions_per_commit": "deferred hashing: per commit",
    "kernel_text_bytes": "kernel .text size (bytes)",
    "null_syscall_roundtrip_instructions_kpti": "KPTI: null syscall, round trip",
    "fastpath_call_oneway_instructions_kpti": "KPTI: endpoint_call fast path, one way",
    "fastpath_roundtrip_instructions_kpti": "KPTI: call + reply_recv fast path, round trip",
    "slowpath_call_8caps_instructions_kpti": "KPTI: endpoint_call slow path, 8 caps + 4096 B",
    "slowpath_call_8caps_roundtrip_instructions_kpti": "KPTI: the same, round trip",
    "kpti_fastpath_extra_per_direction": "KPTI: fast path, added per direction",
}


class BenchCommand(Command):
    name = "bench"
    help = "instruction counts of kernel paths under the Unicorn model"

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true",
                       help="print one JSON object with every count as the last line")
        p.add_argument("--no-build", action="store_true",
                       help="use the emu-core and emu-ipc builds (and their -kpti twins) "
                            "as they are")
        p.add_argument("--profile", action="store_true",
                       help="also print the fast path's instructions per function")

    def run(self, args: argparse.Namespace) -> int:
        t0 = time.monotonic()
        if not args.no_build:
            for name in (scenarios.CORE_IMAGE, scenarios.IPC_IMAGE, scenarios.CORE_KPTI_IMAGE,
                         scenarios.IPC_KPTI_IMAGE):
                build_image(project_root() / "images" / f"{name}.toml",
                            verbose=args.verbose > 0, quiet=True)
        results: dict[str, int | float] = dict(scenarios.bench())
        for key, value in results.items():
            print(f"  {_LABELS.get(key, key):<52} {value:>9}")
        if args.profile:
            for title, rows in scenarios.fastpath_profile().items():
                print(f"\n  {title}: {sum(n for _, n in rows)} instructions")
                for name, n in rows:
                    print(f"    {name:<50} {n:>9}")
        results["seconds"] = round(time.monotonic() - t0, 3)
        if args.json:
            print(json.dumps(results, sort_keys=True))
        return 0
