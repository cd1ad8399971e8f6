"""x86_64 architectural constants the machine model needs: MSRs, control-register and
RFLAGS bits, page-table entry bits, and the Unicorn register ids behind their names."""

from __future__ import annotations

from unicorn import x86_const as X

# Model-specific registers.
MSR_APIC_BASE = 0x1B
MSR_EFER = 0xC0000080
MSR_STAR = 0xC0000081
MSR_LSTAR = 0xC0000082
MSR_CSTAR = 0xC0000083
MSR_FMASK = 0xC0000084
MSR_FS_BASE = 0xC0000100
MSR_GS_BASE = 0xC0000101
MSR_KERNEL_GS_BASE = 0xC0000102

# The MSRs a CPL switch must carry over, in the order they are written back.
SYSTEM_MSRS = (MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_FMASK, MSR_FS_BASE,
               MSR_GS_BASE, MSR_KERNEL_GS_BASE)

EFER_SCE = 1 << 0
EFER_LME = 1 << 8
EFER_LMA = 1 << 10
EFER_NXE = 1 << 11

CR0_PE = 1 << 0
CR0_WP = 1 << 16
CR0_PG = 1 << 31
CR4_PAE = 1 << 5
CR4_PGE = 1 << 7
CR4_PCIDE = 1 << 17
CR4_SMEP = 1 << 20
CR4_SMAP = 1 << 21

RFLAGS_CF = 1 << 0
RFLAGS_FIXED = 1 << 1          # always reads as 1
RFLAGS_TF = 1 << 8
RFLAGS_IF = 1 << 9
RFLAGS_DF = 1 << 10
RFLAGS_NT = 1 << 14
RFLAGS_RF = 1 << 16
RFLAGS_VM = 1 << 17
RFLAGS_AC = 1 << 18

# Page-table entry bits (every level).
PTE_P = 1 << 0
PTE_W = 1 << 1
PTE_U = 1 << 2
PTE_PWT = 1 << 3
PTE_PCD = 1 << 4
PTE_A = 1 << 5
PTE_D = 1 << 6
PTE_PS = 1 << 7
PTE_G = 1 << 8
PTE_NX = 1 << 63
PTE_ADDR = 0x000FFFFFFFFFF000
CR3_ADDR = PTE_ADDR

# #PF error-code bits.
PF_PRESENT = 1 << 0
PF_WRITE = 1 << 1
PF_USER = 1 << 2
PF_RSVD = 1 << 3
PF_FETCH = 1 << 4

# Exceptions for which the CPU pushes an error code.
ERROR_CODE_VECTORS = frozenset({8, 10, 11, 12, 13, 14, 17, 21, 29, 30})
VEC_UD, VEC_DF, VEC_NP, VEC_GP, VEC_PF = 6, 8, 11, 13, 14

USER_TOP = 0x0000800000000000   # first non-canonical address above user space

GPR_NAMES = ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15")
REG: dict[str, int] = {name: getattr(X, f"UC_X86_REG_{name.upper()}") for name in
                       (*GPR_NAMES, "rip", "rflags", "cs", "ss", "ds", "es", "fs", "gs",
                        "cr0", "cr2", "cr3", "cr4", "gdtr", "idtr", "ldtr", "tr")}
GPRS = tuple(REG[n] for n in GPR_NAMES)


def canonical(addr: int) -> int:
    """Sign-extend a 48-bit virtual address to 64 bits."""
    addr &= (1 << 48) - 1
    return addr | 0xFFFF000000000000 if addr & (1 << 47) else addr
