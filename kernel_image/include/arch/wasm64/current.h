/* SPDX-License-Identifier: Apache-2.0 */
/* The running thread on wasm64: one word in kernel memory (one CPU; the host's workers
 * never run kernel code). Included through <arch/arch.h>. */
#pragma once

struct thread;

extern struct thread *wasm_current;

static inline struct thread *arch_current(void)
{
	return wasm_current;
}

static inline void arch_set_current(struct thread *t)
{
	wasm_current = t;
}
