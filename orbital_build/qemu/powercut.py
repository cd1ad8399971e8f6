"""Power cuts: `orbital-qemu powercut` and tests/e2e/test_powercut.py.

The image (images/powercut.toml) runs the Storage service on the virtio-blk driver and the
power-cut writer (tests/programs/kv_writer), which performs numbered operations on its
namespace and prints "pcw: ack B N" only after Storage has answered operation N of boot
B. Each cut boots the image on the same disk file, SIGKILLs QEMU at a random instant —
during boot and mount now and then, mostly while the writer writes — and then checks
the disk on the host with the code `orbital-build disk fsck` runs:

- the check finds no damage (a torn write of the operation in flight is a note, not
  damage);
- the writer's namespace holds exactly what the acknowledged operations left, except that
  an operation whose outcome the writer never learned — the one in flight at the cut
  (after the last "ack" line seen), or one Storage answered with an error — may be there
  whole or not at all; every value is read back and compared byte for byte;
- the next boot's own mount check reports no damage either.

The operations are a pure function of (boot, n): `op_of` here and `mix`/`size_of`/
`pattern` in kv_writer/main.c must agree.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..cli import Command
from ..errors import OrbitalError
from ..paths import project_root
from ..storage.scan import read_disk
from ..storage.writer import create_disk
from .boot import plan_boot, resolve_qemu

NAMESPACE = b"app:powercut-writer"
KEYS = 24
DISK_SIZE = 16 << 20   # small, so that the log wraps and compaction runs between cuts
CI_CUTS = 20
FULL_CUTS = 200
_MASK = (1 << 64) - 1
_BOOT = re.compile(r"^pcw: boot (\d+)$")
_ACK = re.compile(r"^pcw: ack (\d+) (\d+)$")
_FAIL = re.compile(r"^pcw: fail (\d+) (\d+) (-?\d+) ?(.*)$")
_MOUNT = re.compile(r"^storage: mounted: .*; check: (\d+) findings, (\d+) damage$")


class PowerCutError(OrbitalError):
    """A cut left the disk in a state no sequence of acknowledged writes explains."""


def mix(boot: int, n: int) -> int:
    x = ((boot * 0x9E3779B97F4A7C15) ^ (n * 0xC2B2AE3D27D4EB4F)) & _MASK
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & _MASK
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


def size_of(x: int) -> int:
    r, v = (x >> 16) % 100, x >> 24
    if r < 60:
        return v % 1024
    if r < 90:
        return 1024 + v % 16384
    if r < 98:
        return 16384 + v % 65536
    return 200000 + v % 200000


def pattern(length: int, seed: int) -> bytes:
    x = seed | 1
    out = bytearray(length)
    for i in range(length):
        x ^= (x << 13) & _MASK
        x ^= x >> 7
        x ^= (x << 17) & _MASK
        out[i] = x & 0xFF
    return bytes(out)


def op_of(boot: int, n: int) -> tuple[bytes, bytes | None]:
    """Operation n of boot `boot`: (key, value), value None for a DELETE."""
    x = mix(boot, n)
    key = b"k%02d" % (x % KEYS)
    if (x >> 8) % 8 == 0:
        return key, None
    return key, pattern(size_of(x), x)


@dataclass
class Boot:
    """What one boot printed before it was cut."""

    lines: list[str]
    cut_at: float          # seconds after QEMU started
    writing: bool          # the writer had started its operations
    boot: int | None = None
    done: int = 0                                   # operations answered (ack or fail)
    failed: dict[int, str] = field(default_factory=dict)   # op -> "rc reason"
    mount_damage: int | None = None
    mount_findings: int | None = None


@dataclass
class Figures:
    cuts: int = 0
    cuts_during_boot: int = 0
    acked_ops: int = 0
    failed_ops: int = 0
    uncertain_applied: int = 0      # in flight at a cut, or failed: found on the disk
    uncertain_absent: int = 0       # ... found not to be there
    torn_notes: int = 0
    boots: int = 0
    seconds: float = 0.0
    largest_log_sectors: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "notes"}


class _Reader(threading.Thread):
    """Collects QEMU's stdout as lines, each with the time it arrived."""

    def __init__(self, proc: subprocess.Popen[bytes], start: float) -> None:
        super().__init__(daemon=True)
        self.proc, self.start_time = proc, start
        self.lines: list[tuple[float, str]] = []
        self.cond = threading.Condition()

    def run(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            if not raw.endswith(b"\n"):
                break   # the line was cut short with the machine
            with self.cond:
                self.lines.append((time.monotonic() - self.start_time,
                                   raw.decode("utf-8", "replace").rstrip("\r\n")))
                self.cond.notify_all()

    def wait_for(self, regex: re.Pattern[str], deadline: float) -> bool:
        with self.cond:
            while not any(regex.match(text) for _, text in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or not self.is_alive():
                    return False
                self.cond.wait(min(left, 0.05))
            return True


class PowerCut:
    """A disk, the model of what it must hold, and the cuts made to it so far."""

    def __init__(self, image: Path, disk: Path, seed: int, log=None,
                 drive: list[str] | None = None, allow_failures: bool = False) -> None:
        """`drive`: QEMU arguments that attach `disk` some other way (blkdebug); with
        `allow_failures` an operation Storage answers with an error is not a failure of
        the run (it is uncertain, like the one in flight)."""
        self.image, self.disk, self.rng, self.log = image, disk, random.Random(seed), log
        self.allow_failures = allow_failures
        self.model: dict[bytes, bytes] = {}
        # key -> values it may hold instead (None: absent), from uncertain operations
        self.maybe: dict[bytes, list[bytes | None]] = {}
        self.last_boot = 0
        self.figures = Figures()
        self.boots: list[Boot] = []
        create_disk(disk, DISK_SIZE, force=True)
        if drive is None:
            self.launch = plan_boot(image, disk=disk)
        else:
            self.launch = plan_boot(image, extra_args=drive)
        self.executable = resolve_qemu(self.launch.profile, self.launch.argv[0])

    def _boot_and_cut(self, cut: bool = True, wait_for: re.Pattern[str] | None = None,
                      timeout: float = 60) -> Boot:
        """Boot; SIGKILL QEMU at a random instant (or, with `wait_for`, once a line matches
        it). Returns what the boot printed, parsed."""
        start = time.monotonic()
        proc = subprocess.Popen(self.launch.argv, executable=self.executable,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        reader = _Reader(proc, start)
        reader.start()
        try:
            if wait_for is not None:
                if not reader.wait_for(wait_for, start + timeout):
                    raise PowerCutError(f"never saw {wait_for.pattern!r}: " +
                                        " | ".join(t for _, t in reader.lines[-5:]))
            elif self.rng.random() < 0.15:   # somewhere in boot, driver start or mount
                time.sleep(self.rng.uniform(0.05, 1.2))
            else:                             # while the writer writes
                if not reader.wait_for(_BOOT, start + timeout):
                    raise PowerCutError("the writer never started: " +
                                        " | ".join(t for _, t in reader.lines[-5:]))
                time.sleep(self.rng.uniform(0.0, 0.6))
            cut_at = time.monotonic() - start
            proc.send_signal(signal.SIGKILL)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            reader.join(5)
        lines = [t for _, t in reader.lines]
        b = Boot(lines, cut_at, writing=False)
        for text in lines:
            if m := _BOOT.match(text):
                b.boot, b.writing = int(m.group(1)), True
            elif (m := _ACK.match(text) or _FAIL.match(text)) and b.boot == int(m.group(1)):
                n = int(m.group(2))
                if n != b.done + 1:
                    raise PowerCutError(f"operation {n} of boot {b.boot} after {b.done}")
                b.done = n
                if m.re is _FAIL:
                    b.failed[n] = f"{m.group(3)} {m.group(4)}"
            elif m := _MOUNT.match(text):
                b.mount_findings, b.mount_damage = int(m.group(1)), int(m.group(2))
            elif text.startswith("pcw: ") and "failed" in text:
                raise PowerCutError(text)
        if b.failed and not self.allow_failures:
            raise PowerCutError(f"boot {b.boot}: Storage refused operations: {b.failed}")
        self.boots.append(b)
        return b

    def cut(self, **kw) -> Boot:
        """One boot, one cut, one check."""
        b = self._boot_and_cut(**kw)
        f = self.figures
        f.cuts += 1
        f.cuts_during_boot += not b.writing
        if b.mount_damage:
            raise PowerCutError(f"cut {f.cuts}: the guest's mount found damage: "
                                f"{[t for t in b.lines if t.startswith('storage:')]}")
        if b.boot is not None:
            if b.boot != self.last_boot + 1:
                raise PowerCutError(f"cut {f.cuts}: boot {b.boot} follows boot "
                                    f"{self.last_boot}")
            self.last_boot = b.boot
            self._known(b"boot", str(b.boot).encode())
            f.boots += 1
            f.acked_ops += 1   # the boot count is an acknowledged write too
            for n in range(1, b.done + 1):
                key, value = op_of(b.boot, n)
                if n in b.failed:
                    self._uncertain(key, value)
                    f.failed_ops += 1
                else:
                    self._known(key, value)
                    f.acked_ops += 1
            self._uncertain(*op_of(b.boot, b.done + 1))   # in flight
        else:
            self._uncertain(b"boot", str(self.last_boot + 1).encode())
        self._check(b)
        return b

    def _known(self, key: bytes, value: bytes | None) -> None:
        """An acknowledged operation: the key holds this from now on."""
        self.maybe.pop(key, None)
        if value is None:
            self.model.pop(key, None)
        else:
            self.model[key] = value

    def _uncertain(self, key: bytes, value: bytes | None) -> None:
        """An operation that may or may not have taken effect."""
        self.maybe.setdefault(key, []).append(value)

    def _check(self, b: Boot) -> None:
        f = self.figures
        disk = read_disk(self.disk)
        bad = [p.line() for p in disk.problems if p.damage]
        if bad:
            raise PowerCutError(f"cut {f.cuts}: fsck finds damage: {bad}")
        f.torn_notes += len(disk.problems)
        f.largest_log_sectors = max(f.largest_log_sectors, disk.head - disk.sb.tail)
        others = {ns for ns, _ in disk.entries if ns != NAMESPACE}
        if others:
            raise PowerCutError(f"cut {f.cuts}: other namespaces appeared: {others}")
        stored = {key: disk.get(ns, key) for (ns, key) in disk.entries}
        wrong = []
        for key in sorted(set(stored) | set(self.model) | set(self.maybe)):
            have, want = stored.get(key), self.model.get(key)
            if have == want:
                f.uncertain_absent += key in self.maybe
            elif key in self.maybe and have in self.maybe[key]:
                f.uncertain_applied += 1
            else:
                wrong.append(f"{key.decode()} ({len(have or b'')} bytes stored, "
                             f"{len(want or b'')} expected)")
        if wrong:
            raise PowerCutError(
                f"cut {f.cuts} (boot {b.boot}, {b.done} answered, cut at {b.cut_at:.2f} s): "
                f"the disk differs from the acknowledged writes in {len(wrong)} keys: "
                + ", ".join(wrong[:5]))
        # what the disk holds is now known: the next boot starts from it
        if stored.get(b"boot") != self.model.get(b"boot"):
            self.last_boot += 1
        self.model, self.maybe = stored, {}

    def run(self, cuts: int) -> Figures:
        t0 = time.monotonic()
        for i in range(cuts):
            self.cut()
            if self.log:
                f = self.figures
                self.log(f"cut {i + 1}/{cuts}: boot {self.last_boot}, "
                         f"{f.acked_ops} writes acknowledged so far, "
                         f"{len(self.model)} keys on the disk")
        self.figures.seconds = round(time.monotonic() - t0, 1)
        return self.figures


def build_powercut_image() -> Path:
    from ..image.command import build_image
    root = project_root()
    info = build_image(root / "images" / "powercut.toml", quiet=True)
    return root / info["image"]


class PowerCutCommand(Command):
    name = "powercut"
    help = "cut the power under the Storage service N times and check every acknowledged write"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--cuts", type=int, default=FULL_CUTS, metavar="N",
                            help=f"how many cuts (default {FULL_CUTS}; CI runs {CI_CUTS})")
        parser.add_argument("--seed", type=int, default=1, help="random seed of the instants")
        parser.add_argument("--disk", metavar="FILE",
                            help="the disk file (default: build/powercut/disk.img, "
                                 "recreated)")
        parser.add_argument("--json", action="store_true", help="also print the figures as JSON")

    def run(self, args: argparse.Namespace) -> int:
        if args.cuts < 1:
            raise OrbitalError("--cuts must be at least 1")
        image = build_powercut_image()
        disk = Path(args.disk) if args.disk else image.parent / "disk.img"
        pc = PowerCut(image, disk, args.seed, log=lambda s: print(s, flush=True))
        f = pc.run(args.cuts)
        print(f"power cuts: {f.cuts} ({f.cuts_during_boot} during boot or mount), "
              f"{f.acked_ops} acknowledged writes all found; writes in flight at a cut: "
              f"{f.uncertain_applied} found whole, {f.uncertain_absent} not there; "
              f"torn-write notes {f.torn_notes}; damage 0; {f.seconds} s")
        if args.json:
            print(json.dumps(f.as_dict(), sort_keys=True))
        return 0
