/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The register frame saved on every entry to the kernel.
 *
 * Interrupts and exceptions push it (hardware part, then vector/error, then the GPRs in
 * vectors.S); SYSCALL builds the same layout by hand in entry.S with vector = VEC_SYSCALL.
 * From user mode the frame is written straight into the current thread's save area
 * (TSS.RSP0 and the per-CPU ctx_top point at its end), so a thread's user state always
 * lives in its TCB and the kernel can switch threads by switching which frame it returns
 * to. From kernel mode the frame is on the kernel stack.
 */
#pragma once

#define VEC_SYSCALL 0x100

#define REGS_R15 0
#define REGS_R14 8
#define REGS_R13 16
#define REGS_R12 24
#define REGS_R11 32
#define REGS_R10 40
#define REGS_R9 48
#define REGS_R8 56
#define REGS_RBP 64
#define REGS_RDI 72
#define REGS_RSI 80
#define REGS_RDX 88
#define REGS_RCX 96
#define REGS_RBX 104
#define REGS_RAX 112
#define REGS_VECTOR 120
#define REGS_ERROR 128
#define REGS_RIP 136
#define REGS_CS 144
#define REGS_RFLAGS 152
#define REGS_RSP 160
#define REGS_SS 168
#define REGS_SIZE 176

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define SEL_TSS 0x28

#ifndef __ASSEMBLER__
#include <kernel/types.h>

struct regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct regs) == REGS_SIZE, "regs layout");
_Static_assert(__builtin_offsetof(struct regs, rax) == REGS_RAX, "regs layout");
_Static_assert(__builtin_offsetof(struct regs, rip) == REGS_RIP, "regs layout");
#endif
