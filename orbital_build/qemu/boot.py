"""Boot an image in QEMU and judge the run: the core of `orbital-qemu boot`.

`plan_boot` turns an image, a profile and options into the exact argv (a list; QEMU is
never run through a shell). `run_image` runs it with the guest's COM1 on QEMU's stdout,
feeds that through a `SerialConsole`, and decides the result:

- with `expect` patterns: success as soon as the last one is seen (QEMU is then stopped);
  failure if QEMU exits first, naming the patterns never seen;
- without: QEMU's exit status, where only the isa-debug-exit success value counts as
  success. Status 0 (power-off, or a triple fault under -no-reboot) is a failure;
- past `timeout` seconds: QEMU is stopped (SIGTERM, then SIGKILL) and the result is 124,
  the status `timeout(1)` uses.

QEMU is stopped on every way out (an ExitStack), so an exception or Ctrl-C leaves no process.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..errors import OrbitalError
from ..paths import project_root
from ..secret import ensure_secret, read_secret
from ..secret import qemu_args as secret_args
from ..symbolize import Symbolizer
from .console import SerialConsole
from .network import net_args, parse_net
from .process import QemuStderr, SavedTerminal, pump, stop
from .profile import DEFAULT_PROFILE, DebugExit, Profile, display_path, load_profile

DEFAULT_IMAGE = Path("build/default/orbital.img")
DEFAULT_PROMPT = r"orbital> "
DEFAULT_TIMEOUT = 60.0
DEFAULT_GDB_PORT = 1234
DEFAULT_DISK_SIZE = 64 << 20
TIMEOUT_RETURNCODE = 124
QEMU_ENV = "ORBITAL_QEMU"

_INSTALL_HINT = "install it with `sudo apt-get install -y qemu-system-x86` (Debian/Ubuntu)"


@dataclass(frozen=True)
class Launch:
    """Everything decided before QEMU starts."""

    argv: list[str]
    image: Path
    profile: Profile
    kernel_elf: Path | None
    gdb_port: int | None = None

    def command_line(self) -> str:
        """The argv as one shell-quoted line, as printed before every run."""
        return shlex.join(self.argv)

    def gdb_hint(self) -> str:
        elf = display_path(self.kernel_elf or self.image.parent / "kernel.elf")
        return shlex.join(["gdb", elf, "-ex", f"target remote 127.0.0.1:{self.gdb_port}"])


@dataclass(frozen=True)
class BootResult:
    """The outcome of one boot."""

    returncode: int  # what `orbital-qemu boot` exits with: 0, 1 or 124
    output: str  # everything the guest printed on COM1, decoded
    elapsed_s: float  # QEMU start to stop, wall clock
    matched: dict[str, str]  # --expect pattern -> first line it matched
    qemu_status: int | None  # QEMU's exit status (negative: killed by that signal)
    summary: str = ""  # one line saying why `returncode` is what it is
    missing: tuple[str, ...] = ()  # --expect patterns never seen
    timed_out: bool = False
    argv: list[str] = field(default_factory=list)
    qemu_stderr: str = ""  # what QEMU itself printed (warnings, errors)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def read_manifest(image: Path) -> dict[str, Any] | None:
    """`image.json` beside `image`, or None when there is none."""
    path = image.parent / "image.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise OrbitalError(f"{path}: cannot read image manifest: {e}") from None
    if not isinstance(data, dict):
        raise OrbitalError(f"{path}: image manifest is not a JSON object")
    return data


def _root_or_none() -> Path | None:
    try:
        return project_root()
    except OrbitalError:
        return None


def find_kernel_elf(image: Path, explicit: str | Path | None = None,
                    manifest: dict[str, Any] | None = None) -> Path | None:
    """The unstripped kernel ELF for `image`: `explicit` if given, else image.json's
    `kernel_elf` (relative to the project root), else `kernel.elf` beside the image."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise OrbitalError(f"{path}: kernel ELF not found")
        return path
    entry = (manifest or {}).get("kernel_elf")
    if isinstance(entry, str):
        root = _root_or_none()
        path = Path(entry) if Path(entry).is_absolute() or root is None else root / entry
        if path.is_file():
            return path
    beside = image.parent / "kernel.elf"
    return beside if beside.is_file() else None


