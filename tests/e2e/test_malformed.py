"""Hostile messages: system-fuzz (tests/programs/fuzz_client) against init, the Process Manager and
Permissions, and the service message codecs on the host.

The shell of images/shell-test.toml spawns system-fuzz, a System-class program; it sends
each service malformed requests, tags it does not serve, capabilities nobody asked for,
4096 bytes of noise and one-way forgeries, judges every answer, then checks that each
service still answers from the same pid holding as many capabilities. Its summary line
is what these tests read; every case that went wrong is also printed on its own line.
"""

from __future__ import annotations

import random
import re
import struct
from typing import Any

import pytest

from orbital_build.abi.wire import AbiDecodeError, AbiEncodeError
from orbital_build.generated import abi

SUMMARY = re.compile(
    r"system-fuzz: summary calls=(?P<calls>\d+) refused=(?P<refused>\d+) "
    r"answered=(?P<answered>\d+) oneway=(?P<oneway>\d+) ignored=(?P<ignored>\d+) "
    r"unexpected=(?P<unexpected>\d+) unanswered=(?P<unanswered>\d+) "
    r"alive=(?P<alive>\d+)/3 same_pid=(?P<same_pid>\d+)/3 caps_kept=(?P<caps_kept>\d+)/3 "
    r"restarts=(?P<restarts>\d+) own_ep=(?P<own_ep>\w+)")
TARGET = re.compile(r"system-fuzz: (init|process|permissions): pid (\d+) -> (\d+), "
                    r"capabilities (-?\d+) -> (-?\d+), restarts (-?\d+) -> (-?\d+)")


class Fuzz:
    def __init__(self, result: Any) -> None:
        self.result = result
        self.output: str = result.output
        m = SUMMARY.search(self.output)
        assert m, "no system-fuzz summary:\n" + self.output[-4000:]
        self.own_ep = m["own_ep"]
        self.summary = {k: int(v) for k, v in m.groupdict().items() if k != "own_ep"}
        start = re.search(r"system-fuzz: pid (\d+), \d+ cases", self.output)
        assert start, self.output[-2000:]
        self.pid = int(start[1])
        self.unexpected = re.findall(r"system-fuzz: (?:UNEXPECTED|UNANSWERED) .*", self.output)
        self.believed = re.findall(r"system-fuzz: BELIEVED .*", self.output)
        self.targets = {t[0]: tuple(int(x) for x in t[1:])
                        for t in TARGET.findall(self.output)}


@pytest.fixture(scope="module")
def fuzz(boot: Any) -> Fuzz:
    r = boot("shell-test", timeout=120, input_lines=["spawn system-fuzz console"],
             expect=[r"system-fuzz: summary ",
                     r"process \d+ \(system-fuzz\) exited, code -?\d+$"])
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    print(f"system-fuzz: {r.elapsed_s:.2f} s of QEMU")
    return Fuzz(r)


def test_the_fuzz_reached_every_service(fuzz: Fuzz) -> None:
    assert set(fuzz.targets) == {"init", "process", "permissions"}
    pids = {name: t[0] for name, t in fuzz.targets.items()}
    assert pids["init"] == 1 and len(set(pids.values())) == 3 and 0 not in pids.values()
    spawned = re.search(r"^spawned system-fuzz: pid (\d+)$", fuzz.output, re.MULTILINE)
    assert spawned and int(spawned[1]) == fuzz.pid   # the shell's spawn, through the PM
    assert fuzz.summary["calls"] >= 95 and fuzz.summary["oneway"] >= 8


def test_every_hostile_call_gets_its_refusal(fuzz: Fuzz) -> None:
    s = fuzz.summary
    assert s["unanswered"] == 0, fuzz.unexpected
    assert s["unexpected"] == 0, "\n".join(fuzz.unexpected)
    assert s["calls"] == s["refused"] + s["answered"]
    assert s["answered"] >= 9   # requests carrying stray capabilities are still served


def test_forgeries_are_ignored(fuzz: Fuzz) -> None:
    assert fuzz.summary["ignored"] == fuzz.summary["oneway"], "\n".join(fuzz.believed)
    assert fuzz.own_ep == "ok"   # the PM did not believe a forged CHILD_EXITED


