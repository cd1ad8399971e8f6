"""The in-guest random-syscall storm (images/sysfuzz.toml, tests/programs/sysfuzz):
10^5 seeded random calls from ring 3 across threads and two processes, with the CommitLog
captured and verified (the boot fixture runs `axiom verify` on it). `orbital-qemu fuzz`
runs 10^6."""

from __future__ import annotations

import re

import pytest

VERDICT = re.compile(r"sysfuzz: calls=(\d+) undeclared=(\d+) stalls=(\d+) hangs=(\d+) "
                     r"sent=(\d+) received=(\d+)")


@pytest.fixture(scope="module")
def storm(boot):
    return boot("sysfuzz", timeout=900)


def test_storm_of_random_syscalls_breaks_nothing(storm) -> None:
    out = storm.output
    m = VERDICT.search(out)
    assert m, out[-3000:]
    calls, undeclared, stalls, hangs, sent, received = map(int, m.groups())
    bad = [line for line in out.splitlines()
           if any(w in line for w in ("UNDECLARED", "STALL", "HANG", "KERNEL", "fault:"))]
    assert calls >= 100_000
    assert (undeclared, stalls, hangs) == (0, 0, 0), "\n".join(bad)
    assert sent == received and sent > 1000          # every message arrived exactly once
    assert "sysfuzz-peer" in out and not bad
    assert storm.returncode == 0, storm.summary


def test_storm_commit_log_replays(storm) -> None:
    assert storm.axiom["commits"] > 10_000           # the storm changed a lot of state
    assert storm.axiom["checkpoints"] > 10           # and every checkpoint matched the replay
