"""`orbital-build`: generate the ABI, build images, benchmarks, Axiom log and disk tools, the
syscall fuzzer."""

from __future__ import annotations

from collections.abc import Sequence

from . import run_cli


def commands() -> list:
    from ..abi.command import GenCommand
    from ..axiom.command import AxiomCommand
    from ..emu.bench import BenchCommand
    from ..fuzz.command import FuzzCommand
    from ..image.command import ImageCommand
    from ..storage.command import DiskCommand
    from ..thirdparty.command import DepsCommand
    from ..wasm.bench import WasmBenchCommand
    from ..wasm.command import ServeCommand, WasmCommand
    return [GenCommand(), ImageCommand(), DepsCommand(), AxiomCommand(), BenchCommand(),
            DiskCommand(), FuzzCommand(), WasmCommand(), ServeCommand(), WasmBenchCommand()]


def main(argv: Sequence[str] | None = None) -> int:
    return run_cli("orbital-build", "Build Orbital OS images from Python ABI definitions "
                   "and C sources.", commands(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