def resolve_qemu(profile: Profile, qemu: str | None = None) -> str:
    """The QEMU executable to run: `qemu`, else $ORBITAL_QEMU, else the profile's binary;
    a bare name is looked up on PATH. Raises a one-line OrbitalError if it is missing."""
    name = qemu or os.environ.get(QEMU_ENV) or profile.binary
    if os.sep in name:
        if not os.path.isfile(name):
            raise OrbitalError(f"{name}: QEMU binary not found")
        if not os.access(name, os.X_OK):
            raise OrbitalError(f"{name}: QEMU binary is not executable")
        return name
    found = shutil.which(name)
    if found is None:
        raise OrbitalError(f"{name} not found: {_INSTALL_HINT}")
    return found


def _missing_image(image: Path) -> OrbitalError:
    name = image.parent.name or "default"
    return OrbitalError(f"{display_path(image)}: no such image; build it first with "
                        f"`orbital-build image images/{name}.toml`")


def disk_args(disk: Path) -> list[str]:
    """QEMU arguments that attach `disk` (a raw image) as a modern-only virtio-blk device:
    the PCI function 1af4:1042 a driver finds with the virtio 1.x transport."""
    spec = str(disk).replace(",", ",,")   # QEMU's option syntax escapes commas by doubling
    return ["-drive", f"file={spec},if=none,format=raw,id=disk0",
            "-device", "virtio-blk-pci,drive=disk0,disable-legacy=on"]


def ensure_disk(disk: Path, size: int = DEFAULT_DISK_SIZE) -> bool:
    """Create `disk` as an empty Storage disk (`orbital-build disk create`) when it is
    missing; True if it was created. An existing file is used as it is."""
    if disk.exists():
        if not disk.is_file():
            raise OrbitalError(f"{disk}: not a regular file")
        return False
    from ..storage.writer import create_disk
    if not disk.parent.is_dir():
        raise OrbitalError(f"{disk}: no directory {disk.parent}")
    create_disk(disk, size)
    return True


def machine_secret_for(disk: str | Path | None,
                       machine_secret: str | Path | None) -> Path | None:
    """The machine secret a boot gets: the one named, else the disk's (DISK.secret, one
    secret per disk), else none."""
    if machine_secret is not None:
        return Path(machine_secret)
    return Path(f"{disk}.secret") if disk is not None else None


def plan_boot(image: str | Path | None = None, *, profile: Profile | str | Path | None = None,
              qemu: str | None = None, kernel_elf: str | Path | None = None,
              gdb_port: int | None = None, extra_args: Sequence[str] = (),
              check: bool = True, axiom: str | Path | None = None,
              net: str | None = None, disk: str | Path | None = None,
              machine_secret: str | Path | None = None) -> Launch:
    """Decide the argv for booting `image` (default build/default/orbital.img).

    `profile` is a Profile, a name (qemu/NAME.toml) or a path; None takes the one named in
    image.json, else `default`. With `check`, the image and the QEMU binary must exist
    (a dry run passes check=False and only shows the command). `net` is a --net value
    (qemu/network.py); `disk` is attached as virtio-blk. `machine_secret` is the file the
    guest gets through fw_cfg (D247); with a disk and none given, the disk's own,
    DISK.secret, when it exists (run_image makes it with the disk)."""
    image = Path(image) if image is not None else project_root() / DEFAULT_IMAGE
    if check and not image.is_file():
        raise _missing_image(image)
    manifest = read_manifest(image) if image.is_file() else None
    if not isinstance(profile, Profile):
        named = (manifest or {}).get("profile")
        profile = load_profile(profile or (named if isinstance(named, str) else DEFAULT_PROFILE))
    binary = qemu or os.environ.get(QEMU_ENV) or profile.binary
    if check:
        resolve_qemu(profile, binary)
    argv = [binary, *profile.machine_args(), "-serial", "stdio", "-kernel", str(image)]
    if axiom is not None:   # the kernel streams every commit to the debugcon port (0xE9)
        argv += ["-debugcon", f"file:{axiom}"]
    if net is not None:
        argv += net_args(parse_net(net))
    if disk is not None:
        argv += disk_args(Path(disk))
    secret = machine_secret_for(disk, machine_secret)
    if secret is not None and (machine_secret is not None or secret.exists() or not check):
        if check:
            read_secret(secret)   # refuse a bad file before QEMU does
        argv += secret_args(secret)
    if gdb_port is not None:
        argv += ["-gdb", f"tcp:127.0.0.1:{gdb_port}", "-S"]
    argv += list(extra_args)
    if kernel_elf is not None and not check:
        elf: Path | None = Path(kernel_elf)
    else:
        elf = find_kernel_elf(image, kernel_elf, manifest)
    return Launch(argv, image, profile, elf, gdb_port)


