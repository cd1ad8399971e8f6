"""QEMU machine profiles: `qemu/NAME.toml`, the machine an image boots on.

A profile names the QEMU binary, machine, CPU model, memory, CPU count, extra raw
arguments and the isa-debug-exit device through which the guest reports its verdict.
Parsing is strict: an unknown key or a value of the wrong type is an `OrbitalError`
naming the file and the dotted key, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OrbitalError
from ..image.schema import parse_toml
from ..paths import project_root

DEFAULT_PROFILE = "default"
PROFILE_DIR = "qemu"

_MEMORY_RE = re.compile(r"^[1-9][0-9]*[KMGT]?$")


@dataclass(frozen=True)
class DebugExit:
    """The isa-debug-exit device: QEMU exits with `(value << 1) | 1` when the guest
    writes `value` to `iobase`."""

    iobase: int = 0xF4
    iosize: int = 4
    success: int = 0x10
    failure: int = 0x11

    @property
    def success_status(self) -> int:
        """QEMU's exit status when the guest reports success."""
        return (self.success << 1) | 1

    @property
    def failure_status(self) -> int:
        """QEMU's exit status when the guest reports failure."""
        return (self.failure << 1) | 1

    def device_arg(self) -> str:
        return f"isa-debug-exit,iobase={self.iobase:#x},iosize={self.iosize:#04x}"


@dataclass(frozen=True)
class Profile:
    """One machine profile, as read from its TOML file."""

    name: str
    path: Path | None
    machine: str
    cpu: str
    memory: str
    binary: str = "qemu-system-x86_64"
    smp: int = 1
    extra_args: tuple[str, ...] = ()
    debug_exit: DebugExit = DebugExit()

    def machine_args(self) -> list[str]:
        """Every QEMU argument the profile contributes (not the binary, serial or kernel)."""
        return [
            "-machine", self.machine,
            "-cpu", self.cpu,
            "-m", self.memory,
            "-smp", str(self.smp),
            *self.extra_args,
            "-device", self.debug_exit.device_arg(),
        ]


def _type_name(value: object) -> str:
    return {bool: "a boolean", int: "an integer", str: "a string", list: "an array",
            dict: "a table", float: "a float"}.get(type(value), type(value).__name__)


class _Reader:
    """Takes typed values out of one TOML table, reporting errors against `file`."""

    def __init__(self, file: str, table: dict[str, Any], prefix: str = "") -> None:
        self.file, self.table, self.prefix = file, table, prefix

    def _fail(self, key: str, what: str) -> OrbitalError:
        return OrbitalError(f"{self.file}: key '{self.prefix}{key}' must be {what}, "
                            f"got {_type_name(self.table[key])}")

    def take(self, key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        if key not in self.table:
            if required:
                raise OrbitalError(f"{self.file}: missing key '{self.prefix}{key}'")
            return default
        value = self.table[key]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise self._fail(key, "an integer")
        if kind is not int and not isinstance(value, kind):
            raise self._fail(key, _type_name(kind()))
        if kind is list:
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    raise OrbitalError(f"{self.file}: key '{self.prefix}{key}' must be an "
                                       f"array of strings; item {i} is {_type_name(item)}")
        return value

    def done(self, known: set[str]) -> None:
        for key in self.table:
            if key not in known:
                raise OrbitalError(f"{self.file}: unknown key '{self.prefix}{key}'")


_TOP_KEYS = {"binary", "machine", "cpu", "memory", "smp", "extra-args", "debug-exit"}
_EXIT_KEYS = {"iobase", "iosize", "success", "failure"}


def parse_profile(text: str | bytes, file: str, name: str = "",
                  path: Path | None = None) -> Profile:
    """Parse profile TOML `text`; `file` names it in error messages."""
    data = parse_toml(text, file)
    top = _Reader(file, data)
    top.done(_TOP_KEYS)
    exit_table = top.take("debug-exit", dict, {})
    ex = _Reader(file, exit_table, "debug-exit.")
    ex.done(_EXIT_KEYS)
    defaults = DebugExit()
    debug_exit = DebugExit(
        iobase=ex.take("iobase", int, defaults.iobase),
        iosize=ex.take("iosize", int, defaults.iosize),
        success=ex.take("success", int, defaults.success),
        failure=ex.take("failure", int, defaults.failure),
    )
    for key in ("iobase", "iosize", "success", "failure"):
        value = getattr(debug_exit, key)
        if not 0 <= value <= 0xFFFF:
            raise OrbitalError(f"{file}: key 'debug-exit.{key}' out of range: {value:#x}")
    if debug_exit.iosize not in (1, 2, 4):
        raise OrbitalError(f"{file}: key 'debug-exit.iosize' must be 1, 2 or 4")
    if debug_exit.success == debug_exit.failure:
        raise OrbitalError(f"{file}: debug-exit success and failure values are the same")

    memory = top.take("memory", str, required=True)
    if not _MEMORY_RE.match(memory):
        raise OrbitalError(f"{file}: key 'memory' must look like '256M', got '{memory}'")
    smp = top.take("smp", int, 1)
    if smp < 1:
        raise OrbitalError(f"{file}: key 'smp' must be at least 1")
    return Profile(
        name=name or Path(file).stem,
        path=path,
        binary=top.take("binary", str, "qemu-system-x86_64"),
        machine=top.take("machine", str, required=True),
        cpu=top.take("cpu", str, required=True),
        memory=memory,
        smp=smp,
        extra_args=tuple(top.take("extra-args", list, [])),
        debug_exit=debug_exit,
    )


def display_path(path: Path) -> str:
    """`path` relative to the working directory when under it, for messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def profile_path(name_or_path: str | Path, root: Path | None = None) -> Path:
    """A profile given by name (`default` → `qemu/default.toml`) or by path."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or "/" in text or text.endswith(".toml"):
        return Path(name_or_path)
    return (root or project_root()) / PROFILE_DIR / f"{text}.toml"


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE, root: Path | None = None) -> Profile:
    """Read a profile by name or path; a missing file lists the profiles there are."""
    path = profile_path(name_or_path, root)
    if not path.is_file():
        directory = path.parent
        known = sorted(p.stem for p in directory.glob("*.toml")) if directory.is_dir() else []
        hint = f"; available: {', '.join(known)}" if known else ""
        raise OrbitalError(f"no QEMU profile '{name_or_path}' ({display_path(path)}){hint}")
    try:
        text = path.read_bytes()
    except OSError as e:
        raise OrbitalError(f"{display_path(path)}: cannot read: {e.strerror}") from None
    return parse_profile(text, display_path(path), path.stem, path)
