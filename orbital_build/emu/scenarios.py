"""Kernel paths measured on the machine-model images, shared by tests/emu and
`orbital-build bench`.

images/emu-core.toml runs tests/programs/emu_core (syscall probes at global labels);
images/emu-ipc.toml runs tests/programs/emu_ipc (an IPC server and a client that makes one
call per case, the case's tag in the msginfo). A `UserPoint` names a label in a program;
the functions here run a booted machine to such points and measure the paths between.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from ..generated import abi
from . import x86
from .machine import EmuError, Machine, StopReason
from .memory.boot_tables import DIRECT_MAP_BASE, KERNEL_VMA

VEC_TIMER = 0x20
CORE_IMAGE = "emu-core"
IPC_IMAGE = "emu-ipc"
CORE_KPTI_IMAGE = "emu-core-kpti"
IPC_KPTI_IMAGE = "emu-ipc-kpti"
CORE = "emu-core"
SERVER = "emu-ipc-server"
CLIENT = "emu-ipc-client"


class Case(IntEnum):
    """The client's calls, in order (tests/programs/emu_ipc/main.c, enum of T_*)."""

    NORECV = 0xE100
    WARMUP = 0xE101
    FAST = 0xE102
    LONG = 0xE103
    CAPS = 0xE104
    URGENT = 0xE105
    ARM_TIMEOUT = 0xE106
    TIMED = 0xE107
    STALE = 0xE108
    NORIGHT = 0xE109
    FORGED = 0xE10A
    FORGED_LONG = 0xE10B
    BIG = 0xE10C
    RESERVED = 0xE10D
    BADSLOT = 0xE10E
    HIGHBITS = 0xE10F
    NOTENDPOINT = 0xE110
    EXPIRING = 0xE111
    HOLD = 0xE112
    OWED = 0xE113
    RR_LONG = 0xE114
    RR_NOREPLY = 0xE115
    RR_STALE = 0xE116
    QUEUED_2 = 0xE117
    RR_QUEUED = 0xE118
    RR_LOWPRIO = 0xE119
    FAST_AGAIN = 0xE11A
    BATCH = 0xE11B


BADGE_E1, BADGE_E2 = 0xB1, 0xB2
FORGED = 0xF0F0F0F0F0F0F0F0
MSG_REGS = ("rdx", "r10", "r8", "r9")
IPC_OUT_REGS = ("rax", "rdi", "rsi", *MSG_REGS)


def msginfo(tag: int, length: int, ncaps: int) -> int:
    return int(abi.Msginfo(tag=tag, len=length, ncaps=ncaps).encode())


def msginfo_field(word: int, name: str) -> int:
    """One field of a msginfo word as the generated layout places it, reserved bits set
    or not (a test may send a word the kernel refuses)."""
    _, lsb, width = next(f for f in abi.Msginfo.CODEC.fields if f[0] == name)
    return (word >> lsb) & ((1 << width) - 1)


@dataclass(frozen=True)
class UserPoint:
    """A global label in a service's program."""

    service: str
    symbol: str

    def addr(self, m: Machine) -> int:
        return m.user_symbol(self.service, self.symbol)


NULL_SYSCALL = UserPoint(CORE, "emu_null_syscall_insn")
NULL_SYSCALL_RET = UserPoint(CORE, "emu_null_syscall_ret")
RAW_SYSCALL = UserPoint(CORE, "emu_raw_syscall_insn")
RAW_SYSCALL_RET = UserPoint(CORE, "emu_raw_syscall_ret")
CALL = UserPoint(CLIENT, "emu_call_insn")
CALL_RET = UserPoint(CLIENT, "emu_call_ret")
SERVER_RECV = UserPoint(SERVER, "emu_recv_insn")
SERVER_RR = UserPoint(SERVER, "emu_rr_insn")
SERVER_RR_RET = UserPoint(SERVER, "emu_rr_ret")
SERVER_RETURNS = {UserPoint(SERVER, "emu_recv_ret"), UserPoint(SERVER, "emu_rr_ret")}


