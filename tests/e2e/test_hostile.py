"""Denial-of-service attacks on kernel resources (issue 9) in images/hostile.toml.

Each attacker (tests/programs/hostile, one attack per instance) tries to use up what
every process needs: attack 1 creates endpoints and drops their only capability, attack 3
queues messages nobody receives, and fills the endpoint its own children's exit notices
go to. Each must be refused at its own limits (decisions D80-D84) and keeps what it got;
then system-hostile-check (tests/programs/hostile_check) shows that the rest of the system
does not notice: registry lookups, sends, spawns through the Process Manager and the exit
notices the PM gets for them. Before per-process accounting attack 1 emptied the kernel's
endpoint table and attack 3 its message pool, and the checker's spawns and sends failed.
"""

from __future__ import annotations

import re

import pytest

from orbital_build.axiom.chain import read_log
from orbital_build.generated import abi

CHECK_EXITED = r"init: system-hostile-check \(pid \d+\) exited: code (-?\d+)"
ATTACKS = ("endpoints", "messages", "notices", "grant")
CHILD_CODE = 42   # tests/programs/hostile/attack.h HOSTILE_CHILD_CODE


@pytest.fixture(scope="module")
def run(boot):
    # the checker's exit is the last thing that happens: nothing is in flight after it
    return boot("hostile", timeout=240, expect=[CHECK_EXITED])


@pytest.fixture(scope="module")
def out(run) -> str:
    assert "KERNEL" not in run.output and "panic" not in run.output, run.output[-3000:]
    return run.output


def line(out: str, pattern: str) -> re.Match[str]:
    m = re.search(pattern, out, re.MULTILINE)
    assert m, f"no line matching {pattern!r}:\n{out[-3000:]}"
    return m


def test_every_attack_is_contained_at_its_own_limits(out: str) -> None:
    for name in ATTACKS:
        line(out, rf"^hostile: {name}: pid \d+ tries to ")
        assert line(out, rf"^hostile: {name}: (contained at its own limits|NOT CONTAINED)$")[1] \
            == "contained at its own limits", name


def test_endpoints_are_refused_at_the_endpoint_limit(out: str) -> None:
    m = line(out, r"^hostile: endpoints: (\d+) made and dropped, then (\w+( \w+)?); "
                  r"endpoints (\d+)/(\d+), caps (\d+)/(\d+)$")
    # the kernel default (D82); before accounting: 1,014 endpoints, the whole table
    assert (int(m[1]), m[2]) == (abi.DEFAULT_ENDPOINTS, "ENOMEM")
    assert int(m[4]) == int(m[5]) == abi.DEFAULT_ENDPOINTS
    assert int(m[6]) < int(m[7])   # not a capability limit: it holds no capability to them


def test_messages_are_refused_at_the_byte_and_count_limits(out: str) -> None:
    m = line(out, r"^hostile: messages: (\d+) of (\d+) bytes, then (\w+); (\d+) of (\d+) bytes "
                  r"on (\d+) endpoints, then (\w+); messages (\d+)/(\d+), msg_bytes (\d+)/(\d+)$")
    big, big_len, small, small_len = int(m[1]), int(m[2]), int(m[4]), int(m[5])
    assert (m[3], m[7]) == ("EAGAIN", "EAGAIN")
    assert big == abi.DEFAULT_MSG_BYTES // big_len            # msg_bytes stops the first
    assert big + small == abi.DEFAULT_MESSAGES                # messages the second
    assert int(m[8]) == int(m[9]) == abi.DEFAULT_MESSAGES
    assert (int(m[10]), int(m[11])) == (big * big_len + small * small_len,
                                        abi.DEFAULT_MSG_BYTES)
    # the big ones on the first endpoint, the small ones on the second, and a third
    # refused its first send: the sender was out, not a queue
    assert int(m[6]) == 3


def test_exit_notices_pass_a_full_queue(out: str) -> None:
    m = line(out, r"^hostile: notices: a queue of (\d+) filled \((\d+) sent, then (\w+)\), "
                  r"(\d+) children ended: (\d+) exit notices arrived past it, (\d+) with the "
                  r"right pid and code; (\d+) of our messages$")
    queue = int(m[1])
    assert (int(m[2]), m[3], int(m[7])) == (queue, "EAGAIN", queue)
    assert int(m[4]) == int(m[5]) == int(m[6]) == 4