def test_services_keep_their_pid(fuzz: Fuzz) -> None:
    for name, (before, after, _, _, restarts_before, restarts_after) in fuzz.targets.items():
        assert after == before, f"{name}: pid {before} -> {after}"
        assert restarts_after == restarts_before, name
    assert fuzz.summary["alive"] == 3 and fuzz.summary["same_pid"] == 3
    assert fuzz.summary["restarts"] == 0
    for name, (pid, *_) in fuzz.targets.items():
        assert f"process {pid} ({name}) " not in fuzz.output   # no exit, kill or fault


def test_no_capability_is_kept_or_lost(fuzz: Fuzz) -> None:
    for name, (pid_before, pid_after, caps_before, caps_after, *_) in fuzz.targets.items():
        if pid_before == pid_after:   # a restarted service holds a new set
            assert caps_after == caps_before > 0, name
    # the fuzz counts a service whose pid changed as not having kept its capabilities
    assert fuzz.summary["caps_kept"] == fuzz.summary["same_pid"]


def test_the_fuzz_passed_by_its_own_exit_code(fuzz: Fuzz) -> None:
    assert f"process {fuzz.pid} (system-fuzz) exited, code 0" in fuzz.output


# --- the codecs on the host (no QEMU) ---------------------------------------------------------

# Messages whose `items` are count fixed-size records, and the record.
ITEM_LISTS: dict[Any, Any] = {
    abi.SvcResponseMsg: abi.SvcStatus,
    abi.PmProcessListMsg: abi.ProcEntry,
    abi.QueryCapsResponseMsg: abi.CapProvenance,
    abi.QueryHistoryResponseMsg: abi.HistoryEntry,
    abi.AuditSyslogResponseMsg: abi.SyslogRecord,
    abi.StorageUsageResponseMsg: abi.StorageUsage,
}


def _record(cls: Any, r: random.Random) -> Any:
    """A record with random members (reserved ones are not members)."""
    values: dict[str, Any] = {}
    for name, kind, size in cls.CODEC.fields:
        if kind == "s":
            values[name] = r.randbytes(size)
            continue
        bits = 8 * struct.calcsize(kind)
        lo = -(1 << (bits - 1)) if kind.islower() else 0
        one = [r.randint(lo, lo + (1 << bits) - 1) for _ in range(max(size, 1))]
        values[name] = one if size else one[0]   # an array member, or a single value
    return cls(**values)


def _list_message(msg: Any, items: bytes, count: int) -> Any:
    fields = {f for f, _ in msg.CODEC.fields}
    extra: dict[str, int] = {"status": -2} if "status" in fields else {}
    if "pid" in fields:
        extra["pid"] = 7
    return msg(count=count, items=items, **extra)


def test_every_list_message_is_known() -> None:
    with_items = {cls for cls in abi.MESSAGES.values()
                  if {"count", "items"} <= {f for f, _ in cls.CODEC.fields}}
    assert with_items == set(ITEM_LISTS)


@pytest.mark.parametrize("msg", list(ITEM_LISTS), ids=lambda m: m.__name__)
def test_item_lists_round_trip_up_to_the_message_limit(msg: Any) -> None:
    rec = ITEM_LISTS[msg]
    r = random.Random(f"orbital-fuzz-{msg.__name__}")
    header = len(_list_message(msg, b"", 0).encode())
    most = (abi.MAX_MSG_SIZE - header) // rec.SIZE
    for n in (0, 1, 2, most):
        records = [_record(rec, r) for _ in range(n)]
        items = b"".join(x.pack() for x in records)
        m = msg.decode(_list_message(msg, items, n).encode())
        assert m.count == n and len(m.items) == n * rec.SIZE
        assert [rec.unpack_from(m.items, i * rec.SIZE) for i in range(n)] == records
    too_many = bytes((most + 1) * rec.SIZE)
    with pytest.raises(AbiEncodeError, match="over the 4096-byte message limit"):
        _list_message(msg, too_many, most + 1).encode()


@pytest.mark.parametrize("tag", sorted(abi.MESSAGES), ids=lambda t: t.name)
def test_noise_never_decodes_into_anything_else(tag: abi.Tag) -> None:
    """Random payloads, short and up to past the limit: each decodes or raises
    AbiDecodeError (nothing else); what decodes encodes back to the same bytes (the
    encoding is canonical, so no two payloads mean the same request)."""
    cls = abi.MESSAGES[tag]
    r = random.Random(f"orbital-noise-{tag}")
    for _ in range(1000):
        data = r.randbytes(r.choice((r.randint(0, 40), r.randint(0, 4200))))
        try:
            m = cls.decode(data)
        except AbiDecodeError:
            continue
        assert m.encode() == data
