/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The IPC fast path: endpoint_call and endpoint_reply_recv for the common case, done in
 * a few dozen instructions with no allocation, no queue walks and no scheduler decision.
 *
 * Each function is a list of guards. Any guard that fails returns to the caller, which
 * runs the one slow path (syscall.c: syscall_dispatch) with the registers untouched: the
 * fast path changes nothing until every guard has passed. What the guards establish:
 *   - the message is short (≤ 32 bytes, all in registers), carries no capabilities and
 *     has no reserved bits set;
 *   - the handle is current, names an endpoint with the needed right and no expiry;
 *   - the peer is already waiting in exactly the state the transfer needs, with no
 *     timeout armed and nothing queued ahead of it (FIFO order holds);
 *   - the peer is at least as urgent as the caller, so running it next is what the
 *     scheduler would do anyway.
 */
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/fastpath.h>
#include <kernel/ipc.h>
#include <kernel/process.h>
#include <kernel/sched.h>

#define SHORT_NO_CAPS(info) (((info) >> 45) == 0 && (((info) >> 32) & 0x1FFF) <= ORB_MSG_REG_BYTES)

/* The endpoint behind handle h if it is current, of the right type, has `right` and no
 * expiry; NULL otherwise (the slow path will produce the precise error). */
static inline struct cap *fast_cap(struct thread *t, u64 h, u8 right)
{
	u32 slot = h & 0xFFF;
	struct cspace *cs = t->proc->cspace;
	if (slot >= CSPACE_SLOTS || (cs->gen[slot] & 0xFFFFF) != ((h >> 12) & 0xFFFFF) || (h >> 32))
		return NULL;
	struct cap *c = &cs->slot[slot];
	if (c->type != ORB_OBJ_ENDPOINT || !(c->rights & right) || c->expires_at)
		return NULL;
	return c;
}

/* Copy the message registers and stamp sender and badge. */
static inline void transfer_regs(struct thread *to, const uctx_t *from, u64 info, u64 badge,
				 u64 sender)
{
	uctx_set_result(&to->ctx, (i64)info);
	uctx_set_arg(&to->ctx, 0, badge);
	uctx_set_arg(&to->ctx, 1, sender);
	for (unsigned i = 2; i < 6; i++)
		uctx_set_arg(&to->ctx, i, uctx_arg(from, i));
	orb_ipc_buffer_t *b = to->ipcbuf;
	b->badge = badge;
	b->sender = sender;
}

void fastpath_call(struct thread *t)
{
	u64 info = uctx_arg(&t->ctx, 1), h = uctx_arg(&t->ctx, 0);
	if (!SHORT_NO_CAPS(info))                     /* guard: short, no caps */
		return;
	struct cap *c = fast_cap(t, h, ORB_RIGHT_WRITE);
	if (!c)                                       /* guard: endpoint, W, current */
		return;
	struct endpoint *ep = container_of(c->obj, struct endpoint, kobj);
	struct thread *r = ep->receivers.head;
	if (!r || ep->qhead || ep->senders.head)      /* guard: receiver waiting, queue empty */
		return;
	if (r->priority > t->priority)                /* guard: receiver as urgent */
		return;
	if (r->wake_at || r->reply_to)                /* guard: no timeout, no pending reply */
		return;

	waitq_unlink(&ep->receivers, r);
	transfer_regs(r, &t->ctx, info, c->badge, t->proc->pid);
	r->wait = W_NONE;
	r->wait_obj = NULL;
	r->reply_to = t;
	t->replier = r;
	t->state = T_BLOCKED;
	t->wait = W_REPLY;
	t->wait_obj = r;
	ep->total_messages++;
	ep->total_bytes += (info >> 32) & 0x1FFF;
	axiom_fastpath(t, ORB_SYS_ENDPOINT_CALL, h, info, 0);
	sched_direct(r);
}

void fastpath_reply_recv(struct thread *t)
{
	u64 info = uctx_arg(&t->ctx, 1), h = uctx_arg(&t->ctx, 0);
	struct thread *caller = t->reply_to;
	if (!SHORT_NO_CAPS(info) || !caller)          /* guard: short, no caps, a reply owed */
		return;
	struct cap *c = fast_cap(t, h, ORB_RIGHT_READ);
	if (!c)                                       /* guard: endpoint, R, current */
		return;
	struct endpoint *ep = container_of(c->obj, struct endpoint, kobj);
	if (ep->qhead || ep->senders.head)
		return;                               /* guard: nothing else to receive now */
	if (caller->priority > t->priority)           /* guard: caller as urgent */
		return;

	transfer_regs(caller, &t->ctx, info, 0, t->proc->pid);
	caller->wait = W_NONE;
	caller->wait_obj = NULL;
	caller->replier = NULL;
	t->reply_to = NULL;
	waitq_push(&ep->receivers, t);
	t->state = T_BLOCKED;
	t->wait = W_RECV;
	t->wait_obj = &ep->receivers;
	axiom_syscall_late(caller, (i64)info);
	axiom_fastpath(t, ORB_SYS_ENDPOINT_REPLY_RECV, h, info, 0);
	sched_direct(caller);
}