def test_capabilities_forced_on_init_do_not_go_in(out: str) -> None:
    """Attack 2 (D105): before consent 247 grants into pid 1 filled init's CSpace and its
    lookups failed; now nothing goes in but what init takes in messages and drops, and
    system-hostile-check's 40 lookups (below) are answered after it."""
    m = line(out, r"^hostile: grant: (\d+) of 300 grants and (\d+) of 300 moves into pid 1 "
                  r"went in \((\d+) refused EBADF\), cspace_open\(1\) (\w+), (\d+) "
                  r"capabilities sent in messages$")
    assert (int(m[1]), int(m[2]), int(m[3]), m[4]) == (0, 0, 600, "EPERM")
    assert int(m[5]) > 256   # more than a CSpace holds, all taken and dropped by init


def test_the_rest_of_the_system_is_unaffected(run, out: str) -> None:
    assert run.returncode == 0, run.summary + "\n" + out[-3000:]
    fails = [ln for ln in out.splitlines() if "hostile-check: FAIL" in ln]
    m = line(out, r"^hostile-check: (\d+) passed, (\d+) failed$")
    assert int(m[2]) == 0, "\n".join(fails)
    assert int(line(out, CHECK_EXITED)[1]) == 0
    assert int(line(out, r"^hostile-check: (\d+) registry lookups answered$")[1]) == 40
    m = line(out, r"^hostile-check: (\d+) messages queued and (\d+) received; (\d+) PM "
                  r"requests answered$")
    assert (int(m[1]), int(m[2]), int(m[3])) == (40, 40, 20)
    m = line(out, r"^hostile-check: (\d+) spawned through the PM, (\d+) ended$")
    assert (int(m[1]), int(m[2])) == (5, 5)
    # int(m[1]) checks passed in all: one per lookup, send, request, spawn and end
    assert int(line(out, r"^hostile-check: (\d+) passed")[1]) >= 40 + 40 + 20 + 10


def test_the_pm_got_every_exit_notice(out: str) -> None:
    spawned = re.findall(r"^hostile-check: spawned (hc-\d+) \(pid (\d+)\)$", out, re.MULTILINE)
    assert len(spawned) == 5
    for name, pid in spawned:
        line(out, rf"process: {name} \(pid {pid}\) ended: \w+, code {CHILD_CODE}$")


def test_attackers_hold_their_usage_as_the_kernel_lists_it(out: str) -> None:
    usage = {m[1]: [int(x) for x in m.groups()[2:]] for m in re.finditer(
        r"^hostile-check: (hostile-\w+) \(pid (\d+)\): endpoints (\d+)/(\d+) messages "
        r"(\d+)/(\d+) msg_bytes (\d+)/(\d+) processes (\d+)/(\d+)$", out, re.MULTILINE)}
    assert set(usage) == {f"hostile-{a}" for a in ATTACKS}
    ep_used, ep_limit = usage["hostile-endpoints"][0:2]
    assert ep_used == ep_limit == abi.DEFAULT_ENDPOINTS
    msg_used, msg_limit = usage["hostile-messages"][2:4]
    assert msg_used == msg_limit == abi.DEFAULT_MESSAGES
    # the notices attacker's children have ended: their reservations are back
    assert usage["hostile-notices"][6:8] == [0, 4]


def test_the_commitlog_carries_the_attackers_limits(run) -> None:
    created = {c.payload.name: c.payload for c in read_log(run.axiom_log)
               if c.kind == "process_created"}
    defaults = [abi.DEFAULT_MEMORY, abi.DEFAULT_MSG_BYTES, abi.DEFAULT_PROCESSES,
                abi.DEFAULT_THREADS, abi.DEFAULT_ENDPOINTS, abi.DEFAULT_NOTIFICATIONS,
                abi.DEFAULT_CAPS, abi.DEFAULT_MESSAGES, abi.DEFAULT_SHM, abi.DEFAULT_MSIX]
    assert list(created["hostile-endpoints"].limits.amount) == defaults
    assert list(created["hostile-messages"].limits.amount) == defaults
    notices = list(created["hostile-notices"].limits.amount)
    assert notices[abi.RES_PROCESSES] == 4
    assert notices[:abi.RES_PROCESSES] + notices[abi.RES_PROCESSES + 1:] == \
        defaults[:abi.RES_PROCESSES] + defaults[abi.RES_PROCESSES + 1:]
