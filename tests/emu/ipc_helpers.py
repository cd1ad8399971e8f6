"""What the IPC tests of the machine model share (tests/emu/test_ipc.py,
tests/emu/test_fastpath_guards.py): a booted images/emu-ipc.toml machine, the client's
calls stopped at and followed, and checks of what the server receives and the client gets
back."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from orbital_build.emu import scenarios as sc
from orbital_build.emu import x86
from orbital_build.emu.machine import Machine, StopReason
from orbital_build.emu.scenarios import Case

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




@dataclass
class Call:
    """What the client sent, and the kernel functions on the way to the next user
    instruction."""

    regs: dict[str, int]
    cr3: int
    path: list[int]

    def ran(self, m: Machine, symbol: str) -> bool:
        return m.symbol(symbol) in self.path


def checksum(data: bytes) -> int:
    """tests/programs/emu_ipc/main.c: checksum()."""
    s = 0
    for b in data:
        s = (s * 31 + b) & 0xFFFFFFFFFFFFFFFF
    return s


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


def check_reply(ipc: Ipc, c: Call, *, mr0: int | None = None, length: int = 32) -> None:
    """Run on to the return from this call (in whichever client thread made it: its
    message registers say which) and check the server's reply."""
    m = ipc.m
    sc.run_to(m, sc.CALL_RET, cr3=c.cr3, where=lambda regs: regs["r10"] == c.regs["r10"] + 1)
    got = m.cpu.regs()
    assert got["rax"] == sc.msginfo(MSG_RESPONSE, length, 0)
    assert (got["rdi"], got["rsi"]) == (0, SERVER_PID)
    want = [c.regs[r] + 1 for r in sc.MSG_REGS]
    if mr0 is not None:
        want[0] = mr0
    assert [got[r] for r in sc.MSG_REGS] == want
