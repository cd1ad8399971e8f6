/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPC objects: endpoints (messages, call/reply) and notifications (signal bits).
 *
 * An endpoint belongs to the process that created it and dies with it (or when the owner
 * destroys it); any holder of a capability with R may receive, so a supervisor can own a
 * service's endpoint and hand R to each new instance of the service (restarts and live
 * updates keep the endpoint, and the clients' capabilities to it). Messages
 * queue in FIFO order: buffered messages from `send` (which never blocks) and callers
 * blocked in `call` (whose message stays in their registers and IPC buffer) are ordered by
 * a per-endpoint sequence number. A receiver that finds nothing blocks (receive_wait) or
 * gets EAGAIN (receive). A caller waits for its reply on a one-shot reply capability that
 * the receiving thread holds (thread.reply_to) until it replies or dies.
 */
#pragma once

#include <kernel/kobj.h>
#include <kernel/thread.h>
#include <kernel/waitq.h>

#define EP_MAX_DEPTH 256          /* spec §1.11: max_queue_depth */

struct kmsg;
struct process;

struct endpoint {
	struct kobj kobj;
	u64 id;
	struct process *owner;
	struct endpoint *owner_next;
	struct waitq receivers;       /* W_RECV, FIFO */
	struct waitq senders;         /* W_SEND callers, FIFO */
	struct kmsg *qhead, *qtail;   /* buffered messages, FIFO */
	u32 depth;                    /* buffered messages (blocked senders count too) */
	u32 limit;                    /* queue limit: EP_MAX_DEPTH unless the owner lowered it */
	u32 high_water;
	u64 seq;                      /* orders buffered messages against blocked senders */
};

struct notification {
	struct kobj kobj;
	u64 id;
	struct process *owner;
	struct notification *owner_next;
	u64 bits;
	struct waitq waiters;         /* W_NOTIFY */
	u32 nirqs;                    /* interrupt lines bound to it (irq.c) */
};

/* Per-process IPC state: its endpoints and notifications. */
int ipc_process_init(struct process *p);
/* Destroy what p owns (waking peers with EDEAD), then its CSpace and the caps naming p. */
void ipc_process_gone(struct process *p);
/* A thread is going away: answer its callers with EDEAD, drop its reply capability. */
void ipc_thread_gone(struct thread *t);
/* Tell p's supervisor that p ended (MSG_CHILD_EXITED to the exit-notify endpoint), with
 * the notice reserved at spawn; it is never dropped while that endpoint exists. */
void ipc_notify_exit(struct process *p);

struct endpoint *endpoint_create(struct process *owner);
void endpoint_destroy(struct endpoint *ep);
struct notification *notification_create(struct process *owner);
void notification_destroy(struct notification *n);
void notification_signal(struct notification *n, u64 bits);

/* The message operations used by the syscall handlers and the fast path. `t` is the
 * calling thread; results land in t->ctx. Each returns the value for RAX or
 * SYSCALL_NORESULT when t blocked. */
long ipc_send(struct thread *t, struct endpoint *ep, u64 badge, u64 info, bool call);
long ipc_receive(struct thread *t, struct endpoint *ep, bool block, u64 timeout_ns);
long ipc_reply(struct thread *t, u64 info);

/*
 * The state change of a completed call and of a completed reply, made by the slow path and
 * by the fast path (arch/x86_64/fastpath.S calls them, hence ARCH_ASM_CALLABLE):
 *  ipc_call_taken   `rcv` has received `caller`'s call and holds its one-shot reply
 *                   capability; the caller waits for the reply (T_BLOCKED, W_REPLY on rcv).
 *  ipc_reply_taken  `replier` has answered `caller`: the reply capability is used up and
 *                   the caller's wait is over (whoever runs it next sets its state).
 */
ARCH_ASM_CALLABLE void ipc_call_taken(struct thread *caller, struct thread *rcv);
ARCH_ASM_CALLABLE void ipc_reply_taken(struct thread *replier, struct thread *caller);

/* Enumeration for the state hash: the object with the smallest id above `after`. */
struct endpoint *endpoint_next(u64 after);
struct notification *notification_next(u64 after);
u64 endpoint_next_id(void);
u64 notification_next_id(void);

/* The endpoint behind the caller's handle h, checked as cap_lookup does, with `rights`;
 * `owner` also requires the caller to own it (EPERM). *badge (if given) gets the cap's badge. */
struct endpoint *endpoint_lookup(orb_cptr_t h, u8 rights, bool owner, u64 *badge, long *err);

/* Validate a msginfo word: reserved bits clear, len ≤ 4096, ncaps ≤ 8. */
bool msginfo_ok(u64 info);
