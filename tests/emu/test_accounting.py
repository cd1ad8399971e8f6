"""Per-process accounting on the real kernel under the machine model: the issue's attacks
1 and 3 from ring 3 of the fuzz target (images/emu-fuzz.toml), whose fuzz process runs
with the kernel's default limits for everything but memory and processes (decisions
D80-D83). Before accounting both ran on to the kernel's global tables (1,024 endpoints,
2,048 buffered messages); now each stops within the process's own limit, whatever queue
or capability it uses, with the error the ABI declares, while other kinds of object are
still there for it; the harness finds the SysLog and CommitLog consistent afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from orbital_build.emu.loader import BuiltImage
from orbital_build.fuzz import target as t
from orbital_build.fuzz.harness import Harness, signed
from orbital_build.fuzz.program import Call, Program, Ref
from orbital_build.generated import abi

pytestmark = pytest.mark.emu

S = abi.Syscall
OWNED_ENDPOINTS = 3   # at least A, B and P (orbital_build/fuzz/target.py)
NOTICES = 1           # at least its peer's exit notice, paid at spawn (D83)
ENOMEM, EAGAIN = -int(abi.Errno.ENOMEM), -int(abi.Errno.EAGAIN)
SEND_INFO = 0x10 | 8 << 32   # tag 0x10, 8 bytes in registers


@pytest.fixture(scope="module")
def harness(emu_image: Callable[[str], BuiltImage]) -> Harness:
    return Harness(emu_image(t.IMAGE))


def leak(harness: Harness, rounds: int, drop: bool) -> list[int]:
    """endpoint_create `rounds` times (deleting each capability when `drop`), then a
    notification_create: every result."""
    calls: list[Call] = []
    for _ in range(rounds):
        calls.append(Call(S.ENDPOINT_CREATE, ()))
        if drop:
            calls.append(Call(S.CAP_DELETE, (Ref("ret", len(calls) - 1),)))
    out = harness.run(Program((*calls, Call(S.NOTIFICATION_CREATE, ()))))
    assert out.ok, out.violations
    return [signed(r.rax) for r in out.results]


def test_endpoints_without_capabilities_stop_at_the_endpoint_limit(harness: Harness) -> None:
    rounds = 12
    dropped = leak(harness, rounds, drop=True)
    created, deleted = dropped[0:-1:2], dropped[1:-1:2]
    room = sum(r >= 0 for r in created)
    assert 0 < room <= abi.DEFAULT_ENDPOINTS - OWNED_ENDPOINTS
    assert created[room:] == [ENOMEM] * (rounds - room)
    assert deleted[:room] == [0] * room   # no capability left: the endpoints live on
    assert dropped[-1] >= 0               # a notification: another kind, still there
    # keeping the capabilities changes nothing: the endpoints are counted, not the slots
    kept = leak(harness, rounds, drop=False)
    assert sum(r >= 0 for r in kept[:-1]) == room and kept[-1] >= 0


def flood(harness: Harness, first: int, second: bool) -> list[int]:
    """`first` sends on B (nobody receives there), then as many on a fresh endpoint (when
    `second`) or on B again."""
    calls = [Call(S.ENDPOINT_SEND, (t.EP_B, SEND_INFO)) for _ in range(first)]
    target: int | Ref = t.EP_B
    if second:
        calls.append(Call(S.ENDPOINT_CREATE, ()))
        target = Ref("ret", len(calls) - 1)
    calls += [Call(S.ENDPOINT_SEND, (target, SEND_INFO)) for _ in range(abi.DEFAULT_MESSAGES)]
    out = harness.run(Program(tuple(calls)))
    assert out.ok, out.violations
    results = [signed(r.rax) for r in out.results]
    return results[:first] + results[first + second:]


def test_queued_messages_stop_at_the_message_limit(harness: Harness) -> None:
    one_queue = flood(harness, abi.DEFAULT_MESSAGES, second=False)
    room = one_queue.count(0)
    assert 0 < room <= abi.DEFAULT_MESSAGES - NOTICES
    assert one_queue == [0] * room + [EAGAIN] * (len(one_queue) - room)
    # spread over two queues the sender gets no further: the limit is its own
    two_queues = flood(harness, room // 2, second=True)
    assert two_queues.count(0) == room
    assert two_queues[room:] == [EAGAIN] * (len(two_queues) - room)
