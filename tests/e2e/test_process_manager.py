"""The Process Manager (services/process) in images/pm-test.toml: spawn, list, term and
kill through it, resource limits, an Application refused by Permissions and then by the
kernel, and malformed requests. The test driver (tests/programs/pm_driver) makes the requests
and checks the answers; these tests compare what it reports with what the PM, the
programs it started, the kernel and the captured CommitLog say."""

from __future__ import annotations

import re

import pytest

from orbital_build.axiom.chain import read_log
from orbital_build.generated import abi

DRIVER_EXITED = r"init: system-pmtest \(pid \d+\) exited: code (-?\d+)"
ENDPOINT, CONSOLE = int(abi.ObjectType.ENDPOINT), int(abi.ObjectType.CONSOLE)
R, W = int(abi.Rights.READ), int(abi.Rights.WRITE)


@pytest.fixture(scope="module")
def run(boot):
    # the driver's exit is the last thing that happens: once init has logged it, no more
    # commits are in flight, so stopping QEMU there leaves a complete CommitLog
    return boot("pm-test", timeout=120, expect=[DRIVER_EXITED])


@pytest.fixture(scope="module")
def out(run) -> str:
    return run.output


@pytest.fixture(scope="module")
def pids(out: str) -> dict[str, int]:
    """PIDs by name, from init's and the PM's own log lines."""
    found = {m[1]: int(m[2]) for m in re.finditer(r"^init: started (\S+) \(pid (\d+)\)$", out,
                                                     re.MULTILINE)}
    found |= {m[1]: int(m[2]) for m in re.finditer(r"process: spawned (\S+) \(pid (\d+)\)",
                                                     out)}
    return found


def line(out: str, pattern: str) -> re.Match[str]:
    m = re.search(pattern, out, re.MULTILINE)
    assert m, f"no line matching {pattern!r}:\n{out[-3000:]}"
    return m


def index(out: str, pattern: str) -> int:
    return line(out, pattern).start()


def test_driver_passes(run) -> None:
    assert run.returncode == 0, run.summary + "\n" + run.output[-3000:]
    m = line(run.output, r"^pm-test: (\d+) passed, (\d+) failed$")
    fails = [ln for ln in run.output.splitlines() if "pm-test: FAIL" in ln]
    assert int(m[2]) == 0, "\n".join(fails)
    assert int(m[1]) >= 150
    assert int(line(run.output, DRIVER_EXITED)[1]) == 0
    assert "KERNEL" not in run.output and "fault:" not in run.output


def test_driver_sees_the_services_init_started(out: str, pids: dict[str, int]) -> None:
    m = line(out, r"pm-test: pid (\d+), process manager pid (\d+), permissions pid (\d+)")
    assert (int(m[1]), int(m[2]), int(m[3])) == \
        (pids["system-pmtest"], pids["process"], pids["permissions"])


def test_spawned_programs_start_with_the_service_slot_layout(out: str,
                                                             pids: dict[str, int]) -> None:
    """Slot 0 the endpoint the PM made (R|W), slot 1 init's endpoint (W), slot 2 console."""
    for name in ("sleeper-a", "stubborn", "sleeper-b", "prov-app"):
        held = {(int(m[1]), int(m[2]), int(m[3])) for m in re.finditer(
            rf"^{name}: pid {pids[name]} holds slot (\d+) type (\d+) rights (\d+)$", out,
            re.MULTILINE)}
        assert held == {(0, ENDPOINT, R | W), (1, ENDPOINT, W), (2, CONSOLE, W)}, name


def test_the_commitlog_records_each_spawn_as_a_child_of_the_pm(run, pids) -> None:
    created = {c.payload.pid: c.payload for c in read_log(run.axiom_log)
               if c.kind == "process_created"}
    spawned = re.findall(r"process: spawned (\S+) \(pid (\d+)\) for pid (\d+)", run.output)
    assert len(spawned) >= 15
    for name, pid, requester in spawned:
        assert created[int(pid)].name == name
        assert created[int(pid)].parent == pids["process"]
        assert int(requester) == pids["system-pmtest"]
    assert "evil" not in {p.name for p in created.values()}


def test_list_shows_a_child_of_the_pm(out: str, pids: dict[str, int]) -> None:
    m = line(out, r"pm-test: PM_LIST_PROCESSES: (\d+) processes, sleeper-a \(pid (\d+)\)")
    assert int(m[2]) == pids["sleeper-a"]
    assert int(m[1]) >= 7   # init, permissions, process, driver and three sleepers


def test_term_stops_a_willing_program_at_once(out: str, pids: dict[str, int]) -> None:
    pid = pids["sleeper-a"]
    said = index(out, r"^sleeper-a: SERVICE_STOP, exiting$")
    ended = index(out, rf"^process: sleeper-a \(pid {pid}\) ended: exit, code 0$")
    assert said < ended
    ms = int(line(out, rf"pm-test: term sleeper-a \(pid {pid}\): status 0, gone after (\d+)")[1])
    assert ms < 900


