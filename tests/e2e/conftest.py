"""End-to-end: boot real images in qemu-system-x86_64 (TCG) and read the serial console.
Every boot also captures the kernel's CommitLog stream and must pass `axiom verify` — with
the machine's key (`--key`) when the boot was given a machine secret."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orbital_build.axiom.command import verify_log
from orbital_build.qemu import run_image
from orbital_build.qemu.boot import machine_secret_for
from orbital_build.secret import checkpoint_public_key


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.qemu)


@pytest.fixture(scope="session", autouse=True)
def _qemu_present() -> None:
    if not shutil.which("qemu-system-x86_64"):
        pytest.fail("qemu-system-x86_64 is missing: run ./orbital test (it installs "
                    "qemu-system-x86) or apt-get install -y qemu-system-x86")


class Boot:
    """A BootResult plus its Axiom log and that log's verification summary."""

    def __init__(self, result, axiom_log: Path, axiom: dict | None) -> None:
        self.result, self.axiom_log, self.axiom = result, axiom_log, axiom

    def __getattr__(self, name: str):
        return getattr(self.result, name)


class Booter:
    """Boots images with the Axiom stream captured; checks the stream of every boot."""

    def __init__(self, images, logdir: Path) -> None:
        self.images, self.logdir, self.count = images, logdir, 0

    def __call__(self, name: str, *, verify: bool = True, **kw):
        self.count += 1
        log = self.logdir / f"{name}-{self.count}.axiom"
        result = run_image(self.images.path(name), quiet=True, axiom=log, **kw)
        # raises (fails the test) on any damage to the log of this boot; a boot we stopped
        # (expect, timeout) may end in the middle of a commit; a machine given a secret
        # (its disk's, or one named) signs its checkpoints with the key it gives
        stopped = bool(kw.get("expect")) or result.timed_out
        secret = machine_secret_for(kw.get("disk"), kw.get("machine_secret"))
        key = checkpoint_public_key(secret.read_bytes()) if secret else None
        return Boot(result, log,
                    verify_log(log, partial_tail=stopped, key=key) if verify else None)


@pytest.fixture(scope="session")
def boot(images, tmp_path_factory) -> Booter:
    return Booter(images, tmp_path_factory.mktemp("axiom"))