def cr3_of(m: Machine) -> int:
    return m.cpu.reg("cr3") & x86.CR3_ADDR


def run_to(m: Machine, point: UserPoint, *, cr3: int | None = None,
           where: Callable[[dict[str, int]], bool] | None = None, max_hits: int = 64) -> None:
    """Run until the CPU is about to execute `point` in user mode (in address space
    `cr3` if given) with registers for which `where(regs)` holds; a no-op if it is
    there already."""
    addr = point.addr(m)

    def there() -> bool:
        regs = m.cpu.regs()
        return regs["rip"] == addr and m.cpu.cpl == 3 and \
            (cr3 is None or regs["cr3"] & x86.CR3_ADDR == cr3 & x86.CR3_ADDR) and \
            (where is None or where(regs))

    if there():
        return
    for _ in range(max_hits):
        stop = m.run_until(addr, cr3=cr3)
        if stop.reason is not StopReason.TARGET:
            raise EmuError(f"{point.service}:{point.symbol} not reached: {stop.reason.value} "
                           f"{stop.detail} ({m.describe_state()})")
        if there():
            return
    raise EmuError(f"{point.service}:{point.symbol} not reached in {max_hits} hits")


def run_to_call(m: Machine, case: Case) -> None:
    """Run until the IPC client is about to `syscall` for `case` (its msginfo tag)."""
    run_to(m, CALL, where=lambda regs: msginfo_field(regs["rsi"], "tag") == case)


def null_syscall_roundtrip(m: Machine) -> int:
    """Kernel instructions from emu-core's `syscall` (nop) to the next user instruction."""
    run_to(m, NULL_SYSCALL)
    path = m.executed(NULL_SYSCALL.addr(m), NULL_SYSCALL_RET.addr(m), cr3=cr3_of(m))
    return sum(1 for a in path if not Machine.in_user(a))


@dataclass(frozen=True)
class CallPath:
    """One measured endpoint_call: the addresses executed from the client's `syscall` to
    the receiver's first user instruction (one way) and back to the client (round trip)."""

    oneway: list[int]
    roundtrip: list[int]
    client_cr3: int
    receiver_cr3: int
    receiver_rip: int

    @property
    def oneway_kernel(self) -> list[int]:
        """The kernel's instructions of the one-way trip (all but the client's syscall)."""
        return [a for a in self.oneway if not Machine.in_user(a)]

    @property
    def roundtrip_kernel(self) -> list[int]:
        """The kernel's instructions of the round trip: the receiver's own work in user
        space between the two syscalls is not the IPC path's."""
        return [a for a in self.roundtrip if not Machine.in_user(a)]


def measure_call(m: Machine, case: Case) -> CallPath:
    """Run to the client's call for `case` and follow it there and back."""
    run_to_call(m, case)
    client_cr3 = cr3_of(m)
    start = m.cpu.rip
    oneway = m.executed(start, Machine.in_user)
    receiver_cr3, receiver_rip = cr3_of(m), m.cpu.rip
    ret = CALL_RET.addr(m)

    def back(addr: int) -> bool:
        return addr == ret and cr3_of(m) == client_cr3

    rest = m.executed(receiver_rip, back)
    return CallPath(oneway, oneway + rest, client_cr3, receiver_cr3, receiver_rip)


def profile(m: Machine, addrs: list[int]) -> list[tuple[str, int]]:
    """Instructions per function (kernel symbol, or service:function), in the order each
    function first ran. Inside an assembly function a label of its own marks a stage
    (fastpath.S: fastpath_call_guard_handle, fastpath_call_switch…): what runs after it
    counts under the label."""
    table = m.image.kernel
    labels = sorted((s.addr, s.name) for s in table.by_name.values()
                    if s.kind == "STT_NOTYPE" and not s.size)
    starts = [a for a, _ in labels]
    counts: dict[str, int] = {}
    for a in addrs:
        name = m.addr_to_symbol(a).split("+", 1)[0]
        if not Machine.in_user(a) and name in table:
            i = bisect.bisect_right(starts, a) - 1
            if i >= 0 and labels[i][0] > table.addr(name):
                name = labels[i][1]
        counts[name] = counts.get(name, 0) + 1
    return list(counts.items())


