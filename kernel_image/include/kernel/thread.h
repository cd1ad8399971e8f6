/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threads. A thread's user registers live in its TCB (ctx, first member: the trap entry
 * writes the frame there), so a blocked thread is just a state and a queue link, and its
 * syscall result is written into ctx.rax by whoever wakes it.
 */
#pragma once

#include <arch/arch.h>
#include <kernel/types.h>

struct process;
struct endpoint;

enum thread_state {
	T_READY,      /* on a run queue */
	T_RUNNING,    /* the current thread */
	T_BLOCKED,    /* waiting: IPC, notification, join; maybe with a deadline */
	T_SLEEPING,   /* waiting for a deadline only */
	T_ZOMBIE,     /* exited, waiting to be joined or reaped with its process */
};

/* Why a blocked thread waits (for wake-ups and for the peer-death paths). */
enum wait_kind {
	W_NONE,
	W_RECV,       /* receive on endpoint `wait_obj` */
	W_SEND,       /* call/send blocked on endpoint `wait_obj`, message in registers */
	W_REPLY,      /* call waiting for its reply */
	W_NOTIFY,     /* notification wait on `wait_obj` */
	W_JOIN,       /* thread_join on thread `wait_obj` */
};

#define THREAD_SLOTS 64   /* threads per process (user stack + IPC buffer slots) */
#define THREADS_MAX 512   /* threads in the whole machine (the root account's) */

struct thread {
	uctx_t ctx;                  /* user registers: must stay first */
	u64 tid;
	struct process *proc;
	enum thread_state state;
	u8 priority;                 /* 0 most urgent .. 255 */
	u8 slot;                     /* stack / IPC buffer slot in the process */
	bool kstack_owned;           /* stack allocated by the kernel in the slot */
	i32 exit_code;
	u64 slice_ns;                /* left of the current quantum */
	u64 wake_at;                 /* deadline (ns) when waiting with a timeout, else 0 */

	/* Queue links: a run queue, or an endpoint's send/receive queue. */
	struct thread *qnext, *qprev;
	struct thread *sleep_next;   /* timer list, sorted by wake_at */
	struct thread *proc_next;    /* the process's threads */

	/* What it waits for (state T_BLOCKED). */
	enum wait_kind wait;
	void *wait_obj;

	/* IPC (ipc.c): the caller this thread must answer, and its badge on the way in. */
	struct thread *reply_to;     /* one-shot reply capability, held by the receiver */
	u64 reply_gen;               /* reply_to->tid check: a dead caller is not answered */
	struct thread *replier;      /* the thread holding our reply capability */
	u64 send_badge;              /* badge of the capability a blocked sender used */
	u64 send_seq;                /* its place in the endpoint's FIFO */

	u64 syslog_seq;              /* SysLog record of its current or last syscall */

	vaddr_t ipcbuf_user;         /* its IPC buffer in user space (also its FS base) */
	void *ipcbuf;                /* the same buffer through the direct map */

	u64 ran_since;               /* cycle counter when it last got the CPU */
};

/* Create a thread in `p` starting at entry(arg) with `stack` (0: a kernel-chosen stack).
 * Returns the thread or NULL with *err = -ORB_E*. The thread is not yet runnable. */
struct thread *thread_create(struct process *p, u64 entry, u64 stack, u64 arg, u8 priority,
			     long *err);
/* The thread stops (zombie); the last live thread of a process ends the process. */
void thread_exit(struct thread *t, i32 code);
/* Free a zombie thread (joined, or its process is being torn down). */
void thread_reap(struct thread *t);
struct thread *thread_by_tid(struct process *p, u64 tid);
