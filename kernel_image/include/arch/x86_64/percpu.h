/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-CPU state, reached through GS in the kernel (swapgs on every entry from user mode).
 * The first fields are used from assembly; keep the offsets below in step.
 */
#pragma once

#define PCPU_SELF 0
#define PCPU_KSTACK 8       /* top of this CPU's kernel stack */
#define PCPU_USER_RSP 16    /* scratch: user RSP during SYSCALL entry */
#define PCPU_CTX_TOP 24     /* end of the current thread's register save area (= TSS.RSP0) */
#define PCPU_CURRENT 32     /* current thread */
#define PCPU_USER_CR3 40    /* KPTI: the user tables to load on the way out */
#define PCPU_TRAMPOLINE 48  /* KPTI: top of the trampoline stack (= TSS.RSP0) */

#ifndef __ASSEMBLER__
#include <kernel/types.h>

struct thread;

struct percpu {
	struct percpu *self;
	u64 kstack_top;
	u64 user_rsp;
	u64 ctx_top;
	struct thread *current;
	u64 user_cr3;
	u64 trampoline;
	u32 cpu_id;
};
_Static_assert(__builtin_offsetof(struct percpu, kstack_top) == PCPU_KSTACK, "percpu");
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == PCPU_USER_RSP, "percpu");
_Static_assert(__builtin_offsetof(struct percpu, ctx_top) == PCPU_CTX_TOP, "percpu");
_Static_assert(__builtin_offsetof(struct percpu, current) == PCPU_CURRENT, "percpu");
_Static_assert(__builtin_offsetof(struct percpu, user_cr3) == PCPU_USER_CR3, "percpu");
_Static_assert(__builtin_offsetof(struct percpu, trampoline) == PCPU_TRAMPOLINE, "percpu");

extern struct percpu cpu0;
#endif
