"""Fixtures for the orbital-qemu tests: a scriptable fake QEMU, a dummy image, and a small
higher-half ELF with DWARF built by the host gcc."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from orbital_build.qemu.boot import QEMU_ENV

# The fake replays `steps` then exits with `status`. Steps:
#   ["out", text]       write text to stdout (the guest's serial output) and flush
#   ["err", text]       write text to stderr (QEMU's own messages); "{ppid}" -> parent pid
#   ["sleep", seconds]
#   ["read"]            read one stdin line and print "got 'LINE'"
#   ["early"]           print "EARLY INPUT" if stdin already has data (input came too soon)
#   ["ignore_term"]     ignore SIGTERM, so only SIGKILL stops it
# It writes its argv (without argv[0]) as JSON to `argv_file` before anything else.
_FAKE = '''#!{python}
import json, os, select, signal, sys, time
plan = json.loads({plan!r})
with open(plan["argv_file"], "w") as f:
    json.dump(sys.argv[1:], f)
for step in plan["steps"]:
    kind = step[0]
    if kind == "out":
        sys.stdout.write(step[1]); sys.stdout.flush()
    elif kind == "err":
        sys.stderr.write(step[1].replace("{{ppid}}", str(os.getppid()))); sys.stderr.flush()
    elif kind == "sleep":
        time.sleep(step[1])
    elif kind == "read":
        line = sys.stdin.readline()
        sys.stdout.write("got %r\\n" % line.rstrip("\\n")); sys.stdout.flush()
    elif kind == "early":
        if select.select([sys.stdin], [], [], 0)[0]:
            sys.stdout.write("EARLY INPUT\\n"); sys.stdout.flush()
    elif kind == "ignore_term":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
sys.exit(plan["status"])
'''

@pytest.fixture(autouse=True)
def _no_qemu_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(QEMU_ENV, raising=False)


@pytest.fixture
def fake_qemu(tmp_path: Path) -> Callable[..., Path]:
    """make(steps, status=33) -> path of an executable fake QEMU; its argv lands in
    `<path>.argv.json` when it runs."""

    def make(steps: list[list[object]], status: int = 33, name: str = "fake-qemu") -> Path:
        path = tmp_path / name
        plan = {"steps": steps, "status": status, "argv_file": f"{path}.argv.json"}
        path.write_text(_FAKE.format(python=sys.executable, plan=json.dumps(plan)))
        path.chmod(0o755)
        return path

    return make


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """A stand-in image file (the fake QEMU never reads it)."""
    path = tmp_path / "build" / "demo" / "orbital.img"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\0" * 64)
    return path


PROBE_C = """\
/* A function at a known line, linked in the kernel's higher half. */
static volatile int sink;

int probe_target(int x) {  /* PROBE_LINE */
    int y = x * 3;
    sink = y;
    return y + 1;
}

void _start(void) {
    probe_target(4);
    for (;;) {
    }
}
"""

KERNEL_BASE = 0xFFFFFFFF80100000


def _build(src: Path, out: Path, debug: bool) -> None:
    flags = ["-O0", "-ffreestanding", "-fno-pic", "-fno-pie", "-mcmodel=kernel",
             "-fno-asynchronous-unwind-tables", "-fno-stack-protector"]
    obj = out.with_suffix(".o")
    subprocess.run(["gcc", *flags, *(["-g"] if debug else []), "-c", str(src), "-o", str(obj)],
                   check=True)
    subprocess.run(["gcc", "-nostdlib", "-static", "-no-pie", f"-Wl,-Ttext={KERNEL_BASE:#x}",
                    "-o", str(out), str(obj)], check=True)


@pytest.fixture(scope="session")
def probe_elf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(ELF with DWARF, its source src/probe.c), built once; skips without gcc."""
    if shutil.which("gcc") is None:
        pytest.skip("host gcc not available")
    root = tmp_path_factory.mktemp("probe")
    src = root / "src" / "probe.c"
    src.parent.mkdir()
    src.write_text(PROBE_C)
    elf = root / "probe.elf"
    _build(src, elf, debug=True)
    return elf, src


@pytest.fixture(scope="session")
def probe_elf_nodebug(probe_elf: tuple[Path, Path]) -> Path:
    """The same program without DWARF (symbols only)."""
    elf, src = probe_elf
    out = elf.with_name("probe-nodebug.elf")
    _build(src, out, debug=False)
    return out


def _symbol_address(elf: Path, name: str) -> int:
    from elftools.elf.elffile import ELFFile

    with elf.open("rb") as f:
        [sym] = ELFFile(f).get_section_by_name(".symtab").get_symbol_by_name(name)
        return int(sym["st_value"])


@pytest.fixture(scope="session")
def symbol_address() -> Callable[[Path, str], int]:
    """symbol_address(elf, name) -> the symbol's value, read with pyelftools."""
    return _symbol_address
