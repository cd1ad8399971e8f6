/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scheduler: fixed priorities (0 most urgent), round-robin within a priority, a
 * 10 ms quantum enforced by the timer, deadlines for sleep and timeouts, and an idle loop.
 */
#pragma once

#include <kernel/thread.h>

#define TICK_NS 10000000ull        /* spec §5.7: TICK_NANOS */
#define QUANTUM_NS 10000000ull     /* spec §5.7: DEFAULT_QUANTUM */
#define PRIORITY_NORMAL 64

/* The running thread: the caller of a syscall. */
static inline struct thread *current(void)
{
	return arch_current();
}
/* The process of the current thread: the caller of a syscall. */
static inline struct process *current_process(void)
{
	return current()->proc;
}
void sched_ready(struct thread *t);        /* make runnable (tail of its queue) */
/* Take a thread off its run queue, wait queue and the deadline list; no wake-up. */
void sched_detach(struct thread *t);
/* Block a thread until woken or the deadline (0: none). For W_RECV, W_SEND and
 * W_NOTIFY `obj` is the struct waitq the caller has put the thread on. */
void sched_block(struct thread *t, enum wait_kind why, void *obj, u64 deadline);
/* The deadline `timeout_ns` from now (0: none; saturating). */
u64 sched_deadline(u64 timeout_ns);
/* End a thread's wait early: leave its wait queue, return `result` to it, make it ready. */
void sched_cancel_wait(struct thread *t, i64 result);
/* A thread is being freed: forget it if it is the current one. */
void sched_thread_gone(struct thread *t);
/* Wake a blocked or sleeping thread with `result` in its return register. */
void sched_wake(struct thread *t, i64 result);
void sched_yield(struct thread *t);
void sched_sleep(struct thread *t, u64 ns);
/* Called from the timer interrupt. */
void timer_tick(void);
/* Leave the kernel: run the best ready thread in user mode, or idle until there is one. */
NORETURN void sched_resume(void);
/* Make `next` current (the current thread is requeued if still running). */
void sched_switch_to(struct thread *next);
u64 sched_next_tid(void);
