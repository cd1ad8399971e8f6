"""A boot archive whose header was changed is refused by the kernel: every field, reserved
bytes included, is under the digest. The entry count once was not, so lowering it booted
the machine without its last entries (init's capabilities among them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from orbital_build.axiom.command import verify_log
from orbital_build.image import archive
from orbital_build.qemu import run_image

FIELDS = sorted(archive.header_fields())


@pytest.fixture(scope="module")
def default(images) -> tuple[Path, int]:
    """The default image and the file offset of its boot archive."""
    info = images.build("default")
    path = images.path("default")
    with path.open("rb") as f:
        seg = next(s for s in ELFFile(f).iter_segments()
                   if s["p_type"] == "PT_LOAD" and s["p_paddr"] == info["archive_paddr"])
        return path, seg["p_offset"]


@pytest.mark.parametrize("field", FIELDS)
def test_a_changed_header_field_stops_the_boot(default, tmp_path, field: str) -> None:
    path, start = default
    data = bytearray(path.read_bytes())
    f = archive.header_fields()[field]
    at = start + f.offset
    if field == "count":   # one entry fewer: the last one would silently vanish
        n = int.from_bytes(data[at:at + f.size], "little")
        data[at:at + f.size] = (n - 1).to_bytes(f.size, "little")
    else:
        data[at] ^= 1
    image = tmp_path / "orbital.img"
    image.write_bytes(bytes(data))
    shutil.copy(path.parent / "image.json", tmp_path / "image.json")
    log = tmp_path / "boot.axiom"
    r = run_image(image, quiet=True, timeout=60, axiom=log,
                  kernel_elf=path.parent / "kernel.elf")
    out = r.output
    assert r.returncode == 1 and not r.timed_out, r.summary + out[-2000:]
    assert "sha256 ok" not in out and "init:" not in out, out[-2000:]
    assert "boot archive: " in out and "; no services will start" in out, out[-2000:]
    assert "orbital: nothing to run; stopping" in out
    assert verify_log(log)["commits"] >= 1   # the kernel still sealed its log at the stop