def test_term_kills_a_stubborn_program_after_one_second(out: str, pids: dict[str, int]) -> None:
    pid = pids["stubborn"]
    ignored = index(out, r"^stubborn: ignoring SERVICE_STOP$")
    killed = index(out, rf"^process: stubborn \(pid {pid}\) did not stop within 1 s: killed$")
    ended = index(out, rf"^process: stubborn \(pid {pid}\) ended: killed, code -1$")
    assert ignored < killed < ended
    ms = int(line(out, rf"pm-test: term stubborn \(pid {pid}\): status 0, gone after (\d+)")[1])
    assert 900 <= ms <= 3000


def test_kill_is_immediate(out: str, pids: dict[str, int]) -> None:
    pid = pids["sleeper-b"]
    line(out, rf"^process: sleeper-b \(pid {pid}\) ended: killed, code -1$")
    assert "sleeper-b: SERVICE_STOP" not in out
    ms = int(line(out, rf"pm-test: kill sleeper-b \(pid {pid}\): status 0, gone after (\d+)")[1])
    assert ms < 500


def test_kill_errors(out: str) -> None:
    m = line(out, r"pm-test: kill 9999 -> (-?\d+), kill init -> (-?\d+), term the PM -> (-?\d+)")
    assert (int(m[1]), int(m[2]), int(m[3])) == \
        (-abi.Errno.ENOENT, -abi.Errno.EPERM, -abi.Errno.EPERM)


def test_spawn_errors(out: str, pids: dict[str, int]) -> None:
    me = pids["system-pmtest"]
    line(out, rf"process: refused spawn of ghost for pid {me}: process_spawn: kernel said "
              rf"-{int(abi.Errno.ENOENT)}$")
    line(out, rf"process: refused spawn of greedy for pid {me}: max_memory: more than the "
              r"free memory$")
    m = line(out, r"pm-test: sleeper-c without a storage service: (\d+) caps, slot 2 (\w+), "
                  r"slot 3 console (\w+)")
    assert (m[2], m[3]) == ("empty", "held")


def test_over_its_cpu_limit_three_warnings_then_killed(out: str, pids: dict[str, int]) -> None:
    pid, pm = pids["pm_hog"], pids["process"]
    warned = re.findall(r"^pm_hog: RESOURCE_WARNING violation (\d+) count (\d+) from pid "
                        r"(\d+)$", out, re.MULTILINE)
    assert warned == [("1", str(n), str(pm)) for n in (1, 2, 3)]   # 1: cpu
    last = index(out, r"^pm_hog: RESOURCE_WARNING violation 1 count 3")
    killed = index(out, rf"^process: killed pm_hog \(pid {pid}\): over its cpu limit$")
    assert last < killed
    line(out, rf"^process {pid} \(pm_hog\) killed, code -1$")   # the kernel's word
    assert "pm_hog: still alive" not in out


def test_capability_limit_is_enforced_by_the_kernel(out: str, pids: dict[str, int]) -> None:
    start = int(line(out, r"^caphog: (\d+) capabilities at start$")[1])
    answers = re.findall(r"^caphog: endpoint (\d) -> (\w+) \((-?\d+)\)$", out, re.MULTILINE)
    room = 6 - start   # images: max_caps 6 (tests/programs/pm_driver/t_limits.c)
    assert [a[1:] for a in answers] == [("created", "0")] * room + \
        [("refused", str(-abi.Errno.ENOMEM))] * (8 - room)
    assert "caphog: RESOURCE_WARNING" not in out   # never over: nothing to warn about
    line(out, rf"^process: caphog \(pid {pids['caphog']}\) ended: exit, code 0$")
    # a limit below what it starts with: the kernel refuses the spawn
    m = line(out, r"^pm-test: cramped \(max_caps 2, starts with 3\): ok (\d) error (\d)$")
    assert (int(m[1]), int(m[2])) == (0, abi.SPAWN_ERR_RESOURCE_LIMIT)
    line(out, rf"^process: refused spawn of cramped for pid \d+: process_spawn: kernel said "
              rf"-{int(abi.Errno.ENOMEM)}$")


def test_memory_limit_is_enforced_by_the_kernel(out: str) -> None:
    refused = line(out, r"^memhog: mem_map of 2048 KiB -> refused \((-?\d+)\)$")
    assert int(refused[1]) == -abi.Errno.ENOMEM
    line(out, r"^memhog: mem_map of 64 KiB -> mapped \(0\)$")


