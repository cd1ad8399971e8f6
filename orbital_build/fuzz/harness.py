"""Running one fuzz program on the real kernel and checking what it did.

The harness boots images/emu-fuzz.toml once, runs it until the target parks its main
thread at the fuzz point, and snapshots the machine there. Each program then starts
from that snapshot: for every call the harness writes the program's bytes and the
syscall's registers, points the thread at `emu_fuzz_insn` and runs until the same
thread (its address space and FS base) is back at `emu_fuzz_ret`. A call that does not
come back gets timer ticks — the machine model has no clock of its own — when the CPU
idles or a stretch of the run uses up its instruction budget; after MAX_TICKS it counts
as blocked and the program ends there, as it does when the machine exits or dies.

After each program the harness checks, and reports as violations:
  - the kernel did not panic, halt or triple-fault, and the model found no access to
    nowhere;
  - every result the fuzz thread got is >= 0 or -E with E an error its syscall declares
    (an unknown number: ENOSYS only);
  - every SysLog record the program caused, any thread's and including results written
    at wake-up, is likewise declared;
  - the CommitLog from boot to now (the snapshot's part and the program's) chains and
    replays (orbital_build/axiom);
  - the kernel's endpoints are consistent: no receiver waits while a message is queued,
    and the queues hold what their counts say (kernel_state.py).
The kernel blocks it executed (outside hot leaf code, see coverage.py) come back with
the outcome for coverage.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..axiom.chain import read_log, verify_chain
from ..axiom.replay import replay
from ..emu.loader import BuiltImage, load_built_image
from ..emu.machine import EmuError, Machine, StopReason
from ..emu.memory.boot_tables import DIRECT_MAP_BASE
from ..errors import OrbitalError
from ..generated import abi
from . import target
from .coverage import LineMap
from .kernel_state import EndpointInvariants
from .program import U64, Call, Program, Ref

BUDGET = 1_000_000          # instructions in one stretch of a run (a model event ends one)
MAX_TICKS = 4               # timer ticks a call may get before it counts as blocked
MAX_EVENTS = 200            # model events in one stretch (between two ticks)
VEC_TIMER = 0x20
MSR_FS_BASE = 0xC0000100
ARG_REGS = ("rdi", "rsi", "rdx", "r10", "r8", "r9")
SYSLOG_CAP = (4096 << 6) // abi.SyslogRecord.SIZE     # kernel axiom.c: SYSLOG_ORDER 6
PANIC = "KERNEL PANIC"
SYSLOG, SYSLOG_NEXT = "axiom_syslog", "axiom_syslog_next"   # kernel axiom.c: the ring


# After a program: axiom_commits_read of nothing, for the flush every read makes first.
FLUSH = Call(abi.Syscall.AXIOM_COMMITS_READ, (target.AXIOM, 0, 0, U64))


class HarnessError(OrbitalError):
    """The target did not reach its fuzz point (a broken image, not a finding)."""


@dataclass
class CallResult:
    nr: int
    how: str                 # returned, blocked, exited, budget, halted, triple fault, emu
    rax: int | None = None   # the result, when it returned
    regs: tuple[int, ...] = ()   # RDI RSI RDX R10 R8 R9 then (output registers)


@dataclass
class Outcome:
    results: list[CallResult] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    blocks: dict[int, int] = field(default_factory=dict)   # kernel block address -> size
    instructions: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


def signed(v: int) -> int:
    return v - (1 << 64) if v >> 63 else v


def error_name(code: int) -> str:
    try:
        return abi.Errno(code).name
    except ValueError:
        return str(code)


def check_result(nr: int, rax: int) -> str | None:
    """Why result `rax` of syscall `nr` breaks the ABI, or None."""
    v = signed(rax)
    if v >= 0:
        return None
    if v < -4095:
        return f"returned {v:#x}: neither >= 0 nor -E in -4095..-1"
    declared = abi.SYSCALL_ERRORS.get(nr)
    if declared is None:
        return None if -v == abi.Errno.ENOSYS else \
            f"unknown number returned -{error_name(-v)}, not -ENOSYS"
    if -v not in declared:
        name = abi.SYSCALLS[nr].name
        return f"{name} returned -{error_name(-v)}, which it does not declare"
    return None


class Harness:
    """The fuzz target booted to its fuzz point, ready to run programs."""

    def __init__(self, image: BuiltImage | str = target.IMAGE) -> None:
        built = image if isinstance(image, BuiltImage) else load_built_image(image)
        self.m = m = Machine(built)
        prog = built.program(target.PROGRAM)
        self.insn, self.ret = prog.addr(target.INSN), prog.addr(target.RET)
        self.thread, self.buf = prog.addr(target.THREAD), prog.addr(target.BUF)
        stop = m.run_until(self.insn, timeout=120)
        if stop.reason is not StopReason.TARGET or "emu-fuzz: ready" not in m.console:
            raise HarnessError(f"{built.name}: the target never reached its fuzz point "
                               f"({stop.reason.value} {stop.detail}); console:\n"
                               f"{m.console[-2000:]}")
        self.cr3 = m.cpu.reg("cr3")
        self.ipcbuf = m.cpu.msr(MSR_FS_BASE)
        self.syslog = struct.unpack("<Q", m.read(m.symbol(SYSLOG), 8))[0]
        self.linemap = LineMap(built.kernel_path)
        table = built.kernel.by_name.get("all_endpoints")
        if table is None:
            raise HarnessError(f"{built.kernel_path}: no all_endpoints table")
        self.endpoints = EndpointInvariants(built.kernel_path, table.addr, table.size)
        self.blocks: dict[int, int] = {}   # filled by the block hooks, emptied per program
        for span in self.linemap.hook_spans():
            m.record_blocks(self.blocks, span)
        m.add_stop(self.ret, self._is_fuzz_thread)
        self.base_console = len(m.console)
        self.base_stream = m.axiom_stream
        base = read_log(self.base_stream, partial_tail=True)
        verify_chain(base)
        self.base_commits = len(base)
        self.base_seq = self._syslog_seq()
        self.snapshot = m.snapshot()
        self._spawned = False
        self.runs = 0

    # -- hooks -------------------------------------------------------------------------

    def _is_fuzz_thread(self) -> bool:
        cpu = self.m.cpu
        return cpu.reg("cr3") == self.cr3 and cpu.msr(MSR_FS_BASE) == self.ipcbuf

    # -- running -----------------------------------------------------------------------

    def kread(self, addr: int, size: int) -> bytes:
        """Kernel memory: the direct map straight from RAM (no page walk), the rest through
        the page tables."""
        off = addr - DIRECT_MAP_BASE
        if 0 <= off and off + size <= self.m.ram:
            return self.m.read_phys(off, size)
        return self.m.read(addr, size)

    def _syslog_seq(self) -> int:
        return struct.unpack("<Q", self.m.read(self.m.symbol(SYSLOG_NEXT), 8))[0]

    def resolve(self, a: int | Ref, results: list[CallResult]) -> int:
        if isinstance(a, int):
            return a
        if a.kind == "buf":
            return (self.buf + a.value) & U64
        if a.kind == "ipcbuf":
            return (self.ipcbuf + a.value) & U64
        if a.kind == "code":
            return (self.thread + a.value) & U64
        rax = results[a.value].rax if a.value < len(results) else None
        return ((rax or 0) & 0xFFFF_FFFF) ^ a.xor

    def _prepare(self, call: Call, results: list[CallResult]) -> None:
        m = self.m
        for w in call.writes:
            base, size = (self.buf, target.BUF_SIZE) if w.area == "buf" else \
                (self.ipcbuf, target.IPCBUF_SIZE)
            data = w.data[:max(0, size - w.offset)]
            if data:
                m.write(base + w.offset, data, self.cr3)
        m.cpu.set_reg("rax", call.nr)
        for i, reg in enumerate(ARG_REGS):
            m.cpu.set_reg(reg, self.resolve(call.args[i], results) if i < len(call.args) else 0)
        m.cpu.set_reg("rip", self.insn)

    def _run_call(self, call: Call) -> CallResult:
        m = self.m
        ticks = 0
        events = 0

        def over_budget(_: Machine) -> bool:
            """Model events (syscalls, faults) since the last tick: another thread that
            loops making syscalls never uses up one stretch's instruction budget."""
            nonlocal events
            events += 1
            return events > MAX_EVENTS

        while True:
            try:
                stop = m.run_until(over_budget, max_instructions=BUDGET, timeout=None)
            except EmuError as e:
                return CallResult(call.nr, f"emu: {e}")
            if stop.reason is StopReason.TARGET:
                return CallResult(call.nr, "returned", m.cpu.reg("rax"),
                                  tuple(m.cpu.reg(r) for r in ARG_REGS))
            if stop.reason in (StopReason.IDLE, StopReason.LIMIT, StopReason.PREDICATE) and \
                    ticks < MAX_TICKS:
                ticks += 1
                events = 0
                m.inject(VEC_TIMER)
                continue
            how = {StopReason.IDLE: "blocked", StopReason.LIMIT: "budget",
                   StopReason.PREDICATE: "budget", StopReason.EXIT: "exited",
                   StopReason.HALTED: "halted",
                   StopReason.TRIPLE_FAULT: "triple fault"}.get(stop.reason, stop.reason.value)
            return CallResult(call.nr, how)

    def run(self, program: Program) -> Outcome:
        """Run `program` from the snapshot and check it (see the module docstring)."""
        m = self.m
        m.restore(self.snapshot, flush_code=self._spawned)
        self.runs += 1
        self.blocks.clear()
        out = Outcome()
        for call in program.calls:
            self._prepare(call, out.results)
            r = self._run_call(call)
            out.results.append(r)
            if r.how != "returned":
                break
        else:   # Axiom hashes commits at a flush: a read makes one, so all are checked
            self._prepare(FLUSH, out.results)
            self._run_call(FLUSH)
        out.blocks = dict(self.blocks)
        # A spawn may have put code into frames the next restore fills with other bytes.
        self._spawned = any(r.nr == abi.Syscall.PROCESS_SPAWN for r in out.results)
        self._check(out)
        return out

    # -- checks ------------------------------------------------------------------------

    def _check(self, out: Outcome) -> None:
        m = self.m
        console = m.console[self.base_console:]
        if PANIC in console:
            out.violations.append("kernel panic: " + console[console.index(PANIC):][:400])
        for i, r in enumerate(out.results):
            if r.how in ("halted", "triple fault") or r.how.startswith("emu"):
                out.violations.append(f"call {i}: the machine died: {r.how}")
            if r.rax is not None:
                why = check_result(r.nr, r.rax)
                if why:
                    out.violations.append(f"call {i}: {why}")
        out.violations += self._check_syslog()
        out.violations += self._check_axiom()
        try:
            out.violations += self.endpoints.check(self.kread)
        except OrbitalError as e:   # a pointer to nowhere is itself a broken invariant
            out.violations.append(f"kernel endpoint table: {e}")

    def _check_syslog(self) -> list[str]:
        """Results in the SysLog records the program caused, from any thread."""
        seq = self._syslog_seq()
        bad = []
        size = abi.SyslogRecord.SIZE
        for s in range(max(self.base_seq, seq - SYSLOG_CAP), seq):
            raw = self.kread(self.syslog + (s % SYSLOG_CAP) * size, size)
            rec = abi.SyslogRecord.unpack(raw)
            if rec.seq != s or not rec.flags & abi.SYSLOG_DONE or rec.result >= 0:
                continue
            if -rec.result == abi.Errno.ENOSYS:
                continue   # the record keeps 16 bits of the number: any may be unknown
            why = check_result(rec.nr, rec.result & U64)
            if why:
                bad.append(f"SysLog seq {s} (pid {rec.pid}): {why}")
        return bad

    def _check_axiom(self) -> list[str]:
        """The log from boot: the snapshot's part unchanged (verified once), the program's
        commits chained onto it, and the whole replayed."""
        stream = self.m.axiom_stream
        try:
            if not stream.startswith(self.base_stream):
                return ["CommitLog: the part written before the snapshot changed"]
            commits = read_log(stream, partial_tail=True)
            verify_chain(commits, trusted=self.base_commits)
            replay(commits)
        except OrbitalError as e:
            return [f"CommitLog: {e}"]
        return []

    def covered_lines(self, blocks: dict[int, int]) -> set[tuple[str, int]]:
        return self.linemap.covered(blocks.items())
