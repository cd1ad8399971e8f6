"""The DWARF symbolizer against a tiny higher-half ELF built by the host gcc."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from orbital_build.cli.qemu import main
from orbital_build.errors import OrbitalError
from orbital_build.symbolize import Symbolizer

Addr = Callable[[Path, str], int]  # the symbol_address fixture


def probe_line(src: Path) -> int:
    """The source line holding `probe_target`'s opening (marked PROBE_LINE)."""
    return next(i for i, line in enumerate(src.read_text().splitlines(), 1)
                if "PROBE_LINE" in line)


def test_lookup_function_offset_file_line(probe_elf: tuple[Path, Path],
                                          symbol_address: Addr) -> None:
    elf, src = probe_elf
    addr = symbol_address(elf, "probe_target") + 4  # still in the prologue: the opening line
    assert addr >> 32 == 0xFFFFFFFF
    assert Symbolizer(elf).lookup(addr) == f"probe_target+0x4 ({src}:{probe_line(src)})"


def test_lines_agree_with_addr2line(probe_elf: tuple[Path, Path], symbol_address: Addr) -> None:
    if shutil.which("addr2line") is None:
        pytest.skip("addr2line not available")
    elf, _ = probe_elf
    base = symbol_address(elf, "probe_target")
    symbolizer = Symbolizer(elf)
    for addr in range(base, base + 24):
        theirs = subprocess.run(["addr2line", "-e", str(elf), f"{addr:#x}"], check=True,
                                capture_output=True, text=True).stdout.split()[0]
        where = symbolizer.line(addr)
        assert where is not None
        assert f"{where[0]}:{where[1]}" == theirs.split(" ")[0]


def test_path_relative_to_root(probe_elf: tuple[Path, Path], symbol_address: Addr) -> None:
    elf, src = probe_elf
    addr = symbol_address(elf, "probe_target")
    text = Symbolizer(elf, root=src.parent.parent).lookup(addr)
    assert text == f"probe_target+0x0 (src/probe.c:{probe_line(src)})"


def test_annotate_every_address_form(probe_elf: tuple[Path, Path], symbol_address: Addr) -> None:
    elf, src = probe_elf
    addr = symbol_address(elf, "probe_target") + 4
    note = f" <probe_target+0x4 ({src}:{probe_line(src)})>"
    symbolizer = Symbolizer(elf)
    line = f"rip={addr:#018x} ret {addr:016x} up {addr:016X} cr2=0x0000000000000010"
    assert symbolizer.annotate(line) == (
        f"rip={addr:#018x}{note} ret {addr:016x}{note} up {addr:016X}{note} "
        "cr2=0x0000000000000010")


def test_annotate_leaves_other_text_alone(probe_elf: tuple[Path, Path],
                                          symbol_address: Addr) -> None:
    elf, _ = probe_elf
    addr = symbol_address(elf, "probe_target")
    symbolizer = Symbolizer(elf)
    for line in ("no numbers here", "short 0x1234", f"digest {addr:016x}{addr:016x}",
                 f"word x{addr:016x}", "ffffffffffffffff"):
        assert symbolizer.annotate(line) == line


def test_without_dwarf_only_function_and_offset(probe_elf_nodebug: Path,
                                                symbol_address: Addr) -> None:
    addr = symbol_address(probe_elf_nodebug, "probe_target") + 4
    symbolizer = Symbolizer(probe_elf_nodebug)
    assert symbolizer.lookup(addr) == "probe_target+0x4"
    assert symbolizer.annotate(f"at {addr:#x}") == f"at {addr:#x} <probe_target+0x4>"


def test_not_an_elf(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.elf"
    bogus.write_bytes(b"not an elf")
    with pytest.raises(OrbitalError, match="not an ELF file"):
        Symbolizer(bogus).load()


def test_symbolize_command(probe_elf: tuple[Path, Path], tmp_path: Path,
                           capfd: pytest.CaptureFixture[str], symbol_address: Addr) -> None:
    elf, src = probe_elf
    addr = symbol_address(elf, "probe_target")
    log = tmp_path / "console.log"
    log.write_text(f"boot\nfault at {addr:#x}\n")
    assert main(["symbolize", "--elf", str(elf), str(log)]) == 0
    assert capfd.readouterr().out == (
        f"boot\nfault at {addr:#x} <probe_target+0x0 ({src}:{probe_line(src)})>\n")
