"""Power cuts at random instants, on the host: the C engine on a simulated device that,
when its power goes, keeps, drops or tears each write not yet flushed, in any order.

After every cut the disk is checked by the Python reader (as `disk fsck` does) and
remounted by the engine; both must report the same findings, none of them damage, and
the store must hold exactly the acknowledged SETs and DELETEs — plus, at most, the one
operation that was in flight, whole or not at all. Cuts also hit compaction passes and
the superblock updates of mount itself.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from storage_host import Engine, Sim

from orbital_build.generated import abi
from orbital_build.storage.scan import read_disk

NAMESPACES = (b"system", b"app:shell", b"user:ann")
KEYS = [b"k%02d" % i for i in range(24)] + [b"", b"\xff" * 256]
CUTS = 300


def _value(rng: random.Random) -> bytes:
    size = rng.choice((0, 1, 100, 500, 1500, 3000, 9000)) if rng.random() < 0.97 else 40000
    return rng.randbytes(size)


def _check(eng: Engine, model: dict, in_doubt: tuple | None) -> int:
    """The engine holds exactly `model`, but for the in-flight op (key, old, new)."""
    checked = 0
    doubt_key = in_doubt[0] if in_doubt else None
    for ns in NAMESPACES:
        rc, keys, more = eng.list(ns)
        assert rc >= 0 and not more
        want = {k for (n, k) in model if n == ns}
        if doubt_key and doubt_key[0] == ns:
            keys_set = set(keys) - {doubt_key[1]}
            want -= {doubt_key[1]}
        else:
            keys_set = set(keys)
        assert keys_set == want
    for (ns, key), value in model.items():
        if (ns, key) == doubt_key:
            continue
        assert eng.get(ns, key) == (0, value), (ns, key)
        checked += 1
    if in_doubt:
        (ns, key), old, new = in_doubt
        rc, got = eng.get(ns, key)
        assert got in (old, new), "the in-flight write appeared half-done"
        assert rc == 0 or got is None
    return checked


@pytest.mark.parametrize("seed", [1, 2])
def test_random_power_cuts(lib, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    sim = Sim(lib, 700, seed)  # a ring of 692 sectors: compaction is frequent
    assert lib.st_format(sim.dev, rng.getrandbits(64)) == 0
    eng = Engine(lib, sim)
    assert eng.ok
    model: dict[tuple[bytes, bytes], bytes] = {}
    image = tmp_path / "cut.img"
    cuts = checked = ops = acked = torn_notes = compactions = 0
    t0 = time.monotonic()
    while cuts < CUTS:
        if rng.random() < 0.3:
            sim.arm(rng.randrange(0, 8))  # within the next few writes or flushes
        ns, key = rng.choice(NAMESPACES), rng.choice(KEYS)
        old = model.get((ns, key))
        ops += 1
        if rng.random() < 0.25:
            new = None
            rc, existed = eng.delete(ns, key)
            if rc == 0:
                assert existed == (old is not None)
        else:
            new = _value(rng)
            rc = eng.set(ns, key, new)
        if rc == 0:
            acked += 1
            if new is None:
                model.pop((ns, key), None)
            else:
                model[(ns, key)] = new
        else:
            assert sim.dead or eng.reason() in ("disk full",), eng.reason()
        if not sim.dead:
            continue

        # the power went during this operation (or right after its flush)
        in_doubt = ((ns, key), old, new) if rc != 0 else None
        compactions += eng.stats().compactions
        eng.close()
        sb_hit = sim.cut()["sb_touched"]  # a superblock write reached the medium, maybe torn
        while True:
            image.write_bytes(sim.image())
            py = read_disk(image)
            if rng.random() < 0.2:
                sim.arm(rng.randrange(0, 4))  # the power goes again, during the mount
            eng = Engine(lib, sim)
            assert eng.report.findings()[:16] == [p.tuple() for p in py.problems][:16]
            if eng.ok:
                break
            assert sim.dead
            sb_hit += sim.cut()["sb_touched"]
        sim.arm(-1)
        for kind, *_ in eng.report.findings():
            assert kind == abi.STORAGE_PROBLEM_TORN or (
                kind == abi.STORAGE_PROBLEM_SUPERBLOCK and sb_hit), \
                eng.report.findings()
        torn_notes += sum(k == abi.STORAGE_PROBLEM_TORN for k, *_ in eng.report.findings())
        checked += _check(eng, model, in_doubt)
        for (n, k), v in model.items():  # the Python reader sees the same store
            if in_doubt is None or (n, k) != in_doubt[0]:
                assert py.get(n, k) == v
        if in_doubt:
            (n, k), _, _ = in_doubt
            rc, got = eng.get(n, k)
            if got is None:
                model.pop((n, k), None)
            else:
                model[(n, k)] = got
        cuts += 1
    seconds = time.monotonic() - t0
    print(f"power cuts: {cuts} cuts, {ops} operations ({acked} acknowledged), {checked} "
          f"acknowledged values checked, {torn_notes} torn batches discarded, "
          f"{compactions} compaction passes, {seconds:.1f} s")
    assert torn_notes > 0 and compactions > 0  # the cuts did tear writes, the log did wrap
    eng.close()
    sim.close()
