"""Interrupt, exception and SYSCALL delivery, done the way the CPU does it, through the
guest's own IDT, GDT and TSS (Unicorn leaves all three to its user).

For vector v the model reads gate v from IDTR (present, DPL, IST, target selector),
checks a software `int n` against the gate's DPL, picks the stack — the current RSP
at the same privilege, TSS.RSP0 (found through TR) when coming from ring 3, the IST
entry whenever the gate names one — aligns it to 16, pushes SS, RSP, RFLAGS, CS, RIP
and, for the vectors that have one, the error code; it then clears TF/NT/RF (and IF for
an interrupt gate) and continues at the handler at CPL 0. A fault while doing this
becomes a #DF, and a fault while delivering a #DF is a triple fault, which ends the run.

SYSCALL: RCX = the next RIP, R11 = RFLAGS, RFLAGS &= ~FMASK, CS and SS from STAR, RIP =
LSTAR, CPL 0. SYSRETQ and IRETQ back to ring 3 Unicorn executes natively.
"""

from __future__ import annotations

import dataclasses
import struct
from dataclasses import dataclass

from ..errors import OrbitalError
from . import x86
from .cpu import Cpu
from .memory.virtual import UnmappedError, VirtualMemory

GATE_INTERRUPT = 0xE
GATE_TRAP = 0xF
TSS_RSP0 = 4
TSS_IST1 = 0x24


class TripleFaultError(OrbitalError):
    """The CPU could not deliver a double fault: a real machine would reset."""


class _DeliveryFault(Exception):
    def __init__(self, vector: int, error_code: int, why: str) -> None:
        super().__init__(why)
        self.vector, self.error_code, self.why = vector, error_code, why


@dataclass(frozen=True)
class Gate:
    """One 16-byte IDT entry."""

    vector: int
    offset: int
    selector: int
    ist: int
    type: int
    dpl: int
    present: bool

    @classmethod
    def decode(cls, vector: int, raw: bytes) -> Gate:
        lo, sel, ist, attr, mid, hi, _ = struct.unpack("<HHBBHII", raw)
        return cls(vector, lo | mid << 16 | hi << 32, sel, ist & 7, attr & 0xF,
                   (attr >> 5) & 3, bool(attr & 0x80))


@dataclass(frozen=True)
class Delivered:
    """What one delivery did, for tests and traces."""

    vector: int
    error_code: int | None
    handler: int
    return_rip: int
    from_cpl: int
    frame: int               # RSP after the pushes: where the frame starts
    stack: str               # "current", "rsp0" or "istN"
    cr2: int


def software_insn_length(vm: VirtualMemory, vector: int, next_rip: int) -> int:
    """Length of the `int n` / `int3` / `into` that raised `vector` and ends at next_rip."""
    try:
        before = vm.read(next_rip - 2, 2)
    except UnmappedError:
        return 2
    if vector == 3 and before[1] == 0xCC or vector == 4 and before[1] == 0xCE:
        return 1
    return 2


