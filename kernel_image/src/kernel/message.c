/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Messages: the slow path of send, call, receive and reply (arch/x86_64/fastpath.S has the
 * fast one).
 *
 * Syscalls here: endpoint_send, endpoint_call, endpoint_receive, endpoint_receive_wait,
 * endpoint_reply, endpoint_reply_recv. The syscall entry tries the fast path first for
 * call and reply_recv; these handlers are what runs when one of its guards fails. Both
 * paths make the state change of a completed call or reply with the same two functions,
 * ipc_call_taken and ipc_reply_taken.
 *
 * A message is a msginfo word (tag, length, capability count), up to four message
 * registers (payloads of at most 32 bytes), or the sender's IPC buffer for longer ones,
 * and up to eight capabilities. Transfer is all-or-nothing: every capability handle is
 * checked (present, GRANT right, no duplicates) before any is moved. The kernel stamps
 * each delivered message with the sender's PID and the badge of the capability it used:
 * what the sender put in its registers or buffer for those fields is overwritten.
 *
 * Delivery targets, in FIFO order per endpoint:
 *   receiver waiting  → copy straight into its registers / IPC buffer and wake it;
 *   nobody waiting    → send: buffer a kernel copy (kmsg), the sender goes on;
 *                       call: the caller blocks on ep->senders with its message in place.
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/kmsg.h>
#include <kernel/objtable.h>
#include <kernel/panic.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/slab.h>

/* Where a message comes from while it is being delivered. */
struct msg {
	u64 info, badge, sender;
	u64 mr[ORB_MSG_REGS];
	const u8 *data;
	struct cap *caps;           /* detached capabilities, ncaps of them */
};

static struct slab kmsg_slab = SLAB_INIT("kmsg", struct kmsg, KMSG_MAX);

bool msginfo_ok(u64 info)
{
	return !(info & ORB_MSGINFO_RESERVED_MASK) && orb_msginfo_get_len(info) <= ORB_MAX_MSG_SIZE &&
	       orb_msginfo_get_ncaps(info) <= ORB_MAX_MSG_CAPS;
}

static orb_ipc_buffer_t *ipcbuf(struct thread *t)
{
	return t->ipcbuf;
}

/* ---- buffered messages and who pays for them (kmsg.h) ---------------------------------- */

static void pay_link(struct kmsg *k, struct process *payer)
{
	k->payer = payer;
	k->pay_prev = NULL;
	k->pay_next = payer ? payer->paid : NULL;
	if (k->pay_next)
		k->pay_next->pay_prev = k;
	if (payer)
		payer->paid = k;
}

static void pay_unlink(struct kmsg *k)
{
	if (k->pay_prev)
		k->pay_prev->pay_next = k->pay_next;
	else if (k->payer)
		k->payer->paid = k->pay_next;
	if (k->pay_next)
		k->pay_next->pay_prev = k->pay_prev;
	k->pay_next = k->pay_prev = NULL;
}

/* What a message of `bytes` payload held in `frames` frames costs its payer. */
static void kmsg_release(struct process *payer, u32 bytes, u64 memory)
{
	account_release(payer, ORB_RES_MESSAGES, 1);
	account_release(payer, ORB_RES_MSG_BYTES, bytes);
	account_release(payer, ORB_RES_MEMORY, memory);
}

/* A charged, empty kmsg for `payer`: NULL with *err set (EAGAIN over the message
 * limits: they free up as receivers take messages; ENOMEM over the memory limit). */