def fastpath_profile() -> dict[str, list[tuple[str, int]]]:
    """Where the fast path's kernel instructions go: per function, for the call one way
    and for the reply_recv that answers it."""
    ipc = Machine(IPC_IMAGE)
    fast = measure_call(ipc, Case.FAST)
    back = fast.roundtrip_kernel[len(fast.oneway_kernel):]
    return {"endpoint_call fast path, one way": profile(ipc, fast.oneway_kernel),
            "endpoint_reply_recv fast path, one way": profile(ipc, back)}


def kernel_read(m: Machine, vaddr: int, size: int) -> bytes:
    """Kernel memory — the kernel image or the direct map — read through its physical
    address, so whatever tables are loaded (with KPTI, user mode's map none of it)."""
    if vaddr >= KERNEL_VMA:
        return m.read_phys(vaddr - KERNEL_VMA, size)
    if vaddr >= DIRECT_MAP_BASE:
        return m.read_phys(vaddr - DIRECT_MAP_BASE, size)
    raise EmuError(f"{vaddr:#x} is not a kernel address")


def kernel_u64(m: Machine, symbol: str) -> int:
    """A u64 kernel variable."""
    return int(struct.unpack("<Q", kernel_read(m, m.symbol(symbol), 8))[0])


def flush_cost(m: Machine) -> tuple[int, int]:
    """Run to the next axiom_idle that has commits to flush (before the CPU waits, or
    console output); the instructions it takes and the commits it hashes into the chain
    and streams."""
    for _ in range(64):
        stop = m.run_until("axiom_idle")
        if stop.reason is not StopReason.TARGET:
            raise EmuError(f"axiom_idle not reached: {stop.reason.value} {stop.detail}")
        queued = kernel_u64(m, "commit_seq") - kernel_u64(m, "hashed_seq")
        ret = int(struct.unpack("<Q", m.read(m.cpu.reg("rsp"), 8))[0])
        path = m.executed(m.cpu.rip, ret)
        if queued:
            return len(path), queued
    raise EmuError("no flush with queued commits in 64 calls of axiom_idle")


def _paths(core_image: str, ipc_image: str) -> tuple[dict[str, int], Machine]:
    """The null syscall, the fast path and the 8-cap slow path on one pair of images; the
    IPC machine is returned where the 8-cap call left it."""
    core = Machine(core_image)
    out = {"null_syscall_roundtrip_instructions": null_syscall_roundtrip(core)}
    ipc = Machine(ipc_image)
    fast = measure_call(ipc, Case.FAST)
    out["fastpath_call_oneway_instructions"] = len(fast.oneway_kernel)
    out["fastpath_roundtrip_instructions"] = len(fast.roundtrip_kernel)
    big = measure_call(ipc, Case.BIG)
    out["slowpath_call_8caps_instructions"] = len(big.oneway_kernel)
    out["slowpath_call_8caps_roundtrip_instructions"] = len(big.roundtrip_kernel)
    return out, ipc


def bench() -> dict[str, int]:
    """The instruction counts `orbital-build bench` reports: each path without KPTI, then
    with (`_kpti` keys), and what KPTI adds to the fast path per direction."""
    out, ipc = _paths(CORE_IMAGE, IPC_IMAGE)
    flush, commits = flush_cost(ipc)   # the commits of that call and the rest, hashed later
    out["axiom_flush_commits"] = commits
    out["axiom_flush_instructions"] = flush
    out["axiom_flush_instructions_per_commit"] = flush // commits
    out["kernel_text_bytes"] = ipc.image.text_size()
    kpti, _ = _paths(CORE_KPTI_IMAGE, IPC_KPTI_IMAGE)
    out |= {f"{k}_kpti": v for k, v in kpti.items()}
    out["kpti_fastpath_extra_per_direction"] = (
        kpti["fastpath_roundtrip_instructions"] - out["fastpath_roundtrip_instructions"]) // 2
    return out
