/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Scheduling.
 *
 * 256 FIFO run queues, one per priority, with a 256-bit occupancy bitmap (spec §1.9);
 * the lowest-numbered non-empty queue runs. The timer takes QUANTUM_NS from the running
 * thread each tick; when the quantum is gone and another thread of the same or a more
 * urgent priority is ready, the running thread goes to the tail of its queue. A thread
 * made ready at a more urgent priority than the running one preempts it at the next exit
 * from the kernel.
 *
 * Deadlines (sleep, IPC timeouts) sit on one list sorted by wake_at; each tick wakes the
 * expired ones. The kernel never waits on its stack: sched_resume picks a thread and
 * leaves for user mode, or idles with interrupts on until a tick makes one ready.
 */
#include <kernel/axiom.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/waitq.h>
#include <orbital/abi.h>

static struct thread *rq_head[256], *rq_tail[256];
static u64 rq_bits[4];
static struct thread *sleepers;
static bool need_resched;
static u64 next_tid = 1;
static u64 ticks;

u64 sched_next_tid(void)
{
	return next_tid++;
}

static void rq_push(struct thread *t)
{
	u8 p = t->priority;
	t->qnext = NULL;
	t->qprev = rq_tail[p];
	if (rq_tail[p])
		rq_tail[p]->qnext = t;
	else
		rq_head[p] = t;
	rq_tail[p] = t;
	rq_bits[p / 64] |= 1ull << (p % 64);
}

static void rq_unlink(struct thread *t)
{
	u8 p = t->priority;
	if (t->qprev)
		t->qprev->qnext = t->qnext;
	else
		rq_head[p] = t->qnext;
	if (t->qnext)
		t->qnext->qprev = t->qprev;
	else
		rq_tail[p] = t->qprev;
	if (!rq_head[p])
		rq_bits[p / 64] &= ~(1ull << (p % 64));
	t->qnext = t->qprev = NULL;
}

/* Most urgent ready priority, or 256 when none. */
static unsigned rq_best(void)
{
	for (unsigned w = 0; w < 4; w++)
		if (rq_bits[w])
			return w * 64 + __builtin_ctzll(rq_bits[w]);
	return 256;
}

static void sleep_remove(struct thread *t)
{
	for (struct thread **pp = &sleepers; *pp; pp = &(*pp)->sleep_next) {
		if (*pp == t) {
			*pp = t->sleep_next;
			break;
		}
	}
	t->sleep_next = NULL;
}

static void sleep_insert(struct thread *t)
{
	struct thread **pp = &sleepers;
	while (*pp && (*pp)->wake_at <= t->wake_at)
		pp = &(*pp)->sleep_next;
	t->sleep_next = *pp;
	*pp = t;
}

void sched_ready(struct thread *t)
{
	t->state = T_READY;
	rq_push(t);
	struct thread *cur = current();
	if (cur && t->priority < cur->priority)
		need_resched = true;
}

void sched_detach(struct thread *t)
{
	if (t->state == T_READY)
		rq_unlink(t);
	if (t->state == T_BLOCKED && (t->wait == W_RECV || t->wait == W_SEND || t->wait == W_NOTIFY))
		waitq_unlink(t->wait_obj, t);
	if (t->wait == W_REPLY && t->replier && t->replier->reply_to == t)
		t->replier->reply_to = NULL;   /* the one-shot reply capability dies with it */
	t->replier = NULL;
	if (t->wake_at) {
		sleep_remove(t);
		t->wake_at = 0;
	}
	t->wait = W_NONE;
	t->wait_obj = NULL;
}

void sched_block(struct thread *t, enum wait_kind why, void *obj, u64 deadline)
{
	if (t->state == T_READY)
		rq_unlink(t);
	t->state = T_BLOCKED;
	t->wait = why;
	t->wait_obj = obj;
	t->wake_at = deadline;
	if (deadline)
		sleep_insert(t);
}

void sched_wake(struct thread *t, i64 result)
{
	if (t->wake_at) {
		sleep_remove(t);
		t->wake_at = 0;
	}
	t->wait = W_NONE;
	t->wait_obj = NULL;
	t->replier = NULL;
	uctx_set_result(&t->ctx, result);
	axiom_syscall_late(t, result);
	sched_ready(t);
}

void sched_cancel_wait(struct thread *t, i64 result)
{
	sched_detach(t);
	uctx_set_result(&t->ctx, result);
	axiom_syscall_late(t, result);
	sched_ready(t);
}

void sched_thread_gone(struct thread *t)
{
	if (current() == t)
		arch_set_current(NULL);
}

void sched_yield(struct thread *t)
{
	t->slice_ns = QUANTUM_NS;
	t->state = T_READY;
	rq_push(t);
}

u64 sched_deadline(u64 timeout_ns)
{
	if (!timeout_ns)
		return 0;
	u64 d = arch_now_ns() + timeout_ns;
	return d < timeout_ns ? ~0ull : d;   /* saturate */
}

void sched_sleep(struct thread *t, u64 ns)
{
	t->state = T_SLEEPING;
	t->wait = W_NONE;
	t->wake_at = sched_deadline(ns);
	sleep_insert(t);
}

void timer_tick(void)
{
	ticks++;
	u64 now = arch_now_ns();
	for (int n = 0; sleepers && sleepers->wake_at <= now && n < 256; n++) {
		struct thread *t = sleepers;
		sleepers = t->sleep_next;
		t->sleep_next = NULL;
		t->wake_at = 0;
		if (t->state == T_BLOCKED)
			sched_cancel_wait(t, -ORB_ETIMEDOUT);
		else
			sched_wake(t, 0);
	}
	struct thread *cur = current();
	if (cur && cur->state == T_RUNNING) {
		if (cur->slice_ns <= TICK_NS) {
			cur->slice_ns = QUANTUM_NS;
			if (rq_best() <= cur->priority)
				need_resched = true;
		} else {
			cur->slice_ns -= TICK_NS;
		}
	}
}

/* Charge t's process for the CPU since t last got it (fastpath.S does the same). */
static void account_out(struct thread *t)
{
	t->proc->cpu_cycles += arch_cycles() - t->ran_since;
}

void sched_switch_to(struct thread *next)
{
	struct thread *cur = current();
	if (cur) {
		account_out(cur);
		if (cur->state == T_RUNNING)
			sched_ready(cur);
	}
	if (next->state == T_READY)
		rq_unlink(next);
	next->state = T_RUNNING;
	next->ran_since = arch_cycles();
	arch_set_current(next);
}

NORETURN void sched_resume(void)
{
	struct thread *c = current();
	/* The common case: the thread that entered the kernel goes on running. */
	if (likely(c && c->state == T_RUNNING && !need_resched && !axiom_checkpoint_due())) {
		vspace_activate(&c->proc->vs);
		arch_enter_user(c, &c->ctx, c->ipcbuf_user);
	}
	axiom_quiescent();
	for (;;) {
		unsigned best = rq_best();
		struct thread *t = current();
		if (t && t->state == T_RUNNING && !(need_resched && best <= t->priority)) {
			need_resched = false;
			vspace_activate(&t->proc->vs);
			arch_enter_user(t, &t->ctx, t->ipcbuf_user);
		}
		need_resched = false;
		if (best < 256) {
			sched_switch_to(rq_head[best]);
			continue;
		}
		if (t) {   /* it blocked or exited and nothing else is ready */
			account_out(t);
			arch_set_current(NULL);
		}
		axiom_idle();
		arch_idle_wait();
	}
}