static struct kmsg *kmsg_alloc(struct process *payer, u32 bytes, u32 frames, long *err)
{
	u64 memory = (u64)frames * PAGE_SIZE;
	*err = -ORB_EAGAIN;
	if (!account_fits(payer, ORB_RES_MESSAGES, 1) ||
	    !account_fits(payer, ORB_RES_MSG_BYTES, bytes))
		return NULL;
	*err = -ORB_ENOMEM;
	if (!account_fits(payer, ORB_RES_MEMORY, memory))
		return NULL;
	struct kmsg *k = slab_alloc(&kmsg_slab);
	if (!k)   /* cannot happen while the root account holds KMSG_MAX messages */
		return NULL;
	account_charge(payer, ORB_RES_MESSAGES, 1);
	account_charge(payer, ORB_RES_MSG_BYTES, bytes);
	account_charge(payer, ORB_RES_MEMORY, memory);
	k->cost_bytes = bytes;
	k->cost_memory = (u32)memory;
	pay_link(k, payer);
	return k;
}

void kmsg_free(struct kmsg *k)
{
	if (k->data)
		frame_free(KERNEL_PHYS_OF(k->data), 0);
	if (k->caps) {
		for (u32 i = 0; i < orb_msginfo_get_ncaps(k->info); i++)
			cap_drop_detached(&k->caps[i]);
		frame_free(KERNEL_PHYS_OF(k->caps), 0);
	}
	kmsg_release(k->payer, k->cost_bytes, k->cost_memory);
	pay_unlink(k);
	slab_free(&kmsg_slab, k);
}

void kmsg_pass_charges(struct process *from, struct process *to)
{
	while (from->paid) {
		struct kmsg *k = from->paid;
		pay_unlink(k);
		account_move(from, to, ORB_RES_MESSAGES, 1);
		account_move(from, to, ORB_RES_MSG_BYTES, k->cost_bytes);
		account_move(from, to, ORB_RES_MEMORY, k->cost_memory);
		pay_link(k, to);
	}
}

struct kmsg *kmsg_notice_reserve(struct process *payer)
{
	long err;
	return kmsg_alloc(payer, 0, 0, &err);
}

/* ---- the state change of a completed call or reply (shared with fastpath.S) ----------- */

ARCH_ASM_CALLABLE void ipc_call_taken(struct thread *caller, struct thread *rcv)
{
	rcv->reply_to = caller;   /* the one-shot reply capability */
	caller->replier = rcv;
	caller->state = T_BLOCKED;
	caller->wait = W_REPLY;
	caller->wait_obj = rcv;
}

ARCH_ASM_CALLABLE void ipc_reply_taken(struct thread *replier, struct thread *caller)
{
	replier->reply_to = NULL;   /* used up */
	caller->replier = NULL;
	caller->wait = W_NONE;
	caller->wait_obj = NULL;
}

/* ---- moving messages ------------------------------------------------------------------ */

/* Check every capability a thread wants to send; all or nothing. */
static long caps_check(struct thread *t, u32 ncaps, struct cap **out)
{
	orb_ipc_buffer_t *b = ipcbuf(t);
	for (u32 i = 0; i < ncaps; i++) {
		long err;
		struct cap *c = cap_lookup(t->proc, b->send_caps[i], 0, ORB_RIGHT_GRANT, &err);
		if (!c)
			return err;
		for (u32 j = 0; j < i; j++)
			if (out[j] == c)
				return -ORB_EINVAL;   /* the same capability twice */
		out[i] = c;
	}
	return 0;
}

static void msg_from_thread(struct msg *m, struct thread *t, u64 info, u64 badge)
{
	m->info = info;
	m->badge = badge;
	m->sender = t->proc->pid;
	for (unsigned i = 0; i < ORB_MSG_REGS; i++)
		m->mr[i] = uctx_arg(&t->ctx, 2 + i);
	m->data = orb_msginfo_get_len(info) > ORB_MSG_REG_BYTES ? ipcbuf(t)->data : NULL;
	m->caps = NULL;
}

/* Put message m into thread dst (registers, IPC buffer, CSpace). Returns the msginfo it
 * receives: the capability count is what actually arrived. */
