"""Fixtures for the machine-model tests: images built once per session, a test kernel
assembled from minikernel/, and machines whose state is reported when a test fails."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from orbital_build.emu.loader import BuiltImage, load_built_image
from orbital_build.emu.machine import Machine
from orbital_build.emu.trace import failure_report
from orbital_build.image.command import build_image
from orbital_build.paths import project_root

MINIKERNEL = Path(__file__).parent / "minikernel"
# Set to use build/<image>/ as it is (e.g. while the kernel does not build) instead of
# running the build first.
PREBUILT_ENV = "ORBITAL_EMU_PREBUILT"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
        item: pytest.Item,
        call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach each machine's report (state, next and last instructions, events,
    console) to a failing test."""
    report = yield
    if report.when == "call" and report.failed:
        for i, m in enumerate(getattr(item, "emu_machines", [])):
            report.sections.append((f"emu machine {i} ({m.image.name})", failure_report(m)))
    return report


@pytest.fixture(scope="session")
def emu_image() -> Callable[[str], BuiltImage]:
    """image(name) -> the built images/NAME.toml, built at most once per session
    (not at all with ORBITAL_EMU_PREBUILT=1)."""
    built: dict[str, BuiltImage] = {}

    def get(name: str) -> BuiltImage:
        if name not in built:
            if not os.environ.get(PREBUILT_ENV):
                # ninja's output goes to sys.stderr, which must be a real file (capsys's
                # is not); the process's own stderr is still captured by pytest
                with contextlib.redirect_stderr(sys.__stderr__):
                    build_image(project_root() / "images" / f"{name}.toml", quiet=True)
            built[name] = load_built_image(name)
        return built[name]

    return get


@pytest.fixture
def boot(request: pytest.FixtureRequest,
         emu_image: Callable[[str], BuiltImage]) -> Callable[..., Machine]:
    """boot(image, cmdline="", ...) -> a Machine at the kernel's entry, traced from the
    first syscall on and reported if the test fails."""
    machines: list[Machine] = []
    request.node.emu_machines = machines

    def make(image: str, **kw: object) -> Machine:
        kw.setdefault("trace", "user")
        m = Machine(emu_image(image), **kw)  # type: ignore[arg-type]
        machines.append(m)
        return m

    return make


@pytest.fixture(scope="session")
def minikernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build directory holding the assembled test kernel as orbital.img and kernel.elf."""
    if not shutil.which("gcc") or not shutil.which("ld"):
        pytest.skip("gcc and ld are needed to assemble the test kernel")
    out = tmp_path_factory.mktemp("minikernel")
    obj = out / "minikernel.o"
    subprocess.run(["gcc", "-c", "-o", str(obj), str(MINIKERNEL / "minikernel.S")], check=True)
    subprocess.run(["ld", "-T", str(MINIKERNEL / "minikernel.ld"), "-nostdlib", "-static",
                    "-no-pie", "-z", "max-page-size=0x1000", "--no-warn-rwx-segments",
                    "-o", str(out / "kernel.elf"), str(obj)], check=True)
    shutil.copy(out / "kernel.elf", out / "orbital.img")
    return out


@pytest.fixture
def minikernel(request: pytest.FixtureRequest, minikernel_dir: Path) -> Machine:
    m = Machine(load_built_image(minikernel_dir), trace=True)
    request.node.emu_machines = [m]
    return m
