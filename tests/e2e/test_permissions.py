"""The Permissions service (services/permissions) in images/pm-test.toml: its policy
decisions against the spec's default policy (§4.2, with the Orbital decisions), and the
capabilities and history it rebuilds from the CommitLog, compared with what the programs
hold, what the kernel lists and the CommitLog captured on the host."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from orbital_build.axiom.chain import Commit, read_log
from orbital_build.generated import abi

R, W = int(abi.Rights.READ), int(abi.Rights.WRITE)
NONE = "No policy allows this permission"


@pytest.fixture(scope="module")
def run(boot):
    # stop once init has logged the driver's exit: the CommitLog is complete by then
    return boot("pm-test", timeout=120, expect=[r"init: system-pmtest \(pid \d+\) exited"])


@pytest.fixture(scope="module")
def out(run) -> str:
    assert run.returncode == 0, run.summary + "\n" + run.output[-3000:]
    assert "pm-test: FAIL" not in run.output
    return run.output


@pytest.fixture(scope="module")
def pids(out: str) -> dict[str, int]:
    found = {m[1]: int(m[2]) for m in re.finditer(r"^init: started (\S+) \(pid (\d+)\)$", out,
                                                     re.MULTILINE)}
    found |= {m[1]: int(m[2]) for m in re.finditer(r"process: spawned (\S+) \(pid (\d+)\)",
                                                     out)}
    return found


@pytest.fixture(scope="module")
def commits(run) -> dict[int, Commit]:
    return {c.seq: c for c in read_log(run.axiom_log)}


def line(out: str, pattern: str) -> re.Match[str]:
    m = re.search(pattern, out, re.MULTILINE)
    assert m, f"no line matching {pattern!r}:\n{out[-3000:]}"
    return m


# --- the policy, written down independently of the C ---------------------------------

SYSTEM = {"init", "terminal", "supervisor", "shell", "process"}
RUNTIME = {"storage", "network", "identity", "permissions"}


def classify(name: str) -> str:
    if name in SYSTEM or name.startswith("system-"):
        return "System"
    return "Runtime" if name in RUNTIME else "Application"


@dataclass(frozen=True)
class Rule:
    id: str
    who: str          # a class, "name:NAME" or "*"
    type: str         # a capability type or "*"
    allowed: bool
    attenuate: bool = False
    parent: str = ""


RULES = (
    Rule("system-spawn", "System", "spawn", True),
    Rule("system-any", "System", "*", True),                # Orbital: System may hold anything
    Rule("runtime-console", "Runtime", "console", True),    # Orbital: runtime may use console
    Rule("app-storage-ro", "Application", "storage", True, attenuate=True),
    Rule("app-network", "Application", "network", True),
    Rule("terminal-console", "*", "console", True, parent="terminal"),   # spec §5.10 #52
    Rule("storage-no-network", "name:storage", "network", False),
)


def decide(name: str, parent: str, type_: str, rights: int) -> tuple[bool, str, str]:
    cls = classify(name)
    attenuate_failed = False
    for r in RULES:
        who_ok = r.who in ("*", cls) or r.who == f"name:{name}"
        if not who_ok or r.type not in ("*", type_):
            continue
        if r.attenuate and rights & W:
            attenuate_failed = True
            continue
        if r.parent and parent != r.parent:
            continue
        return r.allowed, f"{'Allowed' if r.allowed else 'Denied'} by rule: {r.id}", ""
    alt = ""
    if attenuate_failed:
        fewer = rights & ~W or R
        alt = f"{type_}:" + "".join(c for bit, c in ((R, "r"), (W, "w"), (4, "g")) if fewer & bit)
    return False, NONE, alt


CHECK = re.compile(r'^pm-test: check pid (\d+) \((\S+)\) (\S+) rights (\d+) -> allowed (\d) '
                   r'reason "([^"]*)" alternative "([^"]*)"$', re.MULTILINE)


def test_decisions_follow_the_default_policy(out: str, commits: dict[int, Commit]) -> None:
    procs = {c.payload.pid: c.payload for c in commits.values() if c.kind == "process_created"}
    checks = CHECK.findall(out)
    assert len(checks) >= 15
    for pid_s, who, type_, rights_s, allowed, reason, alt in checks:
        pid, rights = int(pid_s), int(rights_s)
        if pid not in procs:
            assert (allowed, reason, alt) == ("0", f"No such process: {pid}", "")
            continue
        assert procs[pid].name == who   # the driver named the requester right
        parent = procs[procs[pid].parent].name if procs[pid].parent in procs else ""
        assert decide(who, parent, type_, rights) == (allowed == "1", reason, alt), \
            (who, type_, rights)


def test_every_class_and_rule_was_exercised(out: str) -> None:
    checks = CHECK.findall(out)
    assert {classify(who) for _, who, *_ in checks} >= {"System", "Runtime", "Application"}
    reasons = {reason for *_, reason, _ in checks}
    for rule in ("system-spawn", "system-any", "runtime-console", "app-storage-ro",
                 "app-network"):
        assert f"Allowed by rule: {rule}" in reasons
    assert "Denied by rule: storage-no-network" in reasons
    assert NONE in reasons
    assert any(alt == "storage:r" for *_, alt in checks)


CAPS = re.compile(r"^pm-test: caps of pid (\d+): slot (\d+) type (\d+) rights (\d+) object (\d+) "
                  r"granted_by (\d+) granted_at (\d+)$", re.MULTILINE)


def test_query_caps_shows_what_the_app_holds_granted_by_the_pm(out: str, pids, commits) -> None:
    app = pids["prov-app"]
    rows = [tuple(map(int, m)) for m in CAPS.findall(out) if int(m[0]) == app]
    held = {(int(m[1]), int(m[2]), int(m[3])) for m in re.finditer(
        rf"^prov-app: pid {app} holds slot (\d+) type (\d+) rights (\d+)$", out, re.MULTILINE)}
    assert {(slot, t, r) for _, slot, t, r, *_ in rows} == held
    assert len(held) == 3
    window = line(out, rf"pm-test: prov-app pid {app} spawned between (\d+) and (\d+)")
    t0, t1 = int(window[1]), int(window[2])
    inserted = {(c.payload.pid, c.payload.slot): c for c in commits.values()
                if c.kind == "cap_inserted"}
    for _, slot, type_, rights, obj, granted_by, granted_at in rows:
        assert granted_by == pids["process"]
        assert t0 <= granted_at <= t1
        c = inserted[(app, slot)]   # the CommitLog on the host says the same
        assert (c.env.timestamp, c.payload.cap.object_type, c.payload.cap.rights,
                c.payload.cap.object_id) == (granted_at, type_, rights, obj)


def test_granter_is_known_after_the_syslog_record_is_gone(out: str, pids) -> None:
    """5000 system calls right after a spawn push its SysLog record out of the kernel's
    4096-record ring before Permissions reads it; the granter is still the PM."""
    m = line(out, r"pm-test: prov-burst \(pid (\d+)\): (\d+) syscalls since its spawn "
                  r"\(\d+ us\), (\d+) caps, granted by the PM: (\w+)$")
    assert int(m[1]) == pids["prov-burst"]
    assert int(m[2]) > 4096
    assert (int(m[3]), m[4]) == (3, "yes")


def test_query_caps_of_the_caller_matches_the_kernel(out: str) -> None:
    m = line(out, r"pm-test: QUERY_CAPS of myself matches cap_list: (\d+) capabilities")
    assert int(m[1]) >= 5   # endpoint, init, axiom, and the two services looked up
    assert "FAIL provenance" not in out


HISTORY = re.compile(r"^pm-test: history of pid (\d+): seq (\d+) op (\d+) pid (\d+) slot (\d+) "
                     r"rights (\d+) actor (\d+)$", re.MULTILINE)


def test_history_is_the_commitlog_with_its_actors(out: str, pids, commits) -> None:
    app, pm = pids["prov-app"], pids["process"]
    rows = {tuple(map(int, m)) for m in HISTORY.findall(out)}
    assert rows
    for _, seq, op, pid, slot, _rights, _actor in rows:
        c = commits[seq]   # same commit on the host: type, holder and slot
        assert (int(c.env.type), c.payload.pid, c.payload.slot) == (op, pid, slot)
    ins = int(abi.CommitType.CAP_INSERTED)
    rem = int(abi.CommitType.CAP_REMOVED)
    assert {(slot, actor) for _, _, op, pid, slot, _, actor in rows if op == ins
            and pid == app} == {(0, pm), (1, pm), (2, pm)}
    # a term: the app exited by itself, so its own exit removed its capabilities
    assert {(slot, actor) for _, _, op, pid, slot, _, actor in rows if op == rem
            and pid == app} == {(0, app), (1, app), (2, app)}
    line(out, rf"^process: prov-app \(pid {app}\) ended: exit, code 0$")


MALFORMED = {
    "perm-short": abi.ERROR_MALFORMED, "perm-trailing": abi.ERROR_MALFORMED,
    "perm-bad-rights": abi.ERROR_MALFORMED, "perm-empty-type": abi.ERROR_MALFORMED,
    "perm-caps-short": abi.ERROR_MALFORMED, "perm-history-trailing": abi.ERROR_MALFORMED,
    "perm-wrong-tag": abi.ERROR_UNKNOWN_REQUEST, "perm-spawn-tag": abi.ERROR_UNKNOWN_REQUEST,
    "perm-unknown-pid": abi.ERROR_ERRNO | abi.Errno.ENOENT,
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_request_gets_msg_error(out: str, name: str) -> None:
    m = line(out, rf"^pm-test: malformed {name} -> MSG_ERROR code (0x[0-9a-f]+)$")
    assert int(m[1], 16) == MALFORMED[name]


def test_permissions_survives_malformed_requests(out: str, pids: dict[str, int]) -> None:
    m = line(out, r"pm-test: after malformed requests: CHECK_PERM (-?\d+), .* permissions "
                  r"pid (\d+)$")
    assert (int(m[1]), int(m[2])) == (0, pids["permissions"])
    assert len(re.findall(r"^init: started permissions ", out, re.MULTILINE)) == 1
    assert not re.search(r"^init: permissions \(pid \d+\) exited", out, re.MULTILINE)
    said = [ln for ln in out.splitlines() if ln.startswith("permissions: ")]
    assert len(said) == 1 and said[0].startswith("permissions: pid "), said   # no complaints


def test_check_perm_round_trip_figure(out: str) -> None:
    m = line(out, r"pm-test: bench CHECK_PERM round trip: avg (\d+) ns \(n=200\); a bare "
                  r"round trip to Permissions: avg (\d+) ns")
    check, bare = int(m[1]), int(m[2])
    assert check > 0 and bare > 0
    print(f"\nCHECK_PERM round trip: {check / 1000:.1f} us, bare IPC round trip to the "
          f"service {bare / 1000:.1f} us (QEMU TCG)")
