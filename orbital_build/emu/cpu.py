"""The CPU behind the model: register access by name, and the one way into ring 0.

Unicorn never raises the privilege level itself: writing CS changes the selector, not the
CPL. What works (NOTES-qemu-unicorn.md) is to keep a context saved while the CPU was at
CPL 0 and, to enter the kernel, restore it and write back every piece of architectural
state the program may have changed since: general registers, control registers,
descriptor-table registers, data segments and the system MSRs. The same restore also
clears QEMU's record of the exception being delivered (which would otherwise turn the
next #PF into a #DF), so every exception delivery goes through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from unicorn import UC_ARCH_X86, UC_MODE_64, Uc, UcError
from unicorn.unicorn_py3.arch.intel import UcIntel
from unicorn.unicorn_py3.unicorn import UcContext

from . import x86
from .x86 import REG


def new_x86_64() -> UcIntel:
    """A 64-bit x86 Unicorn instance (typed as the class Unicorn actually returns)."""
    return cast(UcIntel, Uc(UC_ARCH_X86, UC_MODE_64))


@dataclass(frozen=True)
class ArchState:
    """The architectural state a CPL switch carries over, read from the CPU."""

    gprs: tuple[int, ...]
    rflags: int
    cr0: int
    cr2: int
    cr3: int
    cr4: int
    gdtr: tuple[int, int, int, int]
    idtr: tuple[int, int, int, int]
    ldtr: tuple[int, int, int, int]
    tr: tuple[int, int, int, int]
    data_segments: tuple[int, int, int, int]   # DS, ES, FS, GS selectors
    msrs: tuple[tuple[int, int], ...]


_DATA_SEGMENTS = (REG["ds"], REG["es"], REG["fs"], REG["gs"])


class Cpu:
    """Named register access and CPL control for one Unicorn x86_64 instance."""

    def __init__(self, uc: UcIntel) -> None:
        self.uc = uc
        self._ring0: UcContext | None = None

    # -- registers ---------------------------------------------------------------------

    def reg(self, name: str) -> int:
        return self.uc.reg_read(REG[name])

    def set_reg(self, name: str, value: int) -> None:
        self.uc.reg_write(REG[name], value & 0xFFFFFFFFFFFFFFFF)

    def regs(self) -> dict[str, int]:
        """The general registers plus rip, rflags, cs and cr3."""
        names = (*x86.GPR_NAMES, "rip", "rflags", "cs", "cr3")
        return dict(zip(names, self.uc.reg_read_batch([REG[n] for n in names])))

    @property
    def rip(self) -> int:
        return self.uc.reg_read(REG["rip"])

    @property
    def cpl(self) -> int:
        """Current privilege level (CS.RPL equals the CPL in long mode)."""
        return self.uc.reg_read(REG["cs"]) & 3

    def msr(self, msr: int) -> int:
        return self.uc.msr_read(msr)

    # -- ring 0 ------------------------------------------------------------------------

    def save_ring0_template(self) -> None:
        """Remember the current context as the way back to CPL 0 (call it at CPL 0)."""
        if self.cpl != 0:
            raise RuntimeError("the ring-0 template must be saved at CPL 0")
        self._ring0 = self.uc.context_save()

    def arch_state(self) -> ArchState:
        uc = self.uc
        return ArchState(
            gprs=tuple(uc.reg_read_batch(list(x86.GPRS))),
            rflags=uc.reg_read(REG["rflags"]),
            cr0=uc.reg_read(REG["cr0"]), cr2=uc.reg_read(REG["cr2"]),
            cr3=uc.reg_read(REG["cr3"]), cr4=uc.reg_read(REG["cr4"]),
            gdtr=uc.reg_read(REG["gdtr"]), idtr=uc.reg_read(REG["idtr"]),
            ldtr=uc.reg_read(REG["ldtr"]), tr=uc.reg_read(REG["tr"]),
            data_segments=tuple(uc.reg_read_batch(list(_DATA_SEGMENTS))),
            msrs=tuple((m, uc.msr_read(m)) for m in x86.SYSTEM_MSRS),
        )

    def enter_ring0(self, *, rip: int, rsp: int, rflags: int, cs: int, ss: int | None,
                    state: ArchState | None = None) -> None:
        """Continue at CPL 0 with the given RIP, RSP, RFLAGS and code selector; everything
        else keeps its current value (or `state`'s). `ss` None keeps the stack segment."""
        if self._ring0 is None:
            raise RuntimeError("no ring-0 template saved")
        s = state or self.arch_state()
        uc = self.uc
        uc.context_restore(self._ring0)
        msrs = dict(s.msrs)
        uc.msr_write(x86.MSR_EFER, msrs[x86.MSR_EFER])
        uc.reg_write(REG["cr0"], s.cr0)
        uc.reg_write(REG["cr4"], s.cr4)
        uc.reg_write(REG["cr3"], s.cr3)
        uc.reg_write(REG["cr2"], s.cr2)
        uc.reg_write(REG["gdtr"], s.gdtr)
        uc.reg_write(REG["idtr"], s.idtr)
        uc.reg_write(REG["ldtr"], s.ldtr)
        uc.reg_write(REG["tr"], s.tr)
        uc.reg_write(REG["cs"], cs)
        for reg, sel in zip(_DATA_SEGMENTS, s.data_segments):
            uc.reg_write(reg, sel)
        if ss is not None:
            try:
                uc.reg_write(REG["ss"], ss)
            except UcError:   # Unicorn refuses some null SS loads; the kernel never reads SS
                pass
        for msr, value in s.msrs:   # after the segments: loading FS/GS clears their bases
            if msr != x86.MSR_EFER:
                uc.msr_write(msr, value)
        uc.reg_write_batch(list(zip(x86.GPRS, s.gprs)))
        uc.reg_write(REG["rsp"], rsp)
        uc.reg_write(REG["rflags"], rflags)
        uc.reg_write(REG["rip"], rip)
