"""The virtio-blk driver, a user-space process, through the block protocol
(images/blk-test.toml, tests/programs/blk_test): what one boot writes and flushes is on
the disk file and read back by the next boot, every bad request gets its own error, a
device error (QEMU blkdebug) reaches the client as EIO, requests are at the device
together, and 20 kills of the driver under writes lose no acknowledged write."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

SECTOR = 512
STATE_SECTOR, DATA_SECTOR, DATA_SECTORS = 2048, 2056, 128
DISK_SIZE = 64 << 20
DONE = r"^blk-test: done: \d+ passed, \d+ failed$"


def pattern(gen: int, sector: int, off: int) -> int:
    """tests/programs/blk_test/blktest.h pattern(), in Python."""
    x = ((gen * 2654435761) ^ (sector * 40503) ^ (off * 2246822519)) & 0xFFFFFFFF
    return (x ^ (x >> 13) ^ (x >> 24)) & 0xFF


def generation_bytes(gen: int) -> bytes:
    return bytes(pattern(gen, DATA_SECTOR + s, o)
                 for s in range(DATA_SECTORS) for o in range(SECTOR))


def on_disk(disk: Path) -> tuple[bytes, int]:
    """(the data region, the generation the state sector names) read from the file."""
    raw = disk.read_bytes()
    state = raw[STATE_SECTOR * SECTOR:(STATE_SECTOR + 1) * SECTOR]
    assert state[:8] == b"BLKTEST1", state[:16]
    data = raw[DATA_SECTOR * SECTOR:(DATA_SECTOR + DATA_SECTORS) * SECTOR]
    return data, struct.unpack_from("<I", state, 8)[0]


def line(out: str, stage: str) -> str:
    m = re.search(rf"^blk-test: {stage}: (.*)$", out, re.MULTILINE)
    assert m, f"no '{stage}' line:\n{out[-3000:]}"
    return m.group(1)


def values(text: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"([\w-]+)=(-?\d+)", text)}


@pytest.fixture(scope="module")
def disk(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("blk") / "disk.img"
    with path.open("wb") as f:
        f.truncate(DISK_SIZE)   # sparse zeros: no earlier generation
    return path


@pytest.fixture(scope="module")
def first(boot, disk):
    r = boot("blk-test", disk=disk, timeout=240, expect=[DONE])
    assert r.returncode == 0, r.summary + r.output[-3000:]
    return r


@pytest.fixture(scope="module")
def second(first, boot, disk):
    data, gen = on_disk(disk)   # what the first boot left, before the second overwrites it
    r = boot("blk-test", disk=disk, timeout=240, expect=[DONE])
    assert r.returncode == 0, r.summary + r.output[-3000:]
    return r, data, gen


def test_the_driver_finds_its_device_and_registers(first) -> None:
    out = first.output
    assert re.search(r"^virtio-blk: 1af4:1042 at 00:0\d\.0, 131072 sectors \(64 MiB\), "
                     r"queue \d+, depth 8, flush$", out, re.MULTILINE), out[-2000:]
    assert "init: virtio-blk registered service type 'blk'" in out
    assert values(line(out, "info")) == {"sectors": DISK_SIZE // SECTOR, "sector_size": SECTOR,
                                         "max_bytes": 65536, "queue_depth": 8, "flags": 2}
    assert "KERNEL" not in out and "fault:" not in out


def test_what_a_boot_writes_and_flushes_is_in_the_file_and_the_next_boot(second) -> None:
    r, data_after_first, gen_after_first = second
    assert gen_after_first == 1
    assert data_after_first == generation_bytes(1)
    out = r.output
    assert line(out, "persist") == "generation 1 read back intact"
    assert "blk-test: persist: generation 2 written and flushed" in out


def test_the_second_generation_reached_the_file(second, disk) -> None:
    data, gen = on_disk(disk)
    assert (gen, data == generation_bytes(2)) == (2, True)


def test_every_bad_request_gets_its_own_error(first) -> None:
    v = values(line(first.output, "errors"))
    assert v == {"past-end": -15, "crossing-end": -15, "bad-length": -3, "too-long": -3,
                 "read-into-read-only": -1, "outside-object": -3, "wrapping": -3,
                 "no-object": -3, "malformed": 2, "unknown": 1, "poison": 0, "after": 0}


def test_requests_are_at_the_device_together(first) -> None:
    v = values(line(first.output, "depth"))
    assert re.match(r"4 threads x 32 writes of 64 KiB: 0 failed, 0 bytes wrong",
                    line(first.output, "depth"))
    assert 2 <= v["max_inflight"] <= 8


def test_killed_twenty_times_under_writes_nothing_acknowledged_is_lost(first) -> None:
    out = first.output
    text = line(out, "kill")
    v = {k: int(n) for n, k in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", text)}
    assert v["kills"] == 20 and v["restarts"] == 20 and v["lost"] == 0, text
    assert v["writes acknowledged"] > 20 and v["slots checked"] == 64, text
    restarts = re.findall(r"^init: virtio-blk \(pid \d+\) exited: code -1, reason killed; "
                          r"restarting", out, re.MULTILINE)
    assert len(restarts) == 20
    assert len(re.findall(r"^virtio-blk: 1af4:1042 at", out, re.MULTILINE)) == 21
    assert "blk-test: done: 4 passed, 0 failed" in out


def test_a_device_error_reaches_the_client_as_eio(boot, tmp_path) -> None:
    """QEMU's blkdebug fails every read of sector 3000 (rerror=report passes the error to
    the guest as VIRTIO_BLK_S_IOERR); the driver answers -EIO and carries on."""
    disk = tmp_path / "disk.img"
    with disk.open("wb") as f:
        f.truncate(DISK_SIZE)
    conf = tmp_path / "blkdebug.conf"
    conf.write_text('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "3000"\n')
    drive = (f"file=blkdebug:{conf}:{disk},if=none,format=raw,id=disk0,"
             "rerror=report,werror=report")
    r = boot("blk-test", timeout=240, expect=[DONE],
             extra_args=["-drive", drive, "-device",
                         "virtio-blk-pci,drive=disk0,disable-legacy=on"])
    assert r.returncode == 0, r.summary + r.output[-3000:]
    v = values(line(r.output, "errors"))
    assert (v["poison"], v["after"]) == (-14, 0)          # -EIO, then the next read works
    assert "blk-test: done: 4 passed, 0 failed" in r.output


def test_opening_waits_for_the_requests_that_began_before_it(boot, tmp_path) -> None:
    """A write at a throttled device (64 KiB/s: the second 64 KiB write takes about a
    second) has finished before another handle's BLK_INFO is answered: a restarted client
    never races a write its dead predecessor left at the device."""
    disk = tmp_path / "disk.img"
    with disk.open("wb") as f:
        f.truncate(DISK_SIZE)
    r = boot("blk-barrier", timeout=240, expect=[DONE], extra_args=[
        "-object", "throttle-group,id=tg0,x-bps-write=65536",
        "-blockdev", f"driver=file,node-name=f0,filename={disk}",
        "-blockdev", "driver=throttle,node-name=t0,throttle-group=tg0,file=f0",
        "-device", "virtio-blk-pci,drive=t0,disable-legacy=on"])
    assert r.returncode == 0, r.summary + r.output[-3000:]
    v = values(line(r.output, "barrier"))
    assert (v["write"], v["open"], v["inflight"]) == (0, 0, 1), v
    assert (v["writes_before"], v["writes_after"]) == (1, 2), v   # the write was done first
    assert v["open_ms"] >= 100, v                           # ... and the open waited for it
    assert "blk-test: done: 1 passed, 0 failed" in r.output
    raw = disk.read_bytes()[32768 * SECTOR:(32768 + 128) * SECTOR]
    assert raw == bytes(pattern(9, 32768 + i // SECTOR, i % SECTOR) for i in range(len(raw)))