def describe_status(status: int, debug_exit: DebugExit) -> tuple[int, str]:
    """(returncode, summary) for a QEMU exit status when no --expect patterns were given."""
    if status == debug_exit.success_status:
        return 0, f"guest reported success (QEMU exit {status})"
    if status == debug_exit.failure_status:
        return 1, f"guest reported failure (QEMU exit {status})"
    if status == 0:
        return 1, "guest powered off or triple-faulted (QEMU exit 0 is not success)"
    if status < 0:
        try:
            return 1, f"QEMU killed by {signal.Signals(-status).name}"
        except ValueError:
            return 1, f"QEMU killed by signal {-status}"
    if status & 1 and status > 1:  # another value written to the debug-exit port
        return 1, f"QEMU exited with status {status} (guest wrote {status >> 1:#x} to debug-exit)"
    return 1, f"QEMU exited with status {status}"


def _check_output_file(path: Path, what: str) -> None:
    """Refuse, before QEMU starts, an output file that cannot be written: its directory
    missing, or the name taken by a directory."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OrbitalError(f"{path}: cannot write the {what}: no such directory {parent}")
    if path.is_dir():
        raise OrbitalError(f"{path}: cannot write the {what}: it is a directory")


def run_image(image: str | Path | None = None, *, profile: Profile | str | Path | None = None,
              expect: Sequence[str] = (), timeout: float | None = DEFAULT_TIMEOUT,
              input_lines: Sequence[str] | None = None, log: str | Path | None = None,
              quiet: bool = False, extra_args: Sequence[str] = (), qemu: str | None = None,
              kernel_elf: str | Path | None = None, gdb_port: int | None = None,
              prompt: str = DEFAULT_PROMPT, input_delay: float = 0.05,
              interactive: bool = False, kill_grace: float = 2.0,
              echo: TextIO | None = None, symbolize: bool = True,
              axiom: str | Path | None = None, net: str | None = None,
              disk: str | Path | None = None,
              machine_secret: str | Path | None = None) -> BootResult:
    """Boot `image` in QEMU and return how it went (see the module docstring).

    The argv is printed on stderr first. Guest lines are echoed to `echo` (default
    stdout) through the kernel symbolizer unless `quiet`. `input_lines` are written to
    QEMU's stdin, each once the next match of `prompt` has been seen; otherwise stdin is
    the terminal when `interactive`, else /dev/null. `timeout` None (or 0) waits forever;
    with `gdb_port` QEMU waits for a debugger and the timeout is off. `disk` is attached
    as virtio-blk, created (an empty Storage disk) when missing, and so is its machine
    secret DISK.secret unless `machine_secret` names another file."""
    if timeout is not None and not (math.isfinite(timeout) and timeout >= 0):
        raise OrbitalError(f"timeout {timeout!r}: not a finite number of seconds >= 0")
    for path, what in ((log, "console log"), (axiom, "Axiom log")):
        if path is not None:
            _check_output_file(Path(path), what)
    launch = plan_boot(image, profile=profile, qemu=qemu, kernel_elf=kernel_elf,
                       gdb_port=gdb_port, extra_args=extra_args, axiom=axiom, net=net,
                       disk=disk, machine_secret=machine_secret)
    if disk is not None and ensure_disk(Path(disk)):
        print(f"qemu: created {disk} (empty disk, {DEFAULT_DISK_SIZE >> 20} MiB)",
              file=sys.stderr, flush=True)
    secret = machine_secret_for(disk, machine_secret)
    if secret is not None and machine_secret is None and ensure_secret(secret):
        print(f"qemu: created {secret} (the disk's machine secret)", file=sys.stderr,
              flush=True)
        launch = plan_boot(image, profile=profile, qemu=qemu, kernel_elf=kernel_elf,
                           gdb_port=gdb_port, extra_args=extra_args, axiom=axiom, net=net,
                           disk=disk, machine_secret=machine_secret)   # now with it
    print(f"+ {launch.command_line()}", file=sys.stderr, flush=True)
    if gdb_port is not None:
        print(f"qemu: waiting for a debugger: {launch.gdb_hint()}", file=sys.stderr, flush=True)
        timeout = None
    executable = resolve_qemu(launch.profile, launch.argv[0])
    symbolizer = _symbolizer(launch.kernel_elf) if symbolize and not quiet else None

    with ExitStack() as stack:
        try:
            log_file = stack.enter_context(open(log, "wb")) if log is not None else None
        except OSError as e:
            raise OrbitalError(f"{log}: cannot write the console log: {e.strerror}") from None
        console = SerialConsole(
            expect=expect, prompt=prompt if input_lines is not None else None,
            echo=None if quiet else (echo or sys.stdout), log=log_file,
            annotate=symbolizer.annotate if symbolizer else None)
        if input_lines is not None:
            stdin: int | None = subprocess.PIPE
        else:
            stdin = None if interactive else subprocess.DEVNULL
        terminal = SavedTerminal() if stdin is None else None
        if terminal is not None:
            stack.callback(terminal.restore)
        start = time.monotonic()
        try:
            proc = subprocess.Popen(launch.argv, executable=executable, stdin=stdin,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as e:
            raise OrbitalError(f"{launch.argv[0]}: cannot run: {e.strerror}") from None
        stack.enter_context(proc)  # closes the pipes and reaps QEMU on the way out...
        stack.callback(stop, proc, kill_grace)  # ...after stopping it, if still running
        qemu_stderr = QemuStderr(sys.stderr)
        timed_out = pump(proc, console, qemu_stderr, start=start, timeout=timeout,
                         lines=deque(input_lines or ()), input_delay=input_delay)
        status = stop(proc, kill_grace)
        elapsed = time.monotonic() - start
        console.finish()  # a prompt left unfinished still ends its line on our stdout
        assert proc.stderr is not None
        qemu_stderr.drain(proc.stderr.fileno())

    if timed_out:
        returncode, summary = TIMEOUT_RETURNCODE, f"timeout after {timeout:g} s"
        if console.missing:
            summary += ", still waiting for " + ", ".join(repr(p) for p in console.missing)
    elif expect and console.all_matched:
        returncode, summary = 0, f"saw all {len(expect)} expected pattern(s)"
    elif expect:
        _, why = describe_status(status, launch.profile.debug_exit)
        missing = ", ".join(repr(p) for p in console.missing)
        returncode, summary = 1, f"QEMU stopped ({why}) before the guest printed {missing}"
    else:
        returncode, summary = describe_status(status, launch.profile.debug_exit)
    return BootResult(returncode=returncode, output=console.output, elapsed_s=elapsed,
                      matched=dict(console.matched), qemu_status=status, summary=summary,
                      missing=tuple(console.missing), timed_out=timed_out,
                      argv=list(launch.argv), qemu_stderr=qemu_stderr.text)


def _symbolizer(elf: Path | None) -> Symbolizer | None:
    """A symbolizer for the console, or None (with a note) if `elf` is unusable."""
    if elf is None:
        return None
    symbolizer = Symbolizer(elf)
    try:
        symbolizer.load()
    except OrbitalError as e:
        print(f"qemu: not symbolizing: {e}", file=sys.stderr)
        return None
    return symbolizer