static u64 deliver(struct thread *dst, struct msg *m)
{
	orb_ipc_buffer_t *b = ipcbuf(dst);
	u32 len = orb_msginfo_get_len(m->info), ncaps = orb_msginfo_get_ncaps(m->info);
	uctx_set_arg(&dst->ctx, 0, m->badge);
	uctx_set_arg(&dst->ctx, 1, m->sender);
	for (unsigned i = 0; i < ORB_MSG_REGS; i++)
		uctx_set_arg(&dst->ctx, 2 + i, m->mr[i]);
	if (len > ORB_MSG_REG_BYTES)
		memcpy(b->data, m->data, len);
	b->badge = m->badge;
	b->sender = m->sender;
	u32 got = 0;
	for (u32 i = 0; i < ncaps; i++) {
		if (!m->caps[i].id)
			continue;   /* revoked in flight */
		u32 want = b->recv_slots[got];
		long h = cap_attach(dst->proc, &m->caps[i],
				    want == ORB_CAP_NONE ? -1 : (int)orb_cptr_get_slot(want));
		if (h < 0)
			h = cap_attach(dst->proc, &m->caps[i], -1);
		if (h < 0) {
			cap_drop_detached(&m->caps[i]);   /* no room: the capability is lost */
			continue;
		}
		b->recv_caps[got++] = (u32)h;
	}
	for (u32 i = got; i < ORB_MAX_MSG_CAPS; i++)
		b->recv_caps[i] = ORB_CAP_NONE;
	return orb_msginfo_set_ncaps(m->info, got);
}

/* Detach a thread's checked capabilities into `tmp` (CapRemoved for each), narrowed by
 * the sender's send_rights masks (0 keeps a capability's rights). */
static void caps_detach(struct thread *t, struct cap **caps, u32 n, struct cap *tmp)
{
	const u8 *mask = ipcbuf(t)->send_rights;
	for (u32 i = 0; i < n; i++) {
		u8 m = mask[i] & ORB_RIGHTS_ALL;
		cap_detach(caps[i], &tmp[i]);
		if (m)
			tmp[i].rights &= m;
	}
}

/* Append a buffered message to the endpoint's FIFO. */
static void kmsg_enqueue(struct endpoint *ep, struct kmsg *k)
{
	k->seq = ep->seq++;
	k->next = NULL;
	if (ep->qtail)
		ep->qtail->next = k;
	else
		ep->qhead = k;
	ep->qtail = k;
	ep->depth++;
	ep->high_water = MAX(ep->high_water, ep->senders.len + ep->depth);
}

/* A receiver is about to take a new call while it still owes a reply: the reply slot is
 * one per thread, so the earlier caller can no longer be answered (it gets EDEAD).
 * Messages that need no reply (send, kernel notices) leave the reply capability alone. */
static void drop_reply_cap(struct thread *t)
{
	if (t->reply_to)
		ipc_thread_gone(t);
}

/* Deliver the message of a thread blocked in call, then make it wait for the reply. */
static u64 take_blocked_sender(struct thread *rcv, struct thread *s)
{
	u64 info = uctx_arg(&s->ctx, 1);
	struct cap *caps[ORB_MAX_MSG_CAPS], tmp[ORB_MAX_MSG_CAPS];
	u32 ncaps = orb_msginfo_get_ncaps(info);
	if (ncaps && caps_check(s, ncaps, caps) < 0)
		ncaps = 0;   /* its capabilities changed while it waited: send none */
	caps_detach(s, caps, ncaps, tmp);
	struct msg m;
	msg_from_thread(&m, s, orb_msginfo_set_ncaps(info, ncaps), s->send_badge);
	m.caps = tmp;
	drop_reply_cap(rcv);
	u64 got = deliver(rcv, &m);
	ipc_call_taken(s, rcv);
	return got;
}

static u64 take_kmsg(struct thread *rcv, struct kmsg *k)
{
	struct msg m = { .info = k->info, .badge = k->badge, .sender = k->sender, .data = k->data,
			 .caps = k->caps };
	memcpy(m.mr, k->mr, sizeof(m.mr));
	u64 got = deliver(rcv, &m);
	k->caps = k->caps ? (frame_free(KERNEL_PHYS_OF(k->caps), 0), NULL) : NULL;
	kmsg_free(k);
	return got;
}


