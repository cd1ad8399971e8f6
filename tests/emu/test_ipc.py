"""The IPC fast path and slow path on the real kernel under the machine model
(images/emu-ipc.toml): a call and its reply_recv between two processes on the fast path,
the exact registers delivered, the SysLog records it writes, the slow path with eight
capabilities and a 4096-byte message, and sender fields a sender cannot forge. Each guard
of the fast path has its own test in test_fastpath_guards.py."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from ipc_helpers import (
    CAP_NONE,
    IPCBUF_BADGE,
    IPCBUF_DATA,
    IPCBUF_RECV_CAPS,
    IPCBUF_SENDER,
    Ipc,
    call,
    check_delivered,
    check_reply,
    checksum,
    ipcbuf,
    ipcbuf_u64,
    start,
    to_server,
)

from orbital_build.axiom.command import verify_log
from orbital_build.emu import scenarios as sc
from orbital_build.emu.machine import Machine, StopReason
from orbital_build.emu.scenarios import Case
from orbital_build.generated import abi

pytestmark = pytest.mark.emu


@pytest.fixture(params=[sc.IPC_IMAGE, sc.IPC_KPTI_IMAGE], ids=["plain", "kpti"])
def ipc(request: pytest.FixtureRequest, boot: Callable[..., Machine]) -> Ipc:
    """emu-ipc, and the same with KPTI: every test here holds for both."""
    return start(boot(request.param))


def test_fast_path_call_and_reply_recv(ipc: Ipc,
                                       record_property: Callable[[str, object], None]) -> None:
    m = ipc.m
    path = sc.measure_call(m, Case.FAST)
    kernel = [a for a in path.oneway if not Machine.in_user(a)]
    assert m.symbol("fastpath_call_taken") in kernel
    assert m.symbol("syscall_entry_c") not in kernel, "the call took the slow path"
    assert path.receiver_cr3 == ipc.server_cr3 != path.client_cr3
    assert path.receiver_rip == m.user_symbol(sc.SERVER, "emu_rr_ret")
    back = path.roundtrip[len(path.oneway):]
    assert m.symbol("fastpath_reply_recv_taken") in back
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
    assert c.ran(ipc.m, "fastpath_call_taken") and not c.ran(ipc.m, "syscall_entry_c")
    assert ipc.m.cpu.rip == ipc.m.user_symbol(sc.SERVER, "emu_rr_ret")
    check_delivered(ipc, c, sc.BADGE_E1)
    check_reply(ipc, c)


def test_slow_path_with_eight_caps_and_4096_bytes(
        ipc: Ipc, boot: Callable[..., Machine],
        record_property: Callable[[str, object], None]) -> None:
    m = ipc.m
    path = sc.measure_call(m, Case.BIG)
    assert m.symbol("syscall_entry_c") in path.oneway
    record_property("slowpath_call_8caps_instructions", len(path.oneway_kernel))
    print(f"slow path, 8 caps + 4096 bytes: call {len(path.oneway)}, "
          f"round trip {len(path.roundtrip)} instructions")

    ipc2 = start(boot(m.image.name))      # again, stopping at the server this time
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
    assert c.ran(m, "fastpath_call_taken") == (case is Case.FORGED)
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
    assert errors == [f"emu-ipc-client: case {case:#x} -> {err}" for case, err in (
        (Case.STALE, -abi.Errno.ESTALE), (Case.NORIGHT, -abi.Errno.EPERM),
        (Case.RESERVED, -abi.Errno.EINVAL), (Case.BADSLOT, -abi.Errno.EBADF),
        (Case.HIGHBITS, -abi.Errno.EBADF), (Case.NOTENDPOINT, -abi.Errno.EBADF),
        (Case.HOLD, -abi.Errno.EDEAD))]
    log = tmp_path / "emu-ipc.axiom"
    log.write_bytes(m.axiom_stream)
    # still running (idle), so not sealed at the end: verified as a stopped machine's log
    summary = verify_log(log, partial_tail=True)
    assert summary["commits"] > 0 and summary["endpoints"] == 2
    assert summary["ending"].startswith("not sealed (stopped)")


def syslog_record(m: Machine, seq: int) -> abi.SyslogRecord:
    base = sc.kernel_u64(m, "axiom_syslog")
    slot = base + (seq % 4096) * abi.SyslogRecord.SIZE
    return abi.SyslogRecord.unpack(sc.kernel_read(m, slot, abi.SyslogRecord.SIZE))


def test_fast_path_audits_both_syscalls_in_the_syslog(ipc: Ipc) -> None:
    """The call's record (caller, args, FASTPATH|BLOCKED) is written by the fast path, and
    the reply_recv that answers it completes it with the reply's msginfo — as the slow
    path's wake-up does; the receiver's own blocked receive is completed by the call."""
    m = ipc.m
    sc.run_to_call(m, Case.FAST)
    regs = m.cpu.regs()
    first = sc.kernel_u64(m, "axiom_syslog_next")
    path = sc.measure_call(m, Case.FAST)
    assert m.symbol("fastpath_reply_recv_taken") in path.roundtrip
    rec = syslog_record(m, first)
    assert (rec.seq, rec.pid, rec.nr) == (first, ipc.client_pid, abi.Syscall.ENDPOINT_CALL)
    assert list(rec.args) == [regs["rdi"], regs["rsi"], regs["rdx"], regs["r10"]]
    flags = abi.SYSLOG_FASTPATH | abi.SYSLOG_BLOCKED | abi.SYSLOG_DONE
    assert rec.flags == flags
    assert rec.result == m.cpu.reg("rax") == sc.msginfo(0x0F01, 32, 0)   # the reply it got
    rr = syslog_record(m, first + 1)
    assert (rr.pid, rr.nr) == (1, abi.Syscall.ENDPOINT_REPLY_RECV)
    assert rr.flags == abi.SYSLOG_FASTPATH | abi.SYSLOG_BLOCKED   # waits for the next call
    assert rr.time_ns >= rec.time_ns > 0
    assert sc.kernel_u64(m, "axiom_syslog_next") == first + 2
    # the server's reply_recv before it, which waited for this call, got it as its result
    waited = syslog_record(m, first - 1)
    assert (waited.pid, waited.nr, waited.flags) == (1, abi.Syscall.ENDPOINT_REPLY_RECV, flags)
    assert waited.result == regs["rsi"]
