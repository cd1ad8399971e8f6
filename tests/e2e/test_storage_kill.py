"""The Storage service and its block driver killed under writes (images/storage-kill.toml,
tests/programs/kv_kill): 20 kills of each, init restarts every one, the writer gets an
answer or an error for every request, and every acknowledged write reads back — in the
guest, and from the disk file on the host afterwards."""

from __future__ import annotations

import re

import pytest

from orbital_build.storage.scan import read_disk

SUMMARY = (r"^kv-kill: (\d+) writes acknowledged, (\d+) failed \(first: -?\d+\), (\d+) keys "
           r"checked, (\d+) lost$")


@pytest.fixture(scope="module")
def killed(boot, tmp_path_factory):
    disk = tmp_path_factory.mktemp("kill") / "disk.img"
    r = boot("storage-kill", timeout=300, disk=disk,
             expect=[r"init: system-kv-kill \(pid \d+\) exited: .*; not restarting"])
    assert r.returncode == 0, r.summary + "\n" + r.output[-3000:]
    return r, disk


def test_twenty_kills_of_each_and_twenty_restarts(killed) -> None:
    out = killed[0].output
    for victim in ("storage", "virtio-blk"):
        assert f"kv-kill: {victim}: 20 kills, 20 restarts" in out
        died = re.findall(rf"^init: {victim} \(pid (\d+)\) exited: code -1, reason killed; "
                          rf"restarting in 0 ms$", out, re.MULTILINE)
        assert len(died) == 20 and len(set(died)) == 20, victim
    assert re.search(r"^init: system-kv-kill \(pid \d+\) exited: code 0, reason exit",
                     out, re.MULTILINE)


def test_no_acknowledged_write_is_lost(killed) -> None:
    out, disk = killed[0].output, killed[1]
    m = re.search(SUMMARY, out, re.MULTILINE)
    assert m, out[-3000:]
    acked, failed, checked, lost = map(int, m.groups())
    assert checked == 64 and lost == 0
    assert acked > 200 and failed <= acked // 10
    # every instance that finished mounting found no damage
    damage = re.findall(r"^storage: mounted: .*; check: \d+ findings, (\d+) damage$", out,
                        re.MULTILINE)
    assert len(damage) >= 11 and set(damage) == {"0"}
    d = read_disk(disk)
    assert not d.damaged, [p.line() for p in d.problems]
    keys = sorted(k for ns, k in d.entries if ns == b"system")
    assert keys == [b"w%02d" % i for i in range(64)]
