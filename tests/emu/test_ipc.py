"""Issue "capabilities/IPC", checked on the real kernel under the machine model with
images/emu-ipc.toml: the fast path of endpoint_call / endpoint_reply_recv between two
processes, each of its guards falling back to the slow path, the slow path with eight
capabilities and a 4096-byte message, and sender fields a sender cannot forge."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from orbital_build.axiom.command import verify_log
from orbital_build.emu import scenarios as sc
from orbital_build.emu import x86
from orbital_build.emu.machine import Machine, StopReason
from orbital_build.emu.scenarios import Case

pytestmark = pytest.mark.emu

IPCBUF_DATA, IPCBUF_RECV_CAPS, IPCBUF_BADGE, IPCBUF_SENDER = 0, 4160, 4192, 4200
CAP_NONE = 0xFFFFFFFF
MSG_RESPONSE = 0x0F01
SERVER_PID = 1


@dataclass
class Ipc:
    """A booted emu-ipc machine with what the test learned on the way."""

    m: Machine
    server_cr3: int
    client_pid: int


def start(m: Machine) -> Ipc:
    """Run to the client's first call, learning the server's CR3 and the client's PID."""
    sc.run_to(m, sc.SERVER_RECV)                      # the server's first receive
    server_cr3 = sc.cr3_of(m)
    sc.run_to_call(m, Case.NORECV)                   # the client has its capabilities
    pid = int(m.console.split("emu-ipc-client: pid ")[1].split()[0])
    return Ipc(m, server_cr3, pid)


@pytest.fixture
def ipc(boot: Callable[..., Machine]) -> Ipc:
    return start(boot(sc.IPC_IMAGE))


@dataclass
class Call:
    """What the client sent, and the kernel functions on the way to the next user
    instruction."""

    regs: dict[str, int]
    cr3: int
    path: list[int]

    def ran(self, m: Machine, symbol: str) -> bool:
        return m.symbol(symbol) in self.path


def call(ipc: Ipc, case: Case) -> Call:
    """Run to the client's call for `case`, then on to the next user instruction."""
    m = ipc.m
    sc.run_to_call(m, case)
    regs, cr3 = m.cpu.regs(), sc.cr3_of(m)
    path = m.executed(m.cpu.rip, Machine.in_user)
    return Call(regs, cr3, path)


def server_returns(m: Machine) -> set[int]:
    return {p.addr(m) for p in sc.SERVER_RETURNS}


def to_server(ipc: Ipc) -> None:
    """Run on until a server thread returns from its receive (if not there already)."""
    m = ipc.m
    if m.cpu.rip not in server_returns(m) or sc.cr3_of(m) != ipc.server_cr3:
        stop = m.run_until(server_returns(m), cr3=ipc.server_cr3)
        assert stop.reason is StopReason.TARGET, stop


def ipcbuf(m: Machine, offset: int, size: int) -> bytes:
    """The running thread's IPC buffer (its FS base)."""
    return m.read(m.cpu.msr(x86.MSR_FS_BASE) + offset, size)


def ipcbuf_u64(m: Machine, offset: int) -> int:
    return struct.unpack("<Q", ipcbuf(m, offset, 8))[0]


def check_delivered(ipc: Ipc, c: Call, badge: int, *, info: int | None = None) -> None:
    """The server holds exactly what the client sent, stamped by the kernel."""
    m = ipc.m
    got = m.cpu.regs()
    assert sc.cr3_of(m) == ipc.server_cr3 != c.cr3, "CR3 did not switch to the server"
    assert got["rax"] == (c.regs["rsi"] if info is None else info)
    assert (got["rdi"], got["rsi"]) == (badge, ipc.client_pid)
    for r in sc.MSG_REGS:
        assert got[r] == c.regs[r], r
    assert (ipcbuf_u64(m, IPCBUF_BADGE), ipcbuf_u64(m, IPCBUF_SENDER)) == \
        (badge, ipc.client_pid)


