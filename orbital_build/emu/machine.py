"""The Unicorn machine model: the real kernel ELF on a modelled PC.

A `Machine` loads a built image into RAM at its physical addresses, builds what boot.S
would have built (page tables, a GDT, the multiboot info) and starts the kernel at
`kernel_entry64` in long mode. From there the kernel runs its own code natively in
Unicorn; the model supplies only what Unicorn lacks — port I/O devices, the APIC
windows, interrupt/exception delivery through the guest IDT and TSS, SYSCALL, `hlt`, and
timer interrupts injected when a test asks for them.

Running is a loop of Unicorn segments (`_run`): a hook that needs the model writes what it
saw into the segment's `_Seen` record and stops the CPU; the loop then reads that record
in a fixed order, lets the model act (deliver an exception, a SYSCALL, an interrupt) or
returns a `Stop`, and starts the next segment wherever the CPU now is. Nothing hooks
every instruction except while `executed` follows a path or a block trace is on.

    m = Machine("emu-core")
    m.run_until("arch_stacks_init")
    m.mappings(m.cpu.reg("cr3"), KERNEL_HALF)
"""

from __future__ import annotations

import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from unicorn import (
    UC_ERR_INSN_INVALID,
    UC_HOOK_BLOCK,
    UC_HOOK_CODE,
    UC_HOOK_INSN,
    UC_HOOK_INTR,
    UC_TLB_CPU,
    Uc,
    UcError,
)
from unicorn import x86_const as X

from ..errors import OrbitalError
from . import x86
from .apic import IoApic, LocalApic, map_apics
from .cpu import Cpu, new_x86_64
from .delivery import Delivery, TripleFaultError
from .faultinfo import FaultInfo, fault_info
from .loader import BuiltImage, load_built_image
from .memory import paging
from .memory.boot_tables import DIRECT_MAP_BASE, KERNEL_VMA, build_boot_tables
from .memory.virtual import VirtualMemory
from .multiboot import MB_BOOT_MAGIC, multiboot_info
from .ports import DebugCon, DebugExit, Pic8259, Pit, PortBus, Serial16550
from .snapshot import Snapshot, Snapshots
from .trace import BlockTrace, disassemble

DEFAULT_RAM = 128 << 20
BOOT_GDT = 0x8000                 # low memory the kernel's frame allocator never uses
MULTIBOOT_INFO = 0x9000
BOOT_TABLES = 0x70000
DEFAULT_TIMEOUT_S = 60.0
KERNEL_HALF = (0xFFFF800000000000, 1 << 64)
USER_HALF = (0, x86.USER_TOP)
_BOOT_GDT = (0, 0x00209A0000000000, 0x0000920000000000)


class EmuError(OrbitalError):
    """The model cannot go on (an access to nowhere, a run limit, a misuse)."""


class StopReason(Enum):
    EXIT = "exit"                  # isa-debug-exit written: see Machine.exit_code
    TARGET = "target"              # a run_until address was reached
    PREDICATE = "predicate"        # a run_until predicate became true
    IDLE = "idle"                  # hlt with interrupts on and nothing to deliver
    HALTED = "halted"              # hlt with interrupts off: stopped for good
    LIMIT = "limit"                # instruction budget or time limit used up
    TRIPLE_FAULT = "triple fault"


@dataclass(frozen=True)
class Stop:
    reason: StopReason
    rip: int
    detail: str = ""


@dataclass
class _Seen:
    """What the hooks saw during one Unicorn segment. Each hook that needs the model
    fills its field (the first occurrence wins) and stops the CPU; `_run` reads the
    fields in the order they are declared here, and acts on the first one set."""

    exited: bool = False                       # isa-debug-exit was written
    fault: tuple[int, FaultInfo] | None = None  # an exception or `int n` at this RIP
    invalid_opcode_at: int | None = None       # Unicorn refused to decode the instruction
    syscall_at: int | None = None              # a SYSCALL instruction
    target_at: int | None = None               # a run_until address was reached
    path_end_at: int | None = None             # executed(): the end of the path
    path_too_long_at: int | None = None        # executed(): more than its budget
    hlt_at: int | None = None                  # a `hlt` of the kernel
    inject_at: int | None = None               # a user instruction where an interrupt is due
    line_written: bool = False                 # a newline on COM1 (for run_until predicates)