long ipc_send(struct thread *t, struct endpoint *ep, u64 badge, u64 info, bool call)
{
	if (!msginfo_ok(info))
		return -ORB_EINVAL;
	u32 ncaps = orb_msginfo_get_ncaps(info);
	struct cap *caps[ORB_MAX_MSG_CAPS];
	if (ncaps) {
		long rc = caps_check(t, ncaps, caps);
		if (rc < 0)
			return rc;
	}
	struct thread *r = ep->qhead || ep->senders.head ? NULL : ep->receivers.head;
	if (r) {   /* a receiver waits: hand over directly */
		struct cap tmp[ORB_MAX_MSG_CAPS];
		caps_detach(t, caps, ncaps, tmp);
		struct msg m;
		msg_from_thread(&m, t, info, badge);
		m.caps = tmp;
		if (call)
			drop_reply_cap(r);
		sched_detach(r);
		u64 got = deliver(r, &m);
		if (call)
			ipc_call_taken(t, r);
		sched_wake(r, (i64)got);
		return call ? SYSCALL_NORESULT : 0;
	}
	if (ep->senders.len + ep->depth >= ep->limit)
		return -ORB_EAGAIN;
	if (call) {   /* block with the message in place */
		t->send_badge = badge;
		t->send_seq = ep->seq++;
		waitq_push(&ep->senders, t);
		sched_block(t, W_SEND, &ep->senders, 0);
		ep->high_water = MAX(ep->high_water, ep->senders.len + ep->depth);
		return SYSCALL_NORESULT;
	}
	/* buffer a copy, charged to the sender */
	u32 len = orb_msginfo_get_len(info);
	bool long_msg = len > ORB_MSG_REG_BYTES;
	long err;
	struct kmsg *k = kmsg_alloc(t->proc, len, long_msg + (ncaps != 0), &err);
	if (!k)
		return err;
	if (long_msg) {
		paddr_t pa = frame_alloc(0);
		if (!pa) {
			kmsg_free(k);
			return -ORB_ENOMEM;
		}
		k->data = KERNEL_VIRT(pa);
		memcpy(k->data, ipcbuf(t)->data, len);
	}
	if (ncaps) {
		paddr_t pa = frame_alloc(0);
		if (!pa) {
			kmsg_free(k);
			return -ORB_ENOMEM;
		}
		k->caps = KERNEL_VIRT(pa);
		caps_detach(t, caps, ncaps, k->caps);
	}
	k->info = info;
	k->badge = badge;
	k->sender = t->proc->pid;
	for (unsigned i = 0; i < ORB_MSG_REGS; i++)
		k->mr[i] = uctx_arg(&t->ctx, 2 + i);
	kmsg_enqueue(ep, k);
	return 0;
}

long ipc_receive(struct thread *t, struct endpoint *ep, bool block, u64 timeout_ns)
{
	struct kmsg *k = ep->qhead;
	struct thread *s = ep->senders.head;
	if (!k && !s) {
		if (!block)
			return -ORB_EAGAIN;
		waitq_push(&ep->receivers, t);
		sched_block(t, W_RECV, &ep->receivers, sched_deadline(timeout_ns));
		return SYSCALL_NORESULT;
	}
	if (k && (!s || k->seq < s->send_seq)) {
		ep->qhead = k->next;
		if (!ep->qhead)
			ep->qtail = NULL;
		ep->depth--;
		return (long)take_kmsg(t, k);
	}
	waitq_unlink(&ep->senders, s);
	return (long)take_blocked_sender(t, s);
}