def check_reply(ipc: Ipc, c: Call, *, mr0: int | None = None) -> None:
    """Run on to the client's return from the call and check the server's reply."""
    m = ipc.m
    stop = m.run_until(sc.CALL_RET.addr(m), cr3=c.cr3)
    assert stop.reason is StopReason.TARGET, stop
    got = m.cpu.regs()
    assert got["rax"] == sc.msginfo(MSG_RESPONSE, 32, 0)
    assert (got["rdi"], got["rsi"]) == (0, SERVER_PID)
    want = [c.regs[r] + 1 for r in sc.MSG_REGS]
    if mr0 is not None:
        want[0] = mr0
    assert [got[r] for r in sc.MSG_REGS] == want


def test_fast_path_call_and_reply_recv(ipc: Ipc,
                                       record_property: Callable[[str, object], None]) -> None:
    m = ipc.m
    path = sc.measure_call(m, Case.FAST)
    kernel = [a for a in path.oneway if not Machine.in_user(a)]
    assert m.symbol("fastpath_call") in kernel and m.symbol("sched_direct") in kernel
    assert m.symbol("syscall_entry_c") not in kernel, "the call took the slow path"
    assert path.receiver_cr3 == ipc.server_cr3 != path.client_cr3
    assert path.receiver_rip == m.user_symbol(sc.SERVER, "emu_rr_ret")
    back = path.roundtrip[len(path.oneway):]
    assert m.symbol("fastpath_reply_recv") in back
    assert m.symbol("syscall_entry_c") not in back, "the reply took the slow path"
    assert m.cpu.rip == sc.CALL_RET.addr(m) and sc.cr3_of(m) == path.client_cr3
    assert path.oneway_kernel == path.oneway[1:]   # the client's syscall, then the kernel
    served = path.roundtrip[len(path.oneway):]
    assert any(Machine.in_user(a) for a in served)   # the server's work: not counted
    record_property("fastpath_call_oneway_instructions", len(path.oneway_kernel))
    record_property("fastpath_roundtrip_instructions", len(path.roundtrip_kernel))
    print(f"fast path: call {len(path.oneway_kernel)}, round trip {len(path.roundtrip_kernel)} "
          "kernel instructions")


def test_fast_path_delivers_exact_registers(ipc: Ipc) -> None:
    c = call(ipc, Case.FAST)
    assert not c.ran(ipc.m, "syscall_entry_c")
    assert ipc.m.cpu.rip == ipc.m.user_symbol(sc.SERVER, "emu_rr_ret")
    check_delivered(ipc, c, sc.BADGE_E1)
    check_reply(ipc, c)


@pytest.mark.parametrize("case, badge", [
    (Case.NORECV, sc.BADGE_E2),        # no receiver waiting
    (Case.LONG, sc.BADGE_E1),          # len > 32
    (Case.CAPS, sc.BADGE_E1),          # ncaps > 0
    (Case.URGENT, sc.BADGE_E2),        # receiver less urgent than the caller
    (Case.TIMED, sc.BADGE_E1),         # receiver waits with a timeout
], ids=lambda v: v.name.lower() if isinstance(v, Case) else f"badge{v:#x}")
def test_guard_violation_takes_slow_path_and_delivers(ipc: Ipc, case: Case, badge: int) -> None:
    m = ipc.m
    c = call(ipc, case)
    assert c.ran(m, "fastpath_call"), "the fast path was not even tried"
    assert c.ran(m, "syscall_entry_c"), "the slow path did not run"
    assert m.symbol("sched_direct") not in c.path, "the fast path completed"
    to_server(ipc)
    length = (c.regs["rsi"] >> 32) & 0x1FFF
    check_delivered(ipc, c, badge)
    if case is Case.LONG:
        assert ipcbuf(m, IPCBUF_DATA, length) == b"\x5a" * length
    if case is Case.CAPS:
        (handle,) = struct.unpack("<I", ipcbuf(m, IPCBUF_RECV_CAPS, 4))
        assert handle != CAP_NONE
    check_reply(ipc, c, mr0=checksum(b"\x5a" * length) if case is Case.LONG else None)