def test_ipc_queue_limit_is_enforced_by_the_kernel(out: str, pids: dict[str, int]) -> None:
    # images: max_ipc_queue 4 (tests/programs/pm_driver/t_limits.c); a default queue holds 256
    m = line(out, r"^queuehog: (\d+) messages queued, then (-?\d+)$")
    assert (int(m[1]), int(m[2])) == (4, -abi.Errno.EAGAIN)
    line(out, rf"^process: queuehog \(pid {pids['queuehog']}\) ended: exit, code 0$")


def test_an_application_is_refused_by_permissions_and_by_the_kernel(out: str, run,
                                                                     pids) -> None:
    app, driver = pids["pm_noperm"], pids["system-pmtest"]
    # the PM asked Permissions, which found no rule giving an Application "spawn"
    line(out, rf"^process: refused spawn of evil for pid {app}: spawn: No policy allows "
              r"this permission$")
    m = line(out, r"^pm_noperm: PM_SPAWN answered ok (\d+) error (\d+) pid (\d+)$")
    assert (int(m[1]), int(m[2])) == (0, abi.SPAWN_ERR_PERMISSION_DENIED)
    # the kernel: an endpoint is not the root Process capability
    m = line(out, r"^pm_noperm: kernel process_spawn -> (-?\d+)$")
    assert int(m[1]) == -abi.Errno.EBADF
    records = re.findall(rf"^pm-test: syslog seq (\d+) pid {app} nr (0x[0-9a-f]+) result "
                         rf"(-?\d+)$", out, re.MULTILINE)
    assert (hex(abi.Syscall.PROCESS_SPAWN), str(-abi.Errno.EBADF)) in \
        {(nr, res) for _, nr, res in records}
    # and it may not kill what it did not start
    line(out, rf"^process: refused kill of pid {driver} for pid {app}: No policy allows "
              r"this permission$")
    m = line(out, rf"^pm_noperm: PM_KILL of pid {driver} answered status (-?\d+)$")
    assert int(m[1]) == -abi.Errno.EPERM
    assert not re.search(r"process: spawned evil", out)
    # nor read the audit trail: Permissions keeps the Axiom capability for System callers
    m = line(out, r"^pm_noperm: AUDIT_SYSLOG refused with code (0x[0-9a-f]+)$")
    assert int(m[1], 16) == abi.ERROR_ERRNO | abi.Errno.EPERM


MALFORMED = {
    "pm-short": abi.ERROR_MALFORMED, "pm-trailing": abi.ERROR_MALFORMED,
    "pm-wrong-tag": abi.ERROR_UNKNOWN_REQUEST, "pm-check-perm-tag": abi.ERROR_UNKNOWN_REQUEST,
    "pm-odd-caps": abi.ERROR_MALFORMED, "pm-bad-kind": abi.ERROR_MALFORMED,
    "pm-bad-rights": abi.ERROR_MALFORMED, "pm-no-rights": abi.ERROR_MALFORMED,
    "pm-empty-name": abi.ERROR_MALFORMED, "pm-space-in-name": abi.ERROR_MALFORMED,
    "pm-kill-signal": abi.ERROR_MALFORMED, "pm-list-payload": abi.ERROR_MALFORMED,
    "pm-forged-exit": abi.ERROR_ERRNO | abi.Errno.EPERM,
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_request_gets_msg_error(out: str, name: str) -> None:
    m = line(out, rf"^pm-test: malformed {name} -> MSG_ERROR code (0x[0-9a-f]+)$")
    assert int(m[1], 16) == MALFORMED[name]


def test_the_pm_survives_malformed_requests(out: str, pids: dict[str, int]) -> None:
    m = line(out, r"pm-test: after malformed requests: CHECK_PERM 0, PM_LIST_PROCESSES "
                  r"(0x[0-9a-f]+), process pid (\d+)")
    assert int(m[1], 16) == abi.Tag.PM_PROCESS_LIST
    assert int(m[2]) == pids["process"]
    assert len(re.findall(r"^init: started process ", out, re.MULTILINE)) == 1
    assert not re.search(r"^init: process \(pid \d+\) exited", out, re.MULTILINE)


def test_spawn_latency_figure(out: str) -> None:
    m = line(out, r"pm-test: bench spawn through the PM: median (\d+) us, min (\d+) us, "
                  r"max (\d+) us \(n=5\)")
    median, lo, hi = int(m[1]), int(m[2]), int(m[3])
    assert 0 < lo <= median <= hi
    # the PM's share: its whole handling time less the kernel's process_spawn
    share = [int(a) - int(b) for a, b in re.findall(
        r"process: spawned bench-app \(pid \d+\) for pid \d+ in (\d+) us \(process_spawn "
        r"(\d+) us\)", out)]
    assert len(share) == 5 and all(s >= 0 for s in share)
    print(f"\nspawn through the PM: median {median} us, min {lo} us, max {hi} us; the PM's "
          f"share (policy checks, bookkeeping): {sorted(share)} us (QEMU TCG)")