Target = int | str | Iterable[int] | Callable[["Machine"], bool]


class Machine:
    """One PC running one built image."""

    def __init__(self, image: BuiltImage | str | Path, *, ram: int = DEFAULT_RAM,
                 cmdline: str = "", cpu_model: int = X.UC_CPU_X86_BROADWELL,
                 trace: bool | str = False, history: int = 200) -> None:
        """`trace`: keep a ring of the last basic blocks (for failure reports) from the
        start (True), from the first syscall on ("user": boot itself runs unhooked), or
        not at all (False)."""
        self.image = image if isinstance(image, BuiltImage) else load_built_image(image)
        if self.image.end > ram:
            raise EmuError(f"image ends at {self.image.end:#x}, beyond {ram >> 20} MiB of RAM")
        self.ram = ram
        self.cmdline = cmdline
        self.uc = new_x86_64()
        self.uc.ctl_set_cpu_model(cpu_model)
        self.cpu = Cpu(self.uc)
        self.vm = VirtualMemory(self.uc)
        self.delivery = Delivery(self.cpu, self.vm)
        self.serial = Serial16550(on_output=self._on_output)
        self.debug_exit = DebugExit(on_exit=self._on_exit)
        self.debugcon = DebugCon()
        self.pit = Pit()
        self.pic = Pic8259()
        self.ports = PortBus([self.serial, self.debug_exit, self.debugcon, self.pit, self.pic])
        self.lapic = LocalApic()
        self.ioapic = IoApic()
        self.trace = BlockTrace()
        self.history: deque[str] = deque(maxlen=history)
        self.syscalls = 0
        self._seen = _Seen()
        self._pending: list[int] = []
        self._inject_hook: int | None = None
        self._inject_countdown = 0
        self._stop_on_output = False
        self._skip_target: int | None = None
        self._target_cr3: int | None = None
        self._path: list[int] = []
        self._path_limit = 0
        self._path_end: Callable[[int], bool] = lambda a: False
        self._trace_from_user = trace == "user"
        self._build()
        self._snapshots = Snapshots(self.uc, {
            "serial": self.serial, "debug_exit": self.debug_exit, "debugcon": self.debugcon,
            "pit": self.pit, "pic": self.pic, "lapic": self.lapic, "ioapic": self.ioapic,
            "delivery": self.delivery})
        if trace is True:
            self.trace.install(self.uc)

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        uc = self.uc
        uc.mem_map(0, self.ram)
        map_apics(uc, self.lapic, self.ioapic)
        for seg in self.image.segments:
            uc.mem_write(seg.paddr, seg.data)
        cr3 = build_boot_tables(uc.mem_write, BOOT_TABLES)
        uc.mem_write(BOOT_GDT, struct.pack("<3Q", *_BOOT_GDT))
        uc.mem_write(MULTIBOOT_INFO, multiboot_info(MULTIBOOT_INFO, self.ram, self.cmdline,
                                                     str(self.image.image_path)))

        uc.ctl_set_tlb_mode(UC_TLB_CPU)
        # No "until" address: Unicorn translates one through the guest's page tables at
        # each start, and the failed translation leaves QEMU's exception-in-flight state
        # set (the next #GP became a #DF) or, for a canonical address, overwrites CR2.
        # Exits mode with no exits turns that off; runs end by hooks only.
        uc.ctl_exits_enabled(True)
        uc.ctl_set_exits([])
        uc.msr_write(x86.MSR_EFER, uc.msr_read(x86.MSR_EFER) | x86.EFER_LME | x86.EFER_LMA |
                     x86.EFER_NXE)
        uc.reg_write(X.UC_X86_REG_CR3, cr3)            # before CR0.PG
        uc.reg_write(X.UC_X86_REG_CR4, uc.reg_read(X.UC_X86_REG_CR4) | x86.CR4_PAE)
        uc.reg_write(X.UC_X86_REG_CR0, uc.reg_read(X.UC_X86_REG_CR0) | x86.CR0_PE |
                     x86.CR0_PG | x86.CR0_WP)
        uc.reg_write(X.UC_X86_REG_GDTR, (0, BOOT_GDT, 8 * len(_BOOT_GDT) - 1, 0))
        uc.reg_write(X.UC_X86_REG_CS, 0x08)
        uc.reg_write(X.UC_X86_REG_SS, 0x10)
        uc.reg_write(X.UC_X86_REG_RFLAGS, x86.RFLAGS_FIXED)
        uc.reg_write(X.UC_X86_REG_RDI, MB_BOOT_MAGIC)
        uc.reg_write(X.UC_X86_REG_RSI, MULTIBOOT_INFO)
        uc.reg_write(X.UC_X86_REG_RSP, BOOT_GDT)       # the kernel sets its own at once
        uc.reg_write(X.UC_X86_REG_RIP, self.symbol("kernel_entry64"))
        self.cpu.save_ring0_template()

        uc.hook_add(UC_HOOK_INTR, self._on_intr)
        uc.hook_add(UC_HOOK_INSN, self._on_syscall, None, 1, 0, X.UC_X86_INS_SYSCALL)
        uc.hook_add(UC_HOOK_INSN, self._on_in, None, 1, 0, X.UC_X86_INS_IN)
        uc.hook_add(UC_HOOK_INSN, self._on_out, None, 1, 0, X.UC_X86_INS_OUT)
        for addr in self.image.hlt_addresses:     # hlt: idle or stopped (see _handle)
            uc.hook_add(UC_HOOK_CODE, self._on_hlt, None, addr, addr)

    # -- what the machine produced -----------------------------------------------------

    @property
    def console(self) -> str:
        """Everything written to COM1."""
        return self.serial.text

    @property
    def axiom_stream(self) -> bytes:
        """Everything written to the debugcon port (the Axiom commit stream)."""
        return bytes(self.debugcon.data)

    @property
    def exit_code(self) -> int | None:
        """The value written to isa-debug-exit (0x10 success, 0x11 failure), if any."""
        return self.debug_exit.value

    # -- symbols and memory ------------------------------------------------------------

    def symbol(self, name: str) -> int:
        """Address of a kernel symbol."""
        return self.image.kernel.addr(name)

    def user_symbol(self, service: str, name: str) -> int:
        """Address of a symbol in a service's program."""
        return self.image.program(service).addr(name)

    def addr_to_symbol(self, addr: int) -> str:
        """`func+0xOFF` for a kernel address; for a user address, `service:func+0xOFF` of
        the program whose code is at that address in the current address space."""
        if addr >= KERNEL_VMA:
            return self.image.kernel.describe(addr)
        program = self.program_at(addr)
        if program is None:
            return f"{addr:#x}"
        return f"{program}:{self.image.program(program).describe(addr)}"

    def program_at(self, addr: int, cr3: int | None = None) -> str | None:
        """The service whose code is at user address `addr` (by comparing the bytes the
        address space holds there with each program's ELF)."""
        try:
            code = self.vm.read(addr, 8, cr3)
        except OrbitalError:
            return None
        for name in sorted(self.image.services):
            try:
                if self.image.program(name).has_code(addr, code):
                    return name
            except OrbitalError:
                continue
        return None

    def read_phys(self, paddr: int, size: int) -> bytes:
        return bytes(self.uc.mem_read(paddr, size))

    def read(self, vaddr: int, size: int, cr3: int | None = None) -> bytes:
        """Virtual memory through the current (or the given) address space."""
        return self.vm.read(vaddr, size, cr3)

    def write(self, vaddr: int, data: bytes, cr3: int | None = None) -> None:
        self.vm.write(vaddr, data, cr3)

    def read_code(self, vaddr: int, size: int) -> bytes:
        """Like read, but stops at the first unmapped page instead of failing."""
        out = b""
        while len(out) < size:
            va = vaddr + len(out)
            n = min(size - len(out), 0x1000 - (va & 0xFFF))
            try:
                out += self.vm.read(va, n)
            except OrbitalError:
                if not out:
                    raise
                break
        return out

    def walk(self, cr3: int, vaddr: int) -> paging.Walk:
        """Every page-table entry on the way to `vaddr`, and where it lands."""
        return paging.walk(self.read_phys, cr3, vaddr)

    def mappings(self, cr3: int, span: tuple[int, int] = (0, 1 << 64)) -> Iterator[paging.Mapping]:
        """Leaf mappings in [start, end) with their effective permissions."""
        return paging.mappings(self.read_phys, cr3, span[0], span[1])

    def disassemble(self, addr: int, count: int = 10) -> str:
        return disassemble(self.read_code, addr, count, self.addr_to_symbol)

    def describe_state(self) -> str:
        c = self.cpu
        rip = c.rip
        return (f"RIP {rip:#x} <{self.addr_to_symbol(rip)}> CPL {c.cpl} RSP {c.reg('rsp'):#x} "
                f"RFLAGS {c.reg('rflags'):#x} CR3 {c.reg('cr3'):#x} exit {self.exit_code}")

    # -- hooks -------------------------------------------------------------------------

    def _hook(self, callback: Callable[..., None], begin: int, end: int,
              user_data: object = None) -> int:
        """Add a code hook for [begin, end] (all code if begin > end). Unicorn decides at
        translation time which instructions call hooks, so the translation cache is
        flushed: code translated earlier would not see the new hook."""
        h = self.uc.hook_add(UC_HOOK_CODE, callback, user_data, begin, end)
        self.uc.ctl_flush_tb()
        return h

    def _unhook(self, h: int, *, flush: bool = False) -> None:
        """Remove a hook; `flush` drops translations that still call out for it (worth it
        after a hook on every instruction)."""
        self.uc.hook_del(h)
        if flush:
            self.uc.ctl_flush_tb()

    def _on_intr(self, uc: Uc, vector: int, _: object) -> None:
        if self._seen.fault is None:
            self._seen.fault = (self.cpu.rip, fault_info(uc, vector))
        uc.emu_stop()

    def _on_syscall(self, uc: Uc, _: object) -> None:
        if self._seen.syscall_at is None:
            self._seen.syscall_at = self.cpu.rip
        uc.emu_stop()

    def _on_hlt(self, uc: Uc, addr: int, size: int, _: object) -> None:
        if self._seen.hlt_at is None:
            self._seen.hlt_at = addr
        uc.emu_stop()

    def _on_in(self, uc: Uc, port: int, size: int, _: object) -> int:
        return self.ports.read(port, size)

    def _on_out(self, uc: Uc, port: int, size: int, value: int, _: object) -> None:
        self.ports.write(port, size, value)

    def _on_exit(self, value: int) -> None:
        self._seen.exited = True
        self.uc.emu_stop()

    def _on_output(self, byte: int) -> None:
        if self._stop_on_output and byte == 0x0A:
            self._seen.line_written = True
            self.uc.emu_stop()

    def _on_target(self, uc: Uc, addr: int, size: int, _: object) -> None:
        if self._skip_target == addr:
            self._skip_target = None
            return
        if self._target_cr3 is not None and \
                uc.reg_read(X.UC_X86_REG_CR3) & x86.CR3_ADDR != self._target_cr3:
            return
        if self._seen.target_at is None:
            self._seen.target_at = addr
        uc.emu_stop()

    def _on_inject_point(self, uc: Uc, addr: int, size: int, _: object) -> None:
        if self._inject_countdown <= 0:
            if self._seen.inject_at is None:
                self._seen.inject_at = addr
            uc.emu_stop()
        self._inject_countdown -= 1

    def _on_path_step(self, uc: Uc, addr: int, size: int, _: object) -> None:
        """executed()'s hook on every instruction: record it, or stop at the end of the
        path (not recorded) or once the path is longer than its budget."""
        if self._path and self._path_end(addr):
            if self._seen.path_end_at is None:
                self._seen.path_end_at = addr
            uc.emu_stop()
            return
        self._path.append(addr)
        if len(self._path) > self._path_limit:
            if self._seen.path_too_long_at is None:
                self._seen.path_too_long_at = addr
            uc.emu_stop()

    # -- interrupts --------------------------------------------------------------------

    def inject(self, vector: int, *, after_user_instructions: int | None = None) -> None:
        """Raise external interrupt `vector`: at the next point where interrupts are on
        (the next user instruction, or an idle `hlt`), or after the given number of
        further user-mode instructions."""
        self._pending.append(vector)
        self._inject_countdown = after_user_instructions or 0
        if self._inject_hook is None:
            self._inject_hook = self._hook(self._on_inject_point, USER_HALF[0],
                                           USER_HALF[1] - 1)

    def _deliver_pending(self, return_rip: int) -> Stop | None:
        """Deliver the oldest injected interrupt; a Stop if the CPU would reset."""
        vector = self._pending.pop(0)
        if not self._pending and self._inject_hook is not None:
            self._unhook(self._inject_hook, flush=True)
            self._inject_hook = None
        try:
            d = self.delivery.interrupt(vector, return_rip=return_rip)
        except TripleFaultError as e:
            return Stop(StopReason.TRIPLE_FAULT, return_rip, str(e))
        self.history.append(f"interrupt {vector:#x} at {return_rip:#x} (CPL {d.from_cpl}) "
                            f"-> {self.addr_to_symbol(d.handler)} on {d.stack}")
        return None

    # -- running -----------------------------------------------------------------------

    def _segment(self, max_instructions: int | None) -> _Seen:
        """Run Unicorn from the current RIP until a hook stops it (or the budget, or the
        watchdog); return what the hooks saw."""
        self._seen = seen = _Seen()
        try:
            self.uc.emu_start(self.cpu.rip, 0, count=max_instructions or 0)
        except UcError as e:
            if e.errno != UC_ERR_INSN_INVALID:
                raise EmuError(f"{e} ({self.describe_state()})") from None
            seen.invalid_opcode_at = self.cpu.rip
        return seen

    def _deliver_fault(self, rip: int, fault: FaultInfo) -> Stop | None:
        """Deliver an exception raised at `rip`; a Stop if the CPU would reset."""
        try:
            d = self.delivery.interrupt(fault.vector, return_rip=rip,
                                        error_code=fault.error_code, software=fault.software)
        except TripleFaultError as e:
            return Stop(StopReason.TRIPLE_FAULT, rip, str(e))
        self.history.append(
            f"vector {fault.vector} at {rip:#x} <{self.addr_to_symbol(rip)}> "
            f"CPL {d.from_cpl} error {fault.error_code:#x} cr2 {d.cr2:#x} -> vector "
            f"{d.vector} {self.addr_to_symbol(d.handler)} on {d.stack}")
        return None

    def _deliver_syscall(self, rip: int) -> None:
        if self._trace_from_user:
            self._trace_from_user = False
            self.trace.install(self.uc)
        self.syscalls += 1
        self.history.append(f"syscall rax={self.cpu.reg('rax'):#x} at {rip:#x} "
                            f"(cr3 {self.cpu.reg('cr3'):#x})")
        self.delivery.syscall(rip + 2)

    def _model_step(self, seen: _Seen) -> Stop | None:
        """Act on the first thing the segment saw, in _Seen's order: return a Stop, or
        do the model's part and return None to go on running."""
        if seen.exited:
            return Stop(StopReason.EXIT, self.cpu.rip, f"debug-exit {self.exit_code:#x}")
        if seen.fault is not None:
            rip, fault = seen.fault
            return self._deliver_fault(rip, fault)
        if seen.invalid_opcode_at is not None:
            return self._deliver_fault(seen.invalid_opcode_at, FaultInfo(x86.VEC_UD, 0, False))
        if seen.syscall_at is not None:
            self._deliver_syscall(seen.syscall_at)
            return None
        if seen.target_at is not None:
            return Stop(StopReason.TARGET, seen.target_at)
        if seen.path_end_at is not None:
            return Stop(StopReason.TARGET, seen.path_end_at)
        if seen.path_too_long_at is not None:
            return Stop(StopReason.LIMIT, seen.path_too_long_at,
                        f"path longer than {self._path_limit} instructions")
        if seen.hlt_at is not None:
            if not self.cpu.reg("rflags") & x86.RFLAGS_IF:
                return Stop(StopReason.HALTED, seen.hlt_at, "hlt with interrupts off")
            if not self._pending:
                return Stop(StopReason.IDLE, seen.hlt_at, "hlt: waiting for an interrupt")
            return self._deliver_pending(seen.hlt_at + 1)
        if seen.inject_at is not None:
            return self._deliver_pending(seen.inject_at)
        return None   # only a line written to COM1: the predicate gets a look

    def _run(self, *, targets: Iterable[int] = (), cr3: int | None = None,
             predicate: Callable[[Machine], bool] | None = None,
             max_instructions: int | None = None,
             timeout: float | None = DEFAULT_TIMEOUT_S) -> Stop:
        """The run loop: run one segment; if no hook stopped it, a limit did; else the
        model acts on what the hooks saw (which may end the run); then the predicate and
        the time limit get their look, and the next segment starts."""
        if self.exit_code is not None:
            return Stop(StopReason.EXIT, self.cpu.rip, "the machine has already exited")
        hooks = [self._hook(self._on_target, a, a) for a in targets]
        self._skip_target = self.cpu.rip
        self._target_cr3 = None if cr3 is None else cr3 & x86.CR3_ADDR
        self._stop_on_output = predicate is not None
        # One watchdog thread per run, not a timeout per segment (Unicorn's costs ~0.2 ms);
        # a run without a time limit (timeout None) is bounded by max_instructions alone.
        deadline = float("inf") if timeout is None else time.monotonic() + timeout
        watchdog = None if timeout is None else threading.Timer(timeout, self.uc.emu_stop)
        if watchdog is not None:
            watchdog.daemon = True
            watchdog.start()
        try:
            while True:
                seen = self._segment(max_instructions)
                if seen == _Seen():   # no hook stopped it: the budget or the watchdog did
                    why = "time limit" if time.monotonic() >= deadline else "instruction budget"
                    return Stop(StopReason.LIMIT, self.cpu.rip, why)
                self._skip_target = None
                stop = self._model_step(seen)
                if stop is not None:
                    return stop
                if predicate is not None and predicate(self):
                    return Stop(StopReason.PREDICATE, self.cpu.rip)
                if time.monotonic() >= deadline:
                    return Stop(StopReason.LIMIT, self.cpu.rip, "time limit")
        finally:
            if watchdog is not None:
                watchdog.cancel()
            for h in hooks:
                self._unhook(h)
            self._stop_on_output = False
            self._target_cr3 = None

    def run(self, *, max_instructions: int | None = None,
            timeout: float | None = DEFAULT_TIMEOUT_S) -> Stop:
        """Run until exit, idle, halt or a limit (timeout None: no time limit, for runs
        that max_instructions bounds)."""
        if timeout is None and not max_instructions:
            raise EmuError("a run without a time limit needs max_instructions")
        return self._run(max_instructions=max_instructions, timeout=timeout)

    def run_until(self, target: Target, *, cr3: int | None = None,
                  max_instructions: int | None = None,
                  timeout: float | None = DEFAULT_TIMEOUT_S) -> Stop:
        """Run until the CPU is about to execute `target` (a kernel symbol, an address or
        several; with `cr3`, only in that address space), or until `target(machine)` —
        a predicate, checked after every model event and console line — is true. Also
        stops at exit, idle, halt, or a limit: check `Stop.reason`. `max_instructions`
        bounds each stretch between two model events (Unicorn's count); timeout None runs
        without a time limit (a predicate or the budget must end the run)."""
        if callable(target):
            return self._run(predicate=target, max_instructions=max_instructions,
                             timeout=timeout)
        if isinstance(target, str):
            addrs: Iterable[int] = (self.symbol(target),)
        elif isinstance(target, int):
            addrs = (target,)
        else:
            addrs = tuple(target)
        return self._run(targets=addrs, cr3=cr3, max_instructions=max_instructions,
                         timeout=timeout)

    def executed(self, start: int | str, end: int | str | Callable[[int], bool], *,
                 cr3: int | None = None, max_instructions: int = 2_000_000) -> list[int]:
        """The addresses of the instructions executed from `start` (run there first, in
        address space `cr3` if given) up to, not including, the first later instruction
        at `end` (an address, a kernel symbol, or a predicate on the address). A Python
        hook sees every instruction meanwhile (~2.7 M/s), so keep the path short."""
        start_addr = self.symbol(start) if isinstance(start, str) else start
        if self.cpu.rip != start_addr:
            stop = self.run_until(start_addr, cr3=cr3)
            if stop.reason is not StopReason.TARGET:
                raise EmuError(f"never reached {self.addr_to_symbol(start_addr)}: {stop}")
        if callable(end):
            self._path_end = end
        else:
            end_addr = self.symbol(end) if isinstance(end, str) else end
            self._path_end = end_addr.__eq__
        self._path, self._path_limit = [], max_instructions
        hook = self._hook(self._on_path_step, 1, 0)
        try:
            stop = self._run()
        finally:
            self._unhook(hook, flush=True)   # or every instruction keeps calling out
        path, self._path = self._path, []
        if stop.reason is not StopReason.TARGET:
            raise EmuError(f"path from {self.addr_to_symbol(start_addr)} did not end: "
                           f"{stop.reason.value} after {len(path)} instructions "
                           f"({stop.detail}; {self.describe_state()})")
        return path

    def count_instructions(self, start: int | str, end: int | str | Callable[[int], bool], *,
                           cr3: int | None = None, max_instructions: int = 2_000_000) -> int:
        """How many instructions `executed(start, end)` ran."""
        return len(self.executed(start, end, cr3=cr3, max_instructions=max_instructions))

    @contextmanager
    def watch(self, *targets: int | str) -> Iterator[dict[str, int]]:
        """Count how often each target address (or kernel symbol) executes inside the
        with-block; the dict is keyed by the names given."""
        hits = {str(t): 0 for t in targets}
        hooks = []
        for t in targets:
            addr = self.symbol(t) if isinstance(t, str) else t

            def bump(uc: Uc, a: int, size: int, key: object) -> None:
                hits[str(key)] += 1

            hooks.append(self._hook(bump, addr, addr, str(t)))
        try:
            yield hits
        finally:
            for h in hooks:
                self._unhook(h)

    @contextmanager
    def tracing(self) -> Iterator[BlockTrace]:
        """Record the last basic blocks inside the with-block."""
        self.trace.install(self.uc)
        try:
            yield self.trace
        finally:
            self.trace.remove(self.uc)

    # -- snapshots and lasting hooks (the fuzzer) ------------------------------------------

    def snapshot(self) -> Snapshot:
        """Save the whole machine (CPU, RAM, devices) to come back to with `restore`."""
        return self._snapshots.take({"pending": self._pending, "syscalls": self.syscalls,
                                     "history": self.history})

    def restore(self, snap: Snapshot, *, flush_code: bool = False) -> None:
        """Put the machine back as it was at `snap` (see orbital_build/emu/snapshot.py;
        `flush_code` after a run that spawned a process)."""
        if self._inject_hook is not None:
            self._unhook(self._inject_hook)
            self._inject_hook = None
        extra = self._snapshots.restore(snap, flush_code=flush_code)
        self._pending, self.syscalls, self.history = \
            extra["pending"], extra["syscalls"], extra["history"]

    def add_stop(self, addr: int, when: Callable[[], bool] | None = None) -> int:
        """A lasting stop point: from now on every run stops (TARGET) when the CPU is
        about to execute `addr` and `when()`, if given, holds — except at the address a
        run starts from. Unlike run_until's targets it costs no code retranslation per
        run. Returns a handle for remove_stop."""
        def hit(uc: Uc, a: int, size: int, _: object) -> None:
            if self._skip_target == a:
                self._skip_target = None
                return
            if when is None or when():
                if self._seen.target_at is None:
                    self._seen.target_at = a
                uc.emu_stop()

        return self._hook(hit, addr, addr)

    def remove_stop(self, handle: int) -> None:
        self._unhook(handle)

    def record_blocks(self, into: dict[int, int], span: tuple[int, int]) -> int:
        """From now on, every basic block executed in [start, end) is recorded in `into`
        (address -> size): coverage. Returns a handle for remove_stop."""
        def block(uc: Uc, addr: int, size: int, _: object) -> None:
            into[addr] = size

        h = self.uc.hook_add(UC_HOOK_BLOCK, block, None, span[0], span[1] - 1)
        self.uc.ctl_flush_tb()
        return h

    # -- conveniences ------------------------------------------------------------------

    @staticmethod
    def in_user(addr: int) -> bool:
        return addr < x86.USER_TOP

    def direct_map(self, paddr: int) -> int:
        return DIRECT_MAP_BASE + paddr
