"""`orbital-build gen`: regenerate every ABI output from `orbital_build/abi/defs/`."""

from __future__ import annotations

import argparse
import sys

from ..cli import Command
from ..paths import project_root
from .outputs import generate_all

__all__ = ["GenCommand", "generate_all"]


class GenCommand(Command):
    """Write the generated headers, stubs, codecs and docs; `--check` only compares."""

    name = "gen"
    help = "regenerate ABI headers, stubs and codecs from orbital_build/abi/defs"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="write nothing; exit 1 and list the files that differ")

    def run(self, args: argparse.Namespace) -> int:
        root = project_root()
        changed = generate_all(root, check=args.check)
        for path in changed:
            rel = path.relative_to(root)
            print(f"differs: {rel}" if args.check else f"wrote {rel}")
        if args.check and changed:
            print("generated files are out of date; run `orbital-build gen`", file=sys.stderr)
            return 1
        if not changed and args.verbose:
            print("ABI outputs up to date")
        return 0
