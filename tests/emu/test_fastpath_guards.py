"""Each guard of the IPC fast path (kernel_image/src/arch/x86_64/fastpath.S), one test
each, on the real kernel under the machine model (images/emu-ipc.toml): a case that
breaks exactly that guard is sent to the slow path by that guard — its jump to the miss
label is the one taken, nothing of the fast path's work ran — and the slow path then does
what the call asks (delivers, or refuses with the precise error). The cases that pass
every guard are in test_ipc.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ipc_helpers import (
    IPCBUF_RECV_CAPS,
    Call,
    Ipc,
    call,
    check_delivered,
    check_reply,
    checksum,
    ipcbuf,
    start,
    to_server,
)

from orbital_build.emu import scenarios as sc
from orbital_build.emu.machine import Machine
from orbital_build.emu.scenarios import Case
from orbital_build.generated import abi

pytestmark = pytest.mark.emu

# Guards in the order each path tests them (their labels: fastpath_<path>_guard_<name>).
GUARDS = {
    "call": ("message", "handle", "receiver", "urgency", "timeout", "reply"),
    "reply_recv": ("message", "owed", "handle", "queue", "urgency"),
}


@pytest.fixture
def ipc(boot: Callable[..., Machine]) -> Ipc:
    return start(boot(sc.IPC_IMAGE))


def guard_that_missed(m: Machine, path: list[int], which: str) -> str:
    """The guard of fastpath_<which> whose jump sent `path` to the slow path; also checks
    that the fast path was tried, missed, did none of its work, and the slow path ran."""
    miss = m.symbol(f"fastpath_{which}_miss")
    assert m.symbol(f"fastpath_{which}") in path, "the fast path was not even tried"
    assert miss in path, "no guard failed"
    assert m.symbol(f"fastpath_{which}_taken") not in path, "the fast path did its work"
    assert m.symbol("syscall_entry_c") in path, "the slow path did not run"
    jump = path[path.index(miss) - 1]
    starts = sorted((m.symbol(f"fastpath_{which}_guard_{g}"), g) for g in GUARDS[which])
    owner = [g for addr, g in starts if addr <= jump]
    assert owner and jump < m.symbol(f"fastpath_{which}_taken"), m.addr_to_symbol(jump)
    return owner[-1]


# --- endpoint_call ---------------------------------------------------------------------------

CALL_DELIVERED = [  # case, the guard it breaks, the badge the server gets
    (Case.LONG, "message", sc.BADGE_E1),        # 40 bytes: through the IPC buffer
    (Case.CAPS, "message", sc.BADGE_E1),        # one capability moves
    (Case.EXPIRING, "handle", sc.BADGE_E1),     # an expiry: the clock is the slow path's
    (Case.NORECV, "receiver", sc.BADGE_E2),     # E2's thread is not waiting yet
    (Case.URGENT, "urgency", sc.BADGE_E2),      # E2's thread is less urgent than the client
    (Case.TIMED, "timeout", sc.BADGE_E1),       # the server's receive has a timeout
    (Case.OWED, "reply", sc.BADGE_E1),          # the server still holds a reply capability
]


@pytest.mark.parametrize("case, guard, badge", CALL_DELIVERED,
                         ids=[c.name.lower() for c, _, _ in CALL_DELIVERED])
def test_call_guard_sends_to_the_slow_path_which_delivers(ipc: Ipc, case: Case, guard: str,
                                                          badge: int) -> None:
    m = ipc.m
    c = call(ipc, case)
    assert guard_that_missed(m, c.path, "call") == guard
    to_server(ipc)
    length = sc.msginfo_field(c.regs["rsi"], "len")
    check_delivered(ipc, c, badge)
    if case is Case.LONG:
        assert ipcbuf(m, 0, length) == b"\x5a" * length
    if case is Case.CAPS:
        assert int.from_bytes(ipcbuf(m, IPCBUF_RECV_CAPS, 4), "little") != abi.CAP_NONE
    check_reply(ipc, c, mr0=checksum(b"\x5a" * length) if case is Case.LONG else None)


CALL_REFUSED = [  # case, the guard it breaks, the slow path's error
    (Case.RESERVED, "message", abi.Errno.EINVAL),    # a reserved msginfo bit
    (Case.STALE, "handle", abi.Errno.ESTALE),        # the slot's generation moved on
    (Case.BADSLOT, "handle", abi.Errno.EBADF),       # slot 300 of a 256-slot CSpace
    (Case.HIGHBITS, "handle", abi.Errno.EBADF),      # bits above the 32-bit handle (D108)
    (Case.NOTENDPOINT, "handle", abi.Errno.EBADF),   # a notification's handle
    (Case.NORIGHT, "handle", abi.Errno.EPERM),       # an R-only capability
]


@pytest.mark.parametrize("case, guard, error", CALL_REFUSED,
                         ids=[c.name.lower() for c, _, _ in CALL_REFUSED])
def test_call_guard_sends_to_the_slow_path_which_refuses(ipc: Ipc, case: Case, guard: str,
                                                         error: int) -> None:
    m = ipc.m
    c = call(ipc, case)
    assert guard_that_missed(m, c.path, "call") == guard
    # the slow path answered at once: back in the caller with the precise error
    assert m.cpu.rip == sc.CALL_RET.addr(m) and sc.cr3_of(m) == c.cr3
    assert m.cpu.reg("rax") == -error & 0xFFFFFFFFFFFFFFFF


def test_call_guard_reply_drops_the_held_reply_capability(ipc: Ipc) -> None:
    """OWED: the slow path took the call and answered the thread whose call the server
    held with EDEAD — what the fast path could not have done."""
    m = ipc.m
    held = call(ipc, Case.HOLD)                      # a helper thread's call, held
    assert m.symbol("fastpath_call_taken") in held.path
    c = call(ipc, Case.OWED)
    assert guard_that_missed(m, c.path, "call") == "reply"
    sc.run_to(m, sc.CALL_RET, cr3=c.cr3,
              where=lambda regs: regs["rax"] == -abi.Errno.EDEAD & 0xFFFFFFFFFFFFFFFF)


# --- endpoint_reply_recv ---------------------------------------------------------------------

def server_reply(ipc: Ipc, case: Case) -> Call:
    """Run to the server's reply_recv answering `case` (its mr0 is the request's mr1), then
    on to the next user instruction."""
    m = ipc.m
    sc.run_to_call(m, case)
    request = m.cpu.regs()
    sc.run_to(m, sc.SERVER_RR, cr3=ipc.server_cr3,
              where=lambda regs: regs["rdx"] == request["rdx"] + 1)
    regs, cr3 = m.cpu.regs(), sc.cr3_of(m)
    return Call(regs, cr3, m.executed(m.cpu.rip, Machine.in_user))


RR_CASES = [  # case, the guard it breaks
    (Case.RR_LONG, "message"),      # a 40-byte reply
    (Case.RR_NOREPLY, "owed"),      # the server answered already: nothing owed
    (Case.RR_STALE, "handle"),      # a stale endpoint handle
    (Case.RR_QUEUED, "queue"),      # another call waits on the endpoint
    (Case.RR_LOWPRIO, "urgency"),   # the caller is less urgent than the server
]


@pytest.mark.parametrize("case, guard", RR_CASES, ids=[c.name.lower() for c, _ in RR_CASES])
def test_reply_recv_guard_sends_to_the_slow_path(ipc: Ipc, case: Case, guard: str) -> None:
    m = ipc.m
    sc.run_to_call(m, case)
    client = sc.cr3_of(m)
    request = Call(m.cpu.regs(), client, [])
    rr = server_reply(ipc, case)
    assert guard_that_missed(m, rr.path, "reply_recv") == guard
    if case is Case.RR_STALE:   # refused before replying: the server gets ESTALE
        assert m.cpu.rip == sc.SERVER_RR_RET.addr(m)
        assert m.cpu.reg("rax") == -abi.Errno.ESTALE & 0xFFFFFFFFFFFFFFFF
    # the caller gets its answer all the same (the server's emu_reply for STALE/NOREPLY)
    if case is Case.RR_LONG:
        check_reply(ipc, request, length=40)
        assert ipcbuf(m, 0, 40) == b"\x6b" * 40
    else:
        check_reply(ipc, request)
