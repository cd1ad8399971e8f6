"""The Storage service end to end (images/storage-test.toml), on the virtio-blk driver
and a disk file: the protocol, every StorageError, LIST paging, TTL expiry, quotas,
values up to 1 MiB, namespaces that applications cannot leave (nor name in a message),
and two applications writing at once. One boot serves every test: the checker instances
print one summary line per scenario; afterwards the host reads the disk file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orbital_build.storage.scan import read_disk

CHECKERS = ("system-kv-check", "kvapp-a", "kvapp-b")


@pytest.fixture(scope="module")
def disk(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("storage") / "disk.img"


@pytest.fixture(scope="module")
def run(boot, disk):
    r = boot("storage-test", timeout=240, disk=disk,
             expect=[r"init: system-kv-check \(pid \d+\) exited: .*; not restarting"])
    assert r.returncode == 0, r.summary + "\n" + r.output[-3000:]
    return r


def _summary(out: str, who: str, scenario: str) -> str:
    m = re.search(rf"^{who}: {scenario}: (.*): (PASS|FAIL)$", out, re.MULTILINE)
    assert m, f"no '{who}: {scenario}' summary:\n{out[-3000:]}"
    failed = [line for line in out.splitlines() if "check failed" in line]
    assert m.group(2) == "PASS", m.group(1) + "\n" + "\n".join(failed)
    return m.group(1)


def test_every_checker_passes_and_exits_0(run) -> None:
    for who in CHECKERS:
        assert f"{who}: done: 0 failed" in run.output, run.output[-4000:]
        assert re.search(rf"^init: {who} \(pid \d+\) exited: code 0, reason exit",
                         run.output, re.MULTILINE), who
    assert "check failed" not in run.output
    assert not re.search(r"^init: storage \(pid \d+\) exited", run.output, re.MULTILINE)


def test_mount_reports_its_check(run) -> None:
    m = re.search(r"^storage: mounted: generation (\d+), (\d+) records replayed, (\d+) keys, "
                  r"\d+ expired, \d+ log sectors; check: (\d+) findings, (\d+) damage$",
                  run.output, re.MULTILINE)
    assert m, run.output[-2000:]
    assert m.group(5) == "0"


def test_calls_and_errors(run) -> None:
    _summary(run.output, "system-kv-check", "basics")
    facts = _summary(run.output, "system-kv-check", "errors")
    assert "KeyTooLong at 257 bytes" in facts


def test_system_quota_is_1_mib(run) -> None:
    facts = _summary(run.output, "system-kv-check", "quota")
    assert facts.startswith("261 values of 4007 bytes beside the secret, then QuotaExceeded "
                            "at 1048576 bytes")


def test_application_quota_is_10_mib(run) -> None:
    facts = _summary(run.output, "kvapp-a", "quota")
    m = re.match(r"QuotaExceeded after (\d+) values, (\d+) of (\d+) bytes", facts)
    assert m and int(m.group(3)) == 10 << 20
    assert int(m.group(1)) >= 5
    assert int(m.group(2)) <= 10 << 20 < int(m.group(2)) + (1 << 20)   # the next value


def test_values_up_to_1_mib_through_shared_memory(run) -> None:
    facts = _summary(run.output, "kvapp-a", "large")
    assert facts.startswith("9 values of 4060 bytes to 1 MiB stored and read back whole")
    facts = _summary(run.output, "system-kv-check", "errors")
    assert "ValueTooLarge for a small buffer and at 1 MiB + 1, QuotaExceeded at 1 MiB" in facts


def test_hostile_shared_ranges_are_refused(run) -> None:
    for app in ("kvapp-a", "kvapp-b"):
        _summary(run.output, app, "hostile ranges")


def test_list_ttl_and_usage(run) -> None:
    _summary(run.output, "system-kv-check", "list")
    _summary(run.output, "system-kv-check", "ttl")
    _summary(run.output, "system-kv-check", "usage")
    for ns in ("system", "app:kvapp-a", "app:kvapp-b"):
        assert re.search(rf"^system-kv-check: usage: {ns} \d+ of \d+ bytes, \d+ keys$",
                         run.output, re.MULTILINE), ns


def test_applications_stay_in_their_namespace(run) -> None:
    for app in ("kvapp-a", "kvapp-b"):
        _summary(run.output, app, "isolation")
        _summary(run.output, app, "forged")


def test_two_applications_write_at_once(run) -> None:
    for app in ("kvapp-a", "kvapp-b"):
        facts = _summary(run.output, app, "concurrent")
        assert "300 read back whole" in facts
    # they did run at the same time: each finished its writes after the other started
    out = run.output
    assert out.index("kvapp-b: isolation") < out.index("kvapp-a: concurrent")
    assert out.index("kvapp-a: isolation") < out.index("kvapp-b: concurrent")


def test_what_the_guest_stored_is_on_the_disk_file(run, disk) -> None:
    d = read_disk(disk)
    assert not d.damaged, [p.line() for p in d.problems]
    assert d.get(b"system", b"secret") == b"system-only-7f3a"
    for app in (b"kvapp-a", b"kvapp-b"):
        ns = b"app:" + app
        assert d.get(ns, b"mine") == app and d.get(ns, b"secret") == app
        other = b"app:kvapp-b:mine" if app == b"kvapp-a" else b"app:kvapp-a:mine"
        assert d.get(ns, other) == b"forged"          # a key of its own, not the other's
        assert len([k for n, k in d.entries if n == ns and k.startswith(b"c/")]) == 300
    assert {ns for ns, _ in d.entries} == {b"system", b"app:kvapp-a", b"app:kvapp-b"}
    assert len(d.get(b"app:kvapp-a", b"big/8")) == 1 << 20
