"""Builds are reproducible (two clean builds in different directories give the same image,
bit for bit) and incremental (a no-op rebuild does nothing; touching one header rebuilds
exactly the objects whose gcc depfiles name it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".git", "build", ".venv", "__pycache__", "*.egg-info",
                              ".pytest_cache", ".ruff_cache")


def _copy_tree(dst: Path) -> Path:
    """A copy of the source tree, as a clean clone would have it."""
    shutil.copytree(ROOT, dst, ignore=SKIP)
    return dst


def _build(root: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ORBITAL_ROOT=str(root))
    return subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "image",
                           "images/default.toml", "--json", *extra], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600, check=False)


def _ninja(root: Path, *args: str) -> str:
    import ninja
    exe = str(Path(ninja.BIN_DIR) / "ninja")
    return subprocess.run([exe, "-f", "build/default/build.ninja", *args], cwd=root,
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Path, Path, str, str]:
    base = tmp_path_factory.mktemp("repro")
    a, b = _copy_tree(base / "first"), _copy_tree(base / "second-elsewhere")
    ra, rb = _build(a), _build(b)
    assert ra.returncode == 0, ra.stderr
    assert rb.returncode == 0, rb.stderr
    sha = [re.search(r'"sha256": "([0-9a-f]{64})"', r.stdout.splitlines()[-1]).group(1)
           for r in (ra, rb)]
    return a, b, sha[0], sha[1]


def test_two_clean_builds_are_bit_identical(two_builds) -> None:
    a, b, sha_a, sha_b = two_builds
    assert sha_a == sha_b
    assert (a / "build/default/orbital.img").read_bytes() == \
        (b / "build/default/orbital.img").read_bytes()
    assert str(a).encode() not in (a / "build/default/orbital.img").read_bytes()


def test_build_prints_ninja_progress_and_a_size_map(two_builds) -> None:
    a, *_ = two_builds
    r = _build(a)
    assert r.returncode == 0
    out = r.stdout.splitlines()
    assert out[0].startswith("image: build/default/orbital.img")
    assert any(line.strip().startswith("kernel   text") for line in out)
    assert any(line.strip().startswith("service  init") for line in out)
    assert out[-1].startswith("{") and '"kernel_elf"' in out[-1]


def test_noop_rebuild_does_nothing(two_builds) -> None:
    a, *_ = two_builds
    assert "no work to do" in _ninja(a, "-n")


def test_touching_a_header_rebuilds_exactly_its_dependants(two_builds) -> None:
    a, *_ = two_builds
    header = "kernel_image/include/kernel/sha256.h"
    deps = _ninja(a, "-t", "deps")
    users = set()
    for block in deps.split("\n\n"):
        lines = block.strip().splitlines()
        if lines and any(line.strip() == header for line in lines[1:]):
            users.add(lines[0].split(":")[0])
    assert users, "gcc depfiles were not recorded"
    os.utime(a / header)
    plan = _ninja(a, "-n", "-v")
    rebuilt = set(re.findall(r" -o (\S+\.o)\b", plan))
    assert rebuilt == users
    assert "kernel.elf" in plan
    r = _build(a)
    assert r.returncode == 0, r.stderr
    assert "no work to do" in _ninja(a, "-n")
