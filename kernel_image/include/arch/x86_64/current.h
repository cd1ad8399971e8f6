/* SPDX-License-Identifier: Apache-2.0 */
/* The running thread of this CPU, kept in the per-CPU block: the scheduler, the trap and
 * syscall entries and the IPC fast path (fastpath.S, %gs:PCPU_CURRENT) all read and
 * switch this one word. Included through <arch/arch.h>. */
#pragma once

#include <arch/x86_64/percpu.h>

static inline struct thread *arch_current(void)
{
	return cpu0.current;
}

static inline void arch_set_current(struct thread *t)
{
	cpu0.current = t;
}
