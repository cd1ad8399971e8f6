"""`orbital-qemu`: boot Orbital images in QEMU and read what they print."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..qemu.bench import BenchCommand
from ..qemu.boottime import BootTimeCommand
from ..qemu.commands import BootCommand, SymbolizeCommand
from ..qemu.fuzz import FuzzCommand
from ..qemu.powercut import PowerCutCommand
from . import run_cli


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli("orbital-qemu", "Boot Orbital images in QEMU (TCG) and judge the run.",
                   [BootCommand(), SymbolizeCommand(), BenchCommand(), BootTimeCommand(),
                    FuzzCommand(), PowerCutCommand()],
                   argv)


if __name__ == "__main__":
    sys.exit(main())
