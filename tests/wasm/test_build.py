"""`orbital-build wasm`: the same kernel core and service sources as the x86_64 image,
built as wasm64 modules, packed in the same boot archive format."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from orbital_build.image import archive
from orbital_build.wasm.build import build_wasm
from orbital_build.wasm.module import SEC_DATA, imports, sections

ROOT = Path(__file__).resolve().parents[2]
TARGET_TEST = re.compile(r"__wasm|__x86_64__|__amd64__|__asm__|\basm\s*(volatile)?\s*\(")


@pytest.fixture(scope="module")
def site() -> dict:
    return build_wasm(ROOT / "images/default.toml", quiet=True)


def test_every_service_of_the_image_is_a_program(site: dict) -> None:
    out = ROOT / site["site"]
    from orbital_build.image.description import load_image
    img = load_image(ROOT / "images/default.toml", ROOT)
    assert sorted(site["services"]) == sorted(s.name for s in img.services)
    assert {"init", "permissions", "process", "shell"} <= set(site["services"])
    files = {f.name: f for f in archive.unpack((out / "archive.bin").read_bytes())}
    blob = (out / "archive.bin").read_bytes()
    for name in site["services"]:
        f = files[name]
        assert f.flags & archive.FLAG_ELF
        program = blob[f.offset:f.offset + f.size]
        assert SEC_DATA not in [s.id for s in sections(program)]
        assert {(m, n) for m, n, _ in imports(program)} <= {
            ("env", "memory"), ("orbital", "syscall"), ("orbital", "ipcbuf"),
            ("orbital", "cycles"), ("orbital", "store"),
            ("orbital", "fetch")}
    assert {"initcaps", "services", "servicecaps"} <= set(files)


def test_the_kernel_imports_only_its_host(site: dict) -> None:
    kernel = (ROOT / site["site"] / "kernel.wasm").read_bytes()
    assert {m for m, _, _ in imports(kernel)} == {"orbital_host"}
    assert site["kernel_wasm_bytes"] == len(kernel)


def test_the_site_has_the_page_and_its_host(site: dict) -> None:
    out = ROOT / site["site"]
    for f in ("index.html", "page.js", "kernel.js", "process.js", "shared.js", "store.js",
              "fetch.js", "abi.json"):
        assert (out / f).is_file(), f


def _service_sources() -> list[Path]:
    found = [p for p in sorted((ROOT / "services").rglob("*.[ch]"))
             if "arch" not in p.relative_to(ROOT / "services").parts and "gen" not in p.parts]
    assert len(found) > 40
    return found


def test_service_sources_never_test_the_target() -> None:
    hits = [f"{p.relative_to(ROOT)}:{i}" for p in _service_sources()
            for i, line in enumerate(p.read_text().splitlines(), 1) if TARGET_TEST.search(line)]
    assert hits == []


def test_a_missing_description_is_one_line() -> None:
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "wasm",
                           "images/nope.toml"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