@pytest.mark.parametrize("case, error", [
    (Case.STALE, -13),                 # ORB_ESTALE: the handle's generation is old
    (Case.NORIGHT, -1),                # ORB_EPERM: an R-only capability
], ids=["stale", "noright"])
def test_bad_handle_takes_slow_path_and_fails_precisely(ipc: Ipc, case: Case,
                                                        error: int) -> None:
    m = ipc.m
    c = call(ipc, case)
    assert c.ran(m, "fastpath_call") and c.ran(m, "syscall_entry_c")
    assert m.cpu.rip == sc.CALL_RET.addr(m) and sc.cr3_of(m) == c.cr3
    assert m.cpu.reg("rax") == error & 0xFFFFFFFFFFFFFFFF


def checksum(data: bytes) -> int:
    """tests/programs/emu_ipc/main.c: checksum()."""
    s = 0
    for b in data:
        s = (s * 31 + b) & 0xFFFFFFFFFFFFFFFF
    return s


def test_slow_path_with_eight_caps_and_4096_bytes(
        ipc: Ipc, boot: Callable[..., Machine],
        record_property: Callable[[str, object], None]) -> None:
    m = ipc.m
    path = sc.measure_call(m, Case.BIG)
    assert m.symbol("syscall_entry_c") in path.oneway
    record_property("slowpath_call_8caps_instructions", len(path.oneway_kernel))
    print(f"slow path, 8 caps + 4096 bytes: call {len(path.oneway)}, "
          f"round trip {len(path.roundtrip)} instructions")

    ipc2 = start(boot(sc.IPC_IMAGE))      # again, stopping at the server this time
    m2 = ipc2.m
    c = call(ipc2, Case.BIG)
    to_server(ipc2)
    data = bytes(i * 7 & 0xFF for i in range(4096))
    check_delivered(ipc2, c, sc.BADGE_E1, info=sc.msginfo(Case.BIG, 4096, 8))
    assert ipcbuf(m2, IPCBUF_DATA, 4096) == data
    handles = struct.unpack("<8I", ipcbuf(m2, IPCBUF_RECV_CAPS, 32))
    assert CAP_NONE not in handles and len(set(handles)) == 8
    check_reply(ipc2, c, mr0=checksum(data))


@pytest.mark.parametrize("case", [Case.FORGED, Case.FORGED_LONG], ids=["fast", "slow"])
def test_forged_sender_fields_are_overwritten(ipc: Ipc, case: Case) -> None:
    m = ipc.m
    sc.run_to_call(m, case)
    assert ipcbuf_u64(m, IPCBUF_BADGE) == ipcbuf_u64(m, IPCBUF_SENDER) == sc.FORGED
    c = call(ipc, case)
    assert c.ran(m, "syscall_entry_c") == (case is Case.FORGED_LONG)
    to_server(ipc)
    check_delivered(ipc, c, sc.BADGE_E1)
    assert sc.FORGED not in (m.cpu.reg("rdi"), m.cpu.reg("rsi"))


def test_whole_run_ends_idle_with_a_verifiable_commit_log(ipc: Ipc, tmp_path: Path) -> None:
    m = ipc.m
    stop = m.run()
    assert stop.reason is StopReason.IDLE, stop     # the client sleeps before its last call
    assert "emu-ipc-client: done" not in m.console
    m.inject(sc.VEC_TIMER)
    stop = m.run()
    assert stop.reason is StopReason.IDLE, stop
    assert "emu-ipc-client: done" in m.console and "failed" not in m.console
    errors = [line for line in m.console.splitlines() if " -> -" in line]
    assert errors == [f"emu-ipc-client: case {Case.STALE:#x} -> -13",
                      f"emu-ipc-client: case {Case.NORIGHT:#x} -> -1"]
    log = tmp_path / "emu-ipc.axiom"
    log.write_bytes(m.axiom_stream)
    # still running (idle), so not sealed at the end: verified as a stopped machine's log
    summary = verify_log(log, partial_tail=True)
    assert summary["commits"] > 0 and summary["endpoints"] == 2
    assert summary["ending"].startswith("not sealed (stopped)")
