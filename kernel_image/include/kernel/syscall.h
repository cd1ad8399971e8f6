/* SPDX-License-Identifier: Apache-2.0 */
/* The syscall layer: dispatch through the table generated from the Python ABI. */
#pragma once

#include <kernel/thread.h>

/* A handler that blocked or ended its thread returns this: its result comes later (or
 * never) and the dispatcher must not touch the thread again. */
#define SYSCALL_NORESULT ((long)(-0x7fffffffffffffffll - 1))

/* Passed to handlers whose syscall has output registers. */
struct syscall_frame {
	struct thread *t;
};

static inline void frame_set_out(struct syscall_frame *f, unsigned slot, u64 v)
{
	uctx_set_arg(&f->t->ctx, slot, v);
}

/* The slow path of every syscall, from the arch entry with t's registers saved: audit,
 * dispatch, result. */
void syscall_entry_c(struct thread *t, u64 nr);