long ipc_reply(struct thread *t, u64 info)
{
	struct thread *c = t->reply_to;
	if (!c)
		return -ORB_ENOENT;
	if (!msginfo_ok(info))
		return -ORB_EINVAL;
	u32 ncaps = orb_msginfo_get_ncaps(info);
	struct cap *caps[ORB_MAX_MSG_CAPS], tmp[ORB_MAX_MSG_CAPS];
	if (ncaps) {
		long rc = caps_check(t, ncaps, caps);
		if (rc < 0)
			return rc;
	}
	ipc_reply_taken(t, c);
	caps_detach(t, caps, ncaps, tmp);
	struct msg m;
	msg_from_thread(&m, t, info, 0);
	m.caps = tmp;
	u64 got = deliver(c, &m);
	sched_wake(c, (i64)got);
	return 0;
}

void ipc_notice_send(struct endpoint *ep, struct kmsg *k, u64 tag, const u64 mr[ORB_MSG_REGS],
		     u32 len)
{
	k->info = orb_msginfo_new(tag, len, 0);
	k->sender = 0;
	memcpy(k->mr, mr, sizeof(k->mr));
	struct thread *r = ep->qhead || ep->senders.head ? NULL : ep->receivers.head;
	if (r) {
		sched_detach(r);
		sched_wake(r, (i64)take_kmsg(r, k));
		return;
	}
	/* Past the queue limit if need be: the notice was paid for when the child was
	 * spawned, so filling an endpoint cannot make its supervisor miss an exit. */
	kmsg_enqueue(ep, k);
}

/* ---- syscalls: send, call, receive, receive_wait, reply, reply_recv (call and reply_recv
 * come here when a guard of their fast path, arch/x86_64/fastpath.S, fails) ---- */

long sys_endpoint_send(orb_cptr_t h, orb_msginfo_t info, uint64_t mr0, uint64_t mr1,
		       uint64_t mr2, uint64_t mr3)
{
	long err;
	u64 badge;
	struct endpoint *ep = endpoint_lookup(h, ORB_RIGHT_WRITE, false, &badge, &err);
	return ep ? ipc_send(current(), ep, badge, info, false) : err;
}

long sys_endpoint_call(orb_cptr_t h, orb_msginfo_t info, uint64_t mr0, uint64_t mr1,
		       uint64_t mr2, uint64_t mr3, struct syscall_frame *f)
{
	long err;
	u64 badge;
	struct endpoint *ep = endpoint_lookup(h, ORB_RIGHT_WRITE, false, &badge, &err);
	return ep ? ipc_send(f->t, ep, badge, info, true) : err;
}

long sys_endpoint_receive(orb_cptr_t h, struct syscall_frame *f)
{
	long err;
	struct endpoint *ep = endpoint_lookup(h, ORB_RIGHT_READ, false, NULL, &err);
	return ep ? ipc_receive(f->t, ep, false, 0) : err;
}

long sys_endpoint_receive_wait(orb_cptr_t h, uint64_t timeout_ns, struct syscall_frame *f)
{
	long err;
	struct endpoint *ep = endpoint_lookup(h, ORB_RIGHT_READ, false, NULL, &err);
	return ep ? ipc_receive(f->t, ep, true, timeout_ns) : err;
}

long sys_endpoint_reply(uint64_t _unused, orb_msginfo_t info, uint64_t mr0, uint64_t mr1,
			uint64_t mr2, uint64_t mr3)
{
	return ipc_reply(current(), info);
}

long sys_endpoint_reply_recv(orb_cptr_t h, orb_msginfo_t info, uint64_t mr0, uint64_t mr1,
			     uint64_t mr2, uint64_t mr3, struct syscall_frame *f)
{
	long err;
	struct endpoint *ep = endpoint_lookup(h, ORB_RIGHT_READ, false, NULL, &err);
	if (!ep)
		return err;
	if (f->t->reply_to) {
		long rc = ipc_reply(f->t, info);
		if (rc < 0 && rc != -ORB_ENOENT)
			return rc;   /* a malformed reply is the caller's error; a gone caller is not */
	}
	return ipc_receive(f->t, ep, true, 0);
}
