"""init supervising real services (images/svc-test.toml): boot phases and the ready line,
crash restarts under load, a live update under load, stop/start/restart, backoff and the
restart-storm limit, registry refusals, hostile requests and capabilities forced on init
(issue 9's attack 2). One boot serves every test:
the echo client runs its scenarios in order and prints a summary line each, which is
checked here against init's own log and the kernel's CommitLog."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from orbital_build.axiom import read_log

IMAGE = Path(__file__).resolve().parents[2] / "images" / "svc-test.toml"
CLIENT = "system-echo-client"


@pytest.fixture(scope="module")
def run(boot):
    # the client's exit is the last thing that happens: once init has logged it, no more
    # commits are in flight, so stopping QEMU there leaves a complete CommitLog
    r = boot("svc-test", timeout=60, expect=[rf"init: {CLIENT} \(pid \d+\) exited",
                                             r"^hostile-grant: done: "])
    assert r.returncode == 0, r.summary + "\n" + r.output[-3000:]
    return r


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    with IMAGE.open("rb") as f:
        return {s["name"]: s for s in tomllib.load(f)["service"]}


def _summary(out: str, scenario: str) -> str:
    m = re.search(rf"^{CLIENT}: {scenario}: (.*): (PASS|FAIL)$", out, re.MULTILINE)
    assert m, f"no '{scenario}' summary:\n{out[-3000:]}"
    failed = [line for line in out.splitlines() if "check failed" in line]
    assert m.group(2) == "PASS", m.group(1) + "\n" + "\n".join(failed)
    return m.group(1)


def _system_ok(out: str) -> None:
    assert "KERNEL" not in out and "panic" not in out.lower()
    assert not re.search(r"fault: pid 1 ", out), "init faulted"
    assert "process 1 (init) exited" not in out


def test_boot_reaches_all_ready_once(run, services) -> None:
    out = run.output
    started = [n for n, s in services.items() if s.get("role", "service") == "service"
               and s.get("start", True)]
    lines = re.findall(r"^orbital: all services ready: (.*)$", out, re.MULTILINE)
    assert lines == [" ".join(started)]   # exactly one, image order
    for name in started:
        assert re.search(rf"^init: started {name} \(pid \d+\)$", out, re.MULTILINE), name
    # phases: echo (phase 2) was ready before any phase-3 service started
    ready = re.search(r"^init: echo \(pid \d+\) ready [\d.]+ ms after its spawn$", out,
                      re.MULTILINE)
    assert ready and ready.start() < out.index(f"init: started {CLIENT}")
    assert f"{CLIENT}: done: 6 passed, 0 failed" in out
    assert "echo-app: done: 1 passed, 0 failed" in out
    _system_ok(out)


def test_crash_loop_restarts_echo_and_loses_no_call(run) -> None:
    out = run.output
    facts = _summary(out, "crash loop")
    assert facts.startswith("400/400 answered once, 20/20 crash calls got EDEAD, 20 restarts")
    assert "other pids unchanged" in facts
    crashed = re.findall(r"^init: echo \(pid (\d+)\) exited: code 14, reason fault; "
                         r"restarting in 0 ms$", out, re.MULTILINE)
    assert len(crashed) == 20 and len(set(crashed)) == 20
    started = re.findall(r"^init: started echo \(pid (\d+)\)$", out, re.MULTILINE)
    assert started[:20] == crashed and len(started) >= 21   # each crash, one new instance
    latencies = re.findall(r"^init: echo \(pid \d+\) ready (\d+\.\d+) ms after the last "
                           r"instance exited$", out, re.MULTILINE)
    assert len(latencies) == 20
    _system_ok(out)


def test_crash_loop_in_the_commit_log(run) -> None:
    commits = read_log(run.axiom_log)
    created = [c.payload for c in commits if c.kind == "process_created"]
    echo = [p for p in created if p.name == "echo"]
    assert all(p.parent == 1 for p in echo)
    # boot, 20 restarts, the live update's new build, SVC_START, SVC_RESTART
    assert len(echo) == 24
    pids = {p.pid for p in echo}
    faulted = [c.payload for c in commits if c.kind == "process_faulted" and c.payload.pid in pids]
    assert len(faulted) == 20 and all(f.vector == 14 for f in faulted)
    assert run.axiom is not None and run.axiom["commits"] == len(commits)


def test_live_update_under_load(run) -> None:
    out = run.output
    facts = _summary(out, "live update")
    m = re.match(r"300/300 answered once, versions 1 x (\d+) then 2 x (\d+)", facts)
    assert m and int(m.group(1)) + int(m.group(2)) == 300 and int(m.group(2)) > 0
    up = re.search(r"^init: updated echo to echo-v2 \(version 2\): pid (\d+) -> pid (\d+);",
                   out, re.MULTILINE)
    assert up, out[-3000:]
    old, new = up.group(1), up.group(2)
    assert re.search(rf"^init: echo \(pid {old}\) exited: code -1, reason killed; replaced by "
                     r"its update$", out, re.MULTILINE)
    # the old build was killed holding call 150; orb_request got EDEAD, called again, and
    # the new build answered it
    held = re.findall(r"^echo: pid (\d+) holding request 150 ", out, re.MULTILINE)
    assert held == [old, new]
    assert out.index(f"echo: pid {old} holding") < up.start() < out.index(f"echo: pid {new} holding")
    assert "call 150 held across the switch answered by version 2" in facts
    # the new build was not restarted: the old one's exit was not taken for a crash
    assert not re.search(rf"^init: started echo \(pid {up.group(2)}\)", out, re.MULTILINE)
    _system_ok(out)


def test_stop_start_restart_keep_the_updated_build(run) -> None:
    out = run.output
    facts = _summary(out, "stop, start, restart")
    m = re.match(r"echo pid (\d+) -> stopped -> (\d+) -> (\d+), version 2 after each", facts)
    assert m, facts
    first, started, restarted = m.groups()
    assert f"init: echo (pid {first}) exited: code -1, reason killed; stopped on request" in out
    assert f"init: echo (pid {started}) exited: code -1, reason killed; restarted on request" \
        in out
    assert re.search(rf"^init: started echo \(pid {restarted}\)$", out, re.MULTILINE)


def test_backoff_delays_follow_the_formula(run, services) -> None:
    out = run.output
    svc = services["echo-noperm"]
    initial, cap = svc["backoff"]["initial_ms"], svc["backoff"]["max_ms"]
    limit = svc["max_restarts"]
    delays = [int(d) for d in re.findall(r"^init: echo-noperm \(pid \d+\) exited: code 2, "
                                         r"reason exit; restarting in (\d+) ms$",
                                         out, re.MULTILINE)]
    assert delays == [min(initial * 2 ** min(k, 10), cap) for k in range(limit)]
    assert delays[-1] == cap   # the cap was reached
    assert re.search(r"^init: echo-noperm \(pid \d+\) exited: code 2, reason exit; "
                     r"not restarting$", out, re.MULTILINE)
    assert f"init: echo-noperm disabled: more than {limit} restarts in 60 s" in out
    assert _summary(out, "backoff") == f"echo-noperm disabled after {limit} restarts"


def test_registry_refusals(run) -> None:
    out = run.output
    facts = _summary(out, "registry")
    assert "register 'permissions' EPERM" in facts and "register 'echo' EEXIST" in facts
    assert "lookup 'echo' same endpoint" in facts and "lookup 'nothing' ENOENT" in facts
    # echo-noperm is an echo build whose image entry allows no type: init refuses it
    assert out.count("echo: registering as 'echo' failed: -1") == 6
    assert "echo-app: supervision refused to an application: PASS" in out


def test_init_refuses_hostile_requests(run) -> None:
    out = run.output
    _summary(out, "init probes")
    _system_ok(out)


def test_capabilities_enter_init_only_with_its_consent(run) -> None:
    """Issue 9's attack 2 (D105): grants and moves aimed at pid 1 insert nothing (before,
    247 of them filled init's CSpace and lookups failed), a service cannot open init's
    CSpace, and capabilities sent to init in messages are dropped once read, so the
    registry answers lookups after all of it."""
    out = run.output
    assert re.search(r"^hostile-grant: 0 of 300 grants and 0 of 300 moves into pid 1 went "
                     r"in \(last error -7\)$", out, re.MULTILINE), out[-3000:]
    assert re.search(r"^hostile-grant: cspace_open\(1\) -> -1$", out, re.MULTILINE)
    sent = re.search(r"^hostile-grant: (\d+) capabilities sent to init in messages$", out,
                     re.MULTILINE)
    assert sent and int(sent.group(1)) > 256, out[-3000:]   # more than a CSpace holds
    assert re.search(r"^hostile-grant: lookup 'echo' before 0, after 0$", out, re.MULTILINE)
    assert re.search(r"^hostile-grant: done: lookups still work$", out, re.MULTILINE)
    assert not re.search(r"^init: hostile-grant \(pid \d+\) exited", out, re.MULTILINE)
    _system_ok(out)