class Delivery:
    def __init__(self, cpu: Cpu, vm: VirtualMemory) -> None:
        self.cpu = cpu
        self.vm = vm
        self.log: list[Delivered] = []

    # -- descriptor tables -------------------------------------------------------------

    def gate(self, vector: int) -> Gate:
        """Gate `vector` of the IDT the CPU has loaded."""
        _, base, limit, _ = self.cpu.uc.reg_read(x86.REG["idtr"])
        if vector * 16 + 15 > limit:
            raise _DeliveryFault(x86.VEC_GP, vector * 8 + 2, f"vector {vector} beyond IDT limit")
        return Gate.decode(vector, self.vm.read(base + vector * 16, 16))

    def descriptor(self, selector: int) -> int:
        _, base, limit, _ = self.cpu.uc.reg_read(x86.REG["gdtr"])
        if selector & 4 or (selector & ~7) + 7 > limit:
            raise _DeliveryFault(x86.VEC_GP, selector & ~3, f"selector {selector:#x} outside GDT")
        return int.from_bytes(self.vm.read(base + (selector & ~7), 8), "little")

    def tss_base(self) -> int:
        _, base, _, _ = self.cpu.uc.reg_read(x86.REG["tr"])
        return base

    # -- interrupts and exceptions -----------------------------------------------------

    def interrupt(self, vector: int, *, return_rip: int, error_code: int | None = None,
                  software: bool = False) -> Delivered:
        """Deliver `vector` as if the CPU raised it with RIP = return_rip; escalates to
        #GP/#NP, #DF and finally TripleFaultError the way the CPU would."""
        try:
            return self._deliver(vector, return_rip, error_code, software)
        except _DeliveryFault as f:
            if software:   # the int instruction faulted: the frame points back at it
                return_rip -= software_insn_length(self.vm, vector, return_rip)
            if vector == x86.VEC_DF:
                raise TripleFaultError(f"triple fault: delivering #DF failed: {f.why}") from None
            if f.vector == x86.VEC_DF or vector in (x86.VEC_GP, x86.VEC_NP, x86.VEC_PF):
                return self.interrupt(x86.VEC_DF, return_rip=return_rip, error_code=0)
            return self.interrupt(f.vector, return_rip=return_rip, error_code=f.error_code)

    def _deliver(self, vector: int, return_rip: int, error_code: int | None,
                 software: bool) -> Delivered:
        cpu = self.cpu
        cpl = cpu.cpl
        try:
            gate = self.gate(vector)
        except UnmappedError as e:
            raise _DeliveryFault(x86.VEC_DF, 0, str(e)) from None
        if software and gate.dpl < cpl:
            raise _DeliveryFault(x86.VEC_GP, vector * 8 + 2,
                                 f"int {vector:#x} from CPL {cpl} through a DPL {gate.dpl} gate")
        if not gate.present:
            raise _DeliveryFault(x86.VEC_NP, vector * 8 + 2, f"gate {vector} not present")
        if gate.type not in (GATE_INTERRUPT, GATE_TRAP):
            raise _DeliveryFault(x86.VEC_GP, vector * 8 + 2, f"gate {vector} type {gate.type:#x}")
        new_cpl = (self.descriptor(gate.selector) >> 45) & 3
        if new_cpl > cpl:
            raise _DeliveryFault(x86.VEC_GP, gate.selector & ~3, "gate to a less privileged segment")
        rsp, stack, ss = cpu.reg("rsp"), "current", cpu.reg("ss")
        try:
            if new_cpl < cpl:
                rsp = self.vm.read_u64(self.tss_base() + TSS_RSP0 + 8 * new_cpl)
                stack, ss = f"rsp{new_cpl}", new_cpl
            if gate.ist:
                rsp = self.vm.read_u64(self.tss_base() + TSS_IST1 + 8 * (gate.ist - 1))
                stack = f"ist{gate.ist}"
        except UnmappedError as e:
            raise _DeliveryFault(x86.VEC_DF, 0, f"TSS unreadable: {e}") from None
        rflags = cpu.reg("rflags")
        rsp &= ~0xF
        frame = [return_rip, cpu.reg("cs"), rflags, cpu.reg("rsp"), cpu.reg("ss")]
        has_error = vector in x86.ERROR_CODE_VECTORS and not software
        if has_error:
            frame.insert(0, error_code or 0)
        rsp -= 8 * len(frame)
        if not self.vm.writable(rsp, 8 * len(frame)):
            raise _DeliveryFault(x86.VEC_DF, 0, f"stack {rsp:#x} not mapped writable")
        self.vm.write(rsp, struct.pack(f"<{len(frame)}Q", *frame))
        rflags &= ~(x86.RFLAGS_TF | x86.RFLAGS_NT | x86.RFLAGS_RF | x86.RFLAGS_VM)
        if gate.type == GATE_INTERRUPT:
            rflags &= ~x86.RFLAGS_IF
        cpu.enter_ring0(rip=gate.offset, rsp=rsp, rflags=rflags, cs=gate.selector,
                        ss=ss if new_cpl < cpl else None)
        done = Delivered(vector, error_code if has_error else None, gate.offset, return_rip,
                         cpl, rsp, stack, cpu.reg("cr2"))
        self.log.append(done)
        return done

    # -- SYSCALL -----------------------------------------------------------------------

    def syscall(self, next_rip: int) -> None:
        """Model SYSCALL executed just before `next_rip`."""
        cpu = self.cpu
        if not cpu.msr(x86.MSR_EFER) & x86.EFER_SCE:
            self.interrupt(x86.VEC_UD, return_rip=next_rip - 2)
            return
        star, lstar = cpu.msr(x86.MSR_STAR), cpu.msr(x86.MSR_LSTAR)
        fmask = cpu.msr(x86.MSR_FMASK)
        state = cpu.arch_state()
        rflags = state.rflags & ~x86.RFLAGS_RF
        gprs = list(state.gprs)
        gprs[x86.GPR_NAMES.index("rcx")] = next_rip
        gprs[x86.GPR_NAMES.index("r11")] = rflags
        state = dataclasses.replace(state, gprs=tuple(gprs))
        cs = (star >> 32) & 0xFFFC
        cpu.enter_ring0(rip=lstar, rsp=cpu.reg("rsp"), rflags=rflags & ~fmask | x86.RFLAGS_FIXED,
                        cs=cs, ss=cs + 8, state=state)
