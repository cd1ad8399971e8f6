"""The pattern behind the stall the hardening issue reported ("a thread blocked in
endpoint_reply_recv on an endpoint it had just sent to successfully; a second send
released it"), run deterministically on the real kernel from the fuzz target's snapshot
(images/emu-fuzz.toml). A message sent successfully is never lost: with nobody else
waiting the sender's own reply_recv takes it at once; with a receiver already waiting the
message goes to that receiver, the sender's reply_recv waits (that is the case that looks
like a stall), and the next send reaches whoever waits first. The SysLog shows where each
message went."""

from __future__ import annotations

import struct
from collections.abc import Callable

import pytest

from orbital_build.emu.loader import BuiltImage
from orbital_build.fuzz import target as t
from orbital_build.fuzz.harness import SYSLOG_CAP, Harness, signed
from orbital_build.fuzz.program import Call, Program
from orbital_build.generated import abi

pytestmark = pytest.mark.emu

S = abi.Syscall
TAG_FIRST, TAG_SECOND = 0x7001, 0x7002


def info(tag: int) -> int:
    return tag | 8 << 32


@pytest.fixture(scope="module")
def harness(emu_image: Callable[[str], BuiltImage]) -> Harness:
    return Harness(emu_image(t.IMAGE))


def records(h: Harness) -> list[abi.SyslogRecord]:
    """The SysLog records of the last program and of the waits in progress when it began
    (the kernel's ring, read directly)."""
    m = h.m
    end = struct.unpack("<Q", m.read(m.symbol("axiom_syslog_next"), 8))[0]
    size = abi.SyslogRecord.SIZE
    out = []
    for seq in range(max(1, h.base_seq - 64), end):   # the helpers' waits began before
        r = abi.SyslogRecord.unpack(m.read(h.syslog + (seq % SYSLOG_CAP) * size, size))
        if r.seq == seq:
            out.append(r)
    return out


def test_own_message_comes_back_when_nobody_else_waits(harness: Harness) -> None:
    """B has no receiver: the send queues, and the sender's reply_recv takes it at once."""
    out = harness.run(Program((Call(S.ENDPOINT_SEND, (t.EP_B, info(TAG_FIRST), 42)),
                               Call(S.ENDPOINT_REPLY_RECV, (t.EP_B, info(0))))))
    assert out.ok, out.violations
    send, rr = out.results
    assert send.rax == 0 and rr.how == "returned"
    assert rr.rax is not None and rr.rax & 0xFFFF_FFFF == TAG_FIRST
    assert (rr.regs[2], rr.regs[1]) == (42, t.FUZZ_PID)   # mr0 and the stamped sender


def test_message_to_a_waiting_receiver_is_not_lost(harness: Harness) -> None:
    """A's server thread already waits: the send goes straight to it, and the sender's own
    reply_recv on A then waits behind it — no message is queued, none was lost."""
    out = harness.run(Program((Call(S.ENDPOINT_SEND, (t.EP_A, info(TAG_FIRST), 7)),
                               Call(S.ENDPOINT_REPLY_RECV, (t.EP_A, info(0))))))
    assert out.ok, out.violations
    assert out.results[0].rax == 0 and out.results[1].how == "blocked"
    done = [r for r in records(harness) if r.flags & abi.SYSLOG_DONE and r.pid == t.FUZZ_PID]
    got = [r for r in done if r.nr in (S.ENDPOINT_RECEIVE_WAIT, S.ENDPOINT_REPLY_RECV)
           and signed(r.result & (1 << 64) - 1) >= 0 and r.result & 0xFFFF_FFFF == TAG_FIRST]
    assert len(got) == 1, [(r.nr, hex(r.result)) for r in done]   # the server took it
    queued = harness.run(Program((Call(S.ENDPOINT_RECEIVE, (t.EP_A,)),)))
    assert signed(queued.results[0].rax or 0) == -abi.Errno.EAGAIN   # nothing left behind


def test_each_of_two_sends_arrives_once(harness: Harness) -> None:
    """Two sends to A in a row: the first goes to A's waiting server, which is ready but
    has not run yet when the second comes, so the second is queued — and the sender's own
    receive takes it. Each message arrives exactly once."""
    out = harness.run(Program((
        Call(S.ENDPOINT_SEND, (t.EP_A, info(TAG_FIRST), 1)),
        Call(S.ENDPOINT_SEND, (t.EP_A, info(TAG_SECOND), 2)),
        Call(S.ENDPOINT_RECEIVE, (t.EP_A,)),
    )))
    assert out.ok, out.violations
    assert [r.rax for r in out.results[:2]] == [0, 0]
    mine = out.results[2]
    assert mine.rax is not None and mine.rax & 0xFFFF_FFFF == TAG_SECOND and mine.regs[2] == 2
    server = [r.result & 0xFFFF_FFFF for r in records(harness)
              if r.pid == t.FUZZ_PID and r.flags & abi.SYSLOG_DONE and r.result > 0 and
              r.nr in (S.ENDPOINT_RECEIVE_WAIT, S.ENDPOINT_REPLY_RECV)]
    assert server.count(TAG_FIRST) == 1 and TAG_SECOND not in server


def test_a_message_queued_under_a_waiting_receiver_is_caught(harness: Harness) -> None:
    """The harness's kernel-state check is what would see the stall: make the kernel's
    endpoint A look as if a message sat in its queue while its server waits (its qhead
    pointed at a buffered message), and the check reports exactly that."""
    inv = harness.endpoints
    m = harness.m
    harness.run(Program((Call(S.NOP, ()),)))
    assert inv.check(m.read) == []
    table = [struct.unpack_from("<Q", m.read(inv.table + 8 * i, 8))[0] for i in range(8)]
    eps = {struct.unpack_from("<Q", m.read(p + inv.ep["id"], 8))[0]: p for p in table if p}
    a = eps[t.EP_A_ID]
    assert struct.unpack("<Q", m.read(a + inv.ep["receivers"] + inv.wq["head"], 8))[0]
    fake = a + inv.ep["senders"]     # a "message" whose next pointer (first word) is 0:
    assert struct.unpack("<Q", m.read(fake, 8))[0] == 0   # A's empty list of callers
    m.write(a + inv.ep["qhead"], struct.pack("<Q", fake))
    m.write(a + inv.ep["qtail"], struct.pack("<Q", fake))
    found = inv.check(m.read)
    harness.run(Program((Call(S.NOP, ()),)))      # the snapshot puts the kernel back
    assert inv.check(m.read) == []
    assert f"endpoint {t.EP_A_ID}: a receiver waits while a message is queued" in found
    assert f"endpoint {t.EP_A_ID}: 1 buffered messages linked, depth says 0" in found
