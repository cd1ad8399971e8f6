"""Power cuts under the Storage service (images/powercut.toml, orbital_build/qemu/powercut.py):
the writer acknowledges numbered writes on the console only after Storage answered them;
QEMU is SIGKILLed at random instants (during boot and mount too), and after every cut the
disk must pass the check `orbital-build disk fsck` runs and hold exactly what the
acknowledged writes left (the write in flight whole or not at all). CI makes 20 cuts;
`orbital-qemu powercut` makes 200. A device that fails a write (QEMU blkdebug) is the
other way a write can go wrong: Storage answers it with an error, mounts the disk again
and carries on."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from orbital_build.qemu.powercut import CI_CUTS, PowerCut

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def image(images) -> Path:
    return images.path("powercut")


def test_twenty_power_cuts_lose_no_acknowledged_write(image, tmp_path) -> None:
    disk = tmp_path / "disk.img"
    pc = PowerCut(image, disk, seed=20)
    f = pc.run(CI_CUTS)
    assert f.cuts == CI_CUTS
    assert f.boots >= CI_CUTS // 2 and f.acked_ops > 100 * f.boots
    assert f.failed_ops == 0
    assert f.uncertain_applied + f.uncertain_absent >= f.cuts
    # the last disk as the command-line check sees it: no damage, the writer's keys
    r = subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "disk", "fsck",
                        str(disk)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r": clean: \d+ records, \d+ keys in 1 namespaces", r.stdout), r.stdout
    # and every boot after the first mounted the disk and found no damage
    mounts = [b.mount_damage for b in pc.boots if b.mount_damage is not None]
    assert len(mounts) >= CI_CUTS // 2 and set(mounts) == {0}


def test_a_failed_device_write_is_answered_and_storage_mounts_again(image, tmp_path) -> None:
    """blkdebug fails the first write that reaches sector 3000 of the log (once): the
    request that wrote it is answered BackendError (or, if it was the seal after a flush,
    nothing is refused), Storage mounts the disk again and the writer carries on; the disk
    then holds every acknowledged write."""
    disk = tmp_path / "disk.img"
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "3000"\n'
                    'once = "on"\n')
    drive = ["-drive", (f"file=blkdebug:{conf}:{disk},if=none,format=raw,id=disk0,"
                        "rerror=report,werror=report"),
             "-device", "virtio-blk-pci,drive=disk0,disable-legacy=on"]
    pc = PowerCut(image, disk, seed=1, drive=drive, allow_failures=True)
    b = pc.cut(wait_for=re.compile(r"^pcw: ack 1 400$"))
    out = "\n".join(b.lines)
    assert len(re.findall(r"^storage: the disk failed a request \(device write failed\): "
                          r"mounting it again$", out, re.MULTILINE)) == 1, out[-3000:]
    assert len(re.findall(r"^storage: mounted: ", out, re.MULTILINE)) == 2
    assert len(b.failed) <= 1
    for why in b.failed.values():
        assert why == f"{-0x100 - 5} device write failed"
    assert pc.figures.acked_ops >= 400
    assert not re.search(r"^init: storage \(pid \d+\) exited", out, re.MULTILINE)
