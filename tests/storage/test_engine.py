"""The C Storage engine (services/storage/engine/) on the host: the calls, limits, quotas,
listing, expiry, compaction, damage, device errors, and agreement with the Python reader
and writer on the same images."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest
from storage_host import (
    E_BACKEND,
    E_KEY_TOO_LONG,
    E_NOT_FOUND,
    E_QUOTA,
    E_VALUE_TOO_LARGE,
    ENGINE,
    ROOT,
    SECTOR,
    Engine,
    Sim,
)

from orbital_build.generated import abi
from orbital_build.storage.scan import read_disk
from orbital_build.storage.writer import DiskWriter, create_disk

LOG = abi.STORAGE_LOG_START * SECTOR
SEC = 1_000_000_000


@pytest.fixture
def fresh(lib):
    def make(nsectors: int = 2048, seed: int = 7) -> tuple[Sim, Engine]:
        sim = Sim(lib, nsectors, seed)
        assert lib.st_format(sim.dev, 0x1234_5678_9ABC_DEF0) == 0
        eng = Engine(lib, sim)
        assert eng.ok, eng.report.error
        return sim, eng
    return make


def test_set_get_delete_roundtrip(fresh) -> None:
    sim, eng = fresh()
    assert eng.get(b"app:shell", b"k") == (E_NOT_FOUND, None)
    assert eng.set(b"app:shell", b"k", b"hello") == 0
    assert eng.get(b"app:shell", b"k") == (0, b"hello")
    assert eng.get(b"app:other", b"k") == (E_NOT_FOUND, None)  # namespaces are apart
    assert eng.set(b"app:shell", b"k", b"") == 0                  # empty value
    assert eng.get(b"app:shell", b"k") == (0, b"")
    assert eng.set(b"system", b"", b"empty key") == 0
    assert eng.get(b"system", b"") == (0, b"empty key")
    assert eng.delete(b"app:shell", b"k") == (0, True)
    assert eng.delete(b"app:shell", b"k") == (0, False)
    assert eng.get(b"app:shell", b"k") == (E_NOT_FOUND, None)
    eng.close()
    again = Engine(eng.lib, sim)  # what was acknowledged is on the disk
    assert again.report.records == 4 and again.report.keys == 1 and again.report.nproblems == 0
    assert again.get(b"system", b"") == (0, b"empty key")
    assert again.get(b"app:shell", b"k") == (E_NOT_FOUND, None)


def test_every_set_is_flushed_before_it_returns(fresh) -> None:
    sim, eng = fresh()
    flushes = sim.stat(1)
    assert eng.set(b"app:a", b"k", b"v" * 5000) == 0
    assert sim.stat(1) == flushes + 1
    assert eng.delete(b"app:a", b"k") == (0, True)
    assert sim.stat(1) == flushes + 2
    assert eng.delete(b"app:a", b"k") == (0, False)  # nothing to write
    assert sim.stat(1) == flushes + 2


def test_limits(fresh) -> None:
    _, eng = fresh(8192)
    assert eng.set(b"app:a", b"k" * 257, b"v") == E_KEY_TOO_LONG
    assert eng.set(b"app:a", b"k" * 256, b"v") == 0
    assert eng.set(b"app:a", b"big", bytes(abi.STORAGE_MAX_VALUE_SIZE + 1)) == E_VALUE_TOO_LARGE
    value = random.Random(1).randbytes(abi.STORAGE_MAX_VALUE_SIZE)
    assert eng.set(b"app:a", b"big", value) == 0
    assert eng.get(b"app:a", b"big") == (0, value)
    rc, _ = eng.get(b"app:a", b"big", cap=4096)  # larger than the caller's buffer
    assert rc == E_VALUE_TOO_LARGE
    assert eng.get(b"app:a", b"k" * 257) == (E_KEY_TOO_LONG, None)
    for bad in (b"apps", b"app:", b"user:", b"sys", b"app:a b", b"app:" + b"x" * 61):
        assert eng.set(bad, b"k", b"v") == E_BACKEND, bad
        assert eng.reason() == "bad namespace"


def test_quotas(fresh) -> None:
    _, eng = fresh(40000)  # 20 MiB
    assert eng.usage(b"system") == (0, 0, abi.STORAGE_SYSTEM_QUOTA)
    assert eng.usage(b"app:x") == (0, 0, abi.STORAGE_DEFAULT_QUOTA)
    chunk = bytes(1 << 20)
    assert eng.set(b"system", b"a", chunk[:-1]) == 0           # 1 + (1 MiB - 1) bytes
    assert eng.usage(b"system")[1] == 1 << 20
    assert eng.set(b"system", b"b", b"") == E_QUOTA             # one more byte of key
    assert eng.set(b"system", b"a", chunk[:-2]) == 0            # replacing counts the old
    assert eng.set(b"system", b"b", b"") == 0
    for i in range(9):
        assert eng.set(b"app:x", b"%d" % i, chunk[:-1]) == 0
    assert eng.set(b"app:x", b"9", chunk[:-1]) == 0             # exactly 10 MiB
    assert eng.usage(b"app:x")[1] == 10 << 20
    assert eng.set(b"app:x", b"z", b"") == E_QUOTA
    assert eng.set(b"app:y", b"z", b"fine") == 0                # per namespace
    assert eng.delete(b"app:x", b"0") == (0, True)
    assert eng.usage(b"app:x")[1] == 9 << 20
    assert eng.set(b"app:x", b"z", b"") == 0


def test_namespaces_report_usage_quota_and_keys(fresh) -> None:
    _, eng = fresh()
    assert eng.namespaces() == []
    assert eng.set(b"app:b", b"k1", b"12345") == 0
    assert eng.set(b"system", b"s", b"") == 0
    assert eng.set(b"app:b", b"k2", b"x") == 0
    assert eng.set(b"app:a", b"only", b"vv", ttl=1) == 0
    assert eng.namespaces() == [
        (b"app:b", 2 + 5 + 2 + 1, abi.STORAGE_DEFAULT_QUOTA, 2),
        (b"system", 1, abi.STORAGE_SYSTEM_QUOTA, 1),
        (b"app:a", 4 + 2, abi.STORAGE_DEFAULT_QUOTA, 1)]
    eng.now += 2 * 10**9                                       # app:a's key expires
    assert eng.delete(b"app:b", b"k1") == (0, True)
    assert eng.namespaces() == [(b"app:b", 3, abi.STORAGE_DEFAULT_QUOTA, 1),
                                (b"system", 1, abi.STORAGE_SYSTEM_QUOTA, 1),
                                (b"app:a", 0, abi.STORAGE_DEFAULT_QUOTA, 0)]


def test_list_prefix_limit_cursor(fresh) -> None:
    _, eng = fresh()
    keys = [b"a", b"a\x00", b"ab", b"abc", b"b", b"ba", b"\xff"]
    for k in reversed(keys):
        assert eng.set(b"app:l", k, b"v") == 0
    assert eng.set(b"app:m", b"a", b"other namespace") == 0
    assert eng.list(b"app:l") == (7, keys, False)
    assert eng.list(b"app:l", b"a") == (4, keys[:4], False)
    assert eng.list(b"app:l", b"ab") == (2, [b"ab", b"abc"], False)
    assert eng.list(b"app:l", limit=3) == (3, keys[:3], True)
    assert eng.list(b"app:l", cursor=b"a\x00", limit=3) == (3, keys[2:5], True)
    assert eng.list(b"app:l", cursor=b"b", limit=3) == (2, keys[5:], False)
    assert eng.list(b"app:l", cursor=b"aa") == (5, keys[2:], False)  # not a key: after it
    assert eng.list(b"app:l", b"a", cursor=b"ab") == (1, [b"abc"], False)
    assert eng.list(b"app:l", limit=0) == (0, [], True)
    assert eng.list(b"app:l", take=2) == (2, keys[:2], True)  # the receiver was full
    assert eng.list(b"app:none") == (0, [], False)
    # paging through everything with the cursor gives every key once, in order
    got, cursor = [], None
    while True:
        _, page, more = eng.list(b"app:l", cursor=cursor, limit=2)
        got += page
        if not more:
            break
        cursor = page[-1]
    assert got == keys


def test_expiry_runs_on_storage_time_across_mounts(fresh, lib) -> None:
    sim, eng = fresh()
    eng.now = 5 * SEC
    assert eng.set(b"app:t", b"short", b"x", ttl=10) == 0
    assert eng.set(b"app:t", b"long", b"y", ttl=100) == 0
    assert eng.set(b"app:t", b"forever", b"z") == 0
    eng.now = 14 * SEC
    assert eng.get(b"app:t", b"short") == (0, b"x")
    assert eng.usage(b"app:t")[1] == len(b"shortxlongyforeverz")
    eng.now = 15 * SEC
    assert eng.get(b"app:t", b"short") == (E_NOT_FOUND, None)
    assert eng.list(b"app:t")[1] == [b"forever", b"long"]
    assert eng.usage(b"app:t")[1] == len(b"foreverzlongy")
    eng.close()
    # a reboot: the machine's clock starts again at 0, the disk's goes on from the last
    # time it recorded (the writes at 5 s; nothing was written at 15 s)
    eng = Engine(lib, sim, now=0)
    eng.now = 99 * SEC
    assert eng.get(b"app:t", b"long") == (0, b"y")
    eng.now = 100 * SEC  # 5 + 100 = 5 + 100
    assert eng.get(b"app:t", b"long") == (E_NOT_FOUND, None)
    assert eng.set(b"app:t", b"tick", b"") == 0  # records the time: 105 s
    eng.close()
    eng = Engine(lib, sim, now=0)
    assert eng.report.expired == 2 and eng.report.keys == 2  # short and long


def test_compaction_keeps_live_data_in_a_small_ring(fresh) -> None:
    sim, eng = fresh(nsectors=200)  # a ring of 192 sectors
    rng = random.Random(3)
    model: dict[bytes, bytes] = {}
    for i in range(3000):
        key = b"k%d" % rng.randrange(12)
        if rng.random() < 0.2:
            assert eng.delete(b"app:c", key)[0] == 0
            model.pop(key, None)
        else:
            value = rng.randbytes(rng.choice((0, 10, 600, 3000)))
            assert eng.set(b"app:c", key, value) == 0, (i, eng.reason())
            model[key] = value
    s = eng.stats()
    assert s.compactions > 100 and s.copied_records > 0
    assert s.log_sectors < s.ring_sectors
    for k, v in model.items():
        assert eng.get(b"app:c", k) == (0, v)
    eng.close()
    eng = Engine(eng.lib, sim)
    assert eng.report.nproblems == 0 and eng.report.keys == len(model)
    assert {k: eng.get(b"app:c", k)[1] for k in model} == model
    assert eng.compact() == 0
    assert eng.stats().log_sectors == eng.stats().live_sectors


def test_disk_full_is_an_error_not_a_loss(fresh) -> None:
    _, eng = fresh(nsectors=200)
    value = bytes(4000)  # 9 sectors each
    stored = 0
    while eng.set(b"app:f", b"%d" % stored, value) == 0:
        stored += 1
    assert eng.reason() == "disk full" and stored > 5
    for i in range(stored):
        assert eng.get(b"app:f", b"%d" % i) == (0, value)
    assert eng.delete(b"app:f", b"0") == (0, True)  # a delete always fits
    assert eng.set(b"app:f", b"again", value) == 0


def test_flipped_bytes_are_reported_and_never_served(fresh, lib, tmp_path: Path) -> None:
    sim, eng = fresh()
    for i in range(6):
        assert eng.set(b"app:d", b"k%d" % i, b"value %d" % i * 50) == 0
    eng.close()
    sim.settle()  # the SEAL after the last flush reaches the medium too
    rng = random.Random(5)
    clean = sim.image()
    for trial in range(60):
        sim.load(clean)
        used = 6 * 1 + 2  # records and the SEAL
        offset = LOG + rng.randrange(used * SECTOR)
        lib.sim_flip(sim.h, offset, 1 << rng.randrange(8))
        (tmp_path / "d.img").write_bytes(sim.image())
        py = read_disk(tmp_path / "d.img")
        eng = Engine(lib, sim)
        assert eng.ok
        assert eng.report.findings() == [p.tuple() for p in py.problems], trial
        if offset < LOG + 6 * SECTOR:
            assert eng.report.damage == 1, (trial, offset, eng.report.findings())
        for i in range(6):
            rc, value = eng.get(b"app:d", b"k%d" % i)
            assert value in (None, b"value %d" % i * 50)
            if (offset - LOG) // SECTOR == i:
                assert rc in (E_BACKEND, E_NOT_FOUND)
        eng.close()


def test_python_reads_what_c_writes_and_c_reads_what_python_writes(fresh, lib,
                                                                  tmp_path: Path) -> None:
    sim, eng = fresh(nsectors=4000)
    rng = random.Random(9)
    model = {}
    for _ in range(300):
        ns = rng.choice((b"system", b"app:a", b"user:u"))
        key, value = rng.randbytes(rng.randrange(1, 20)), rng.randbytes(rng.randrange(2000))
        assert eng.set(ns, key, value) == 0
        model[(ns, key)] = value
    eng.close()
    path = tmp_path / "c.img"
    path.write_bytes(sim.image())
    disk = read_disk(path)
    assert disk.problems == [] and set(disk.entries) == set(model)
    assert all(disk.get(ns, k) == v for (ns, k), v in model.items())
    # and the other way: the Python writer appends, the engine reads it all
    with DiskWriter(path) as w:
        w.set(b"app:py", b"from python", b"hello C", ttl_secs=50)
        w.delete(*next(iter(model)))
    del model[next(iter(model))]
    sim.load(path.read_bytes())
    eng = Engine(lib, sim)
    assert eng.ok and eng.report.nproblems == 0
    assert eng.get(b"app:py", b"from python") == (0, b"hello C")
    assert all(eng.get(ns, k) == (0, v) for (ns, k), v in model.items())
    # a disk made by the host tool mounts in the engine
    create_disk(tmp_path / "new.img", 1 << 20)
    sim2 = Sim(lib, 2048)
    sim2.load((tmp_path / "new.img").read_bytes())
    eng2 = Engine(lib, sim2)
    assert eng2.ok and eng2.report.keys == 0 and eng2.set(b"system", b"k", b"v") == 0


def test_bad_disks_do_not_mount(lib) -> None:
    sim = Sim(lib, 2048)
    eng = Engine(lib, sim)
    assert eng.rc == E_BACKEND and eng.report.error == b"not a storage disk (no superblock)"
    assert lib.st_format(sim.dev, 1) == 0
    image = bytearray(sim.image())
    small = Sim(lib, 1000)
    small.load(bytes(image[:1000 * SECTOR]))
    eng = Engine(lib, small)
    assert eng.rc == E_BACKEND and b"truncated" in eng.report.error
    image[SECTOR + 30] ^= 1
    image[30] ^= 1
    sim.load(bytes(image))
    eng = Engine(lib, sim)
    assert eng.rc == E_BACKEND and eng.report.error == b"no usable superblock"
    assert [f[0] for f in eng.report.findings()] == [abi.STORAGE_PROBLEM_SUPERBLOCK] * 2


def test_a_failed_write_stops_writes_until_the_next_mount(fresh, lib) -> None:
    sim, eng = fresh()
    assert eng.set(b"app:w", b"a", b"1") == 0
    lib.sim_fail_next(sim.h, 2)  # the next flush fails
    assert eng.set(b"app:w", b"b", b"2") == E_BACKEND
    assert eng.reason() == "device flush failed"
    assert eng.set(b"app:w", b"c", b"3") == E_BACKEND  # no more writes
    assert eng.get(b"app:w", b"a") == (0, b"1")          # reads go on
    assert eng.get(b"app:w", b"b") == (E_NOT_FOUND, None)  # never acknowledged
    eng.close()
    eng = Engine(lib, sim)
    assert eng.ok and eng.set(b"app:w", b"c", b"3") == 0


def test_engine_builds_freestanding_with_only_liborbital(tmp_path: Path) -> None:
    objs = []
    for src in sorted(ENGINE.glob("*.c")):
        obj = tmp_path / (src.stem + ".o")
        subprocess.run(["gcc", "-c", "-std=gnu11", "-O2", "-ffreestanding", "-fno-pic",
                        "-fno-pie", "-mgeneral-regs-only", "-fno-stack-protector", "-Wall",
                        "-Wextra", "-Werror", "-Wno-unused-parameter",
                        f"-I{ROOT}/kernel_image/include/gen/uapi", str(src), "-o", str(obj)],
                       check=True)
        objs.append(str(obj))
    subprocess.run(["ld", "-r", "-o", str(tmp_path / "all.o"), *objs], check=True)
    out = subprocess.run(["nm", "-u", str(tmp_path / "all.o")], capture_output=True, text=True,
                         check=True).stdout.split()
    assert sorted(s for s in out if s != "U") == ["memcmp", "memcpy", "memmove", "memset",
                                                   "orb_free", "orb_malloc"]


def test_damage_after_mount_is_caught_by_get(fresh, lib) -> None:
    sim, eng = fresh()
    assert eng.set(b"app:g", b"a", b"A" * 700) == 0  # sectors 0-1
    assert eng.set(b"app:g", b"b", b"B" * 10) == 0   # sector 2
    lib.sim_flip(sim.h, LOG + SECTOR + 20, 0x01)       # inside a's value, after mount
    assert eng.get(b"app:g", b"a") == (E_BACKEND, None)
    assert eng.reason() == "the stored value is damaged"
    assert eng.get(b"app:g", b"a") == (E_BACKEND, None)  # and stays so
    lib.sim_flip(sim.h, LOG + 2 * SECTOR + 3, 0x01)      # b's header
    assert eng.get(b"app:g", b"b") == (E_BACKEND, None)
    assert eng.set(b"app:g", b"a", b"new") == 0          # a SET replaces the damaged value
    assert eng.get(b"app:g", b"a") == (0, b"new")
