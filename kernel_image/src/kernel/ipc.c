/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Endpoints and messages: the slow path of send, call, receive and reply.
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
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/slab.h>

struct kmsg {
	struct kmsg *next;
	u64 seq;
	u64 info, badge, sender;
	u64 mr[ORB_MSG_REGS];
	u8 *data;                   /* a frame when len > 32 */
	struct cap *caps;           /* a frame of in-flight capabilities when ncaps > 0 */
};

/* Where a message comes from while it is being delivered. */
struct msg {
	u64 info, badge, sender;
	u64 mr[ORB_MSG_REGS];
	const u8 *data;
	struct cap *caps;           /* detached capabilities, ncaps of them */
};

static struct slab endpoint_slab = SLAB_INIT("endpoint", struct endpoint, 1024);
static struct slab notification_slab = SLAB_INIT("notification", struct notification, 1024);
static struct slab kmsg_slab = SLAB_INIT("kmsg", struct kmsg, 2048);
#define MAX_OBJECTS 1024
static struct endpoint *all_endpoints[MAX_OBJECTS];
static struct notification *all_notifications[MAX_OBJECTS];
static u64 next_eid = 1, next_nid = 1;

static bool table_put(void **table, void *obj)
{
	for (int i = 0; i < MAX_OBJECTS; i++) {
		if (!table[i]) {
			table[i] = obj;
			return true;
		}
	}
	return false;
}

static void table_drop(void **table, void *obj)
{
	for (int i = 0; i < MAX_OBJECTS; i++)
		if (table[i] == obj)
			table[i] = NULL;
}

bool msginfo_ok(u64 info)
{
	return (info >> 49) == 0 && orb_msginfo_get_len(info) <= ORB_MAX_MSG_SIZE &&
	       orb_msginfo_get_ncaps(info) <= ORB_MAX_MSG_CAPS;
}

static orb_ipc_buffer_t *ipcbuf(struct thread *t)
{
	return t->ipcbuf;
}

/* ---- objects ------------------------------------------------------------------------- */

struct endpoint *endpoint_create(struct process *owner)
{
	struct endpoint *ep = slab_alloc(&endpoint_slab);
	if (!ep)
		return NULL;
	if (!table_put((void **)all_endpoints, ep)) {
		slab_free(&endpoint_slab, ep);
		return NULL;
	}
	ep->id = next_eid++;
	ep->owner = owner;
	ep->owner_next = owner->endpoints;
	owner->endpoints = ep;
	axiom_endpoint_created(ep->id, owner->pid);
	return ep;
}

static struct endpoint *endpoint_by_id(u64 id)
{
	for (int i = 0; i < MAX_OBJECTS; i++)
		if (all_endpoints[i] && all_endpoints[i]->id == id)
			return all_endpoints[i];
	return NULL;
}

struct endpoint *endpoint_next(u64 after)
{
	struct endpoint *best = NULL;
	for (int i = 0; i < MAX_OBJECTS; i++) {
		struct endpoint *e = all_endpoints[i];
		if (e && e->id > after && (!best || e->id < best->id))
			best = e;
	}
	return best;
}

struct notification *notification_next(u64 after)
{
	struct notification *best = NULL;
	for (int i = 0; i < MAX_OBJECTS; i++) {
		struct notification *n = all_notifications[i];
		if (n && n->id > after && (!best || n->id < best->id))
			best = n;
	}
	return best;
}

u64 endpoint_next_id(void)
{
	return next_eid;
}

u64 notification_next_id(void)
{
	return next_nid;
}

static void kmsg_free(struct kmsg *k)
{
	if (k->data)
		frame_free(KERNEL_PHYS_OF(k->data), 0);
	if (k->caps) {
		for (u32 i = 0; i < orb_msginfo_get_ncaps(k->info); i++)
			cap_drop_detached(&k->caps[i]);
		frame_free(KERNEL_PHYS_OF(k->caps), 0);
	}
	slab_free(&kmsg_slab, k);
}

void endpoint_destroy(struct endpoint *ep)
{
	cap_remove_all_to(&ep->kobj);
	struct thread *t;
	while ((t = ep->receivers.head))
		sched_cancel_wait(t, -ORB_EDEAD);
	while ((t = ep->senders.head))
		sched_cancel_wait(t, -ORB_EDEAD);
	while (ep->qhead) {
		struct kmsg *k = ep->qhead;
		ep->qhead = k->next;
		kmsg_free(k);
	}
	for (struct endpoint **pp = &ep->owner->endpoints; *pp; pp = &(*pp)->owner_next) {
		if (*pp == ep) {
			*pp = ep->owner_next;
			break;
		}
	}
	table_drop((void **)all_endpoints, ep);
	axiom_endpoint_destroyed(ep->id);
	slab_free(&endpoint_slab, ep);
}

static void notification_destroy(struct notification *n);

/* A notification lives while some capability names it. */
static void notification_unreferenced(struct kobj *obj)
{
	notification_destroy(container_of(obj, struct notification, kobj));
}

struct notification *notification_create(struct process *owner)
{
	struct notification *n = slab_alloc(&notification_slab);
	if (!n)
		return NULL;
	if (!table_put((void **)all_notifications, n)) {
		slab_free(&notification_slab, n);
		return NULL;
	}
	n->id = next_nid++;
	n->owner = owner;
	n->irq = -1;
	n->kobj.unreferenced = notification_unreferenced;
	n->owner_next = owner->notifications;
	owner->notifications = n;
	axiom_notification_created(n->id, owner->pid);
	return n;
}

static void notification_destroy(struct notification *n)
{
	n->kobj.unreferenced = NULL;
	for (struct notification **pp = &n->owner->notifications; *pp; pp = &(*pp)->owner_next) {
		if (*pp == n) {
			*pp = n->owner_next;
			break;
		}
	}
	cap_remove_all_to(&n->kobj);
	struct thread *t;
	while ((t = n->waiters.head))
		sched_cancel_wait(t, -ORB_EDEAD);
	irq_unbind(n);
	table_drop((void **)all_notifications, n);
	axiom_notification_destroyed(n->id);
	slab_free(&notification_slab, n);
}

void notification_signal(struct notification *n, u64 bits)
{
	n->bits |= bits;
	struct thread *t = waitq_pop(&n->waiters);
	if (t) {
		u64 b = n->bits;
		n->bits = 0;
		sched_wake(t, (i64)(b & 0x7fffffffffffffffull));
	}
}

int ipc_process_init(struct process *p)
{
	return cspace_create(p);
}

void ipc_process_gone(struct process *p)
{
	while (p->endpoints)
		endpoint_destroy(p->endpoints);
	while (p->notifications)
		notification_destroy(p->notifications);
	cspace_destroy(p);
	cap_remove_all_to(&p->kobj);
}

void ipc_thread_gone(struct thread *t)
{
	struct thread *caller = t->reply_to;
	t->reply_to = NULL;
	if (caller && caller->state == T_BLOCKED && caller->wait == W_REPLY && caller->replier == t)
		sched_cancel_wait(caller, -ORB_EDEAD);
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

/* Detach a thread's checked capabilities into `tmp` (CapRemoved for each). */
static void caps_detach(struct cap **caps, u32 n, struct cap *tmp)
{
	for (u32 i = 0; i < n; i++)
		cap_detach(caps[i], &tmp[i]);
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
	caps_detach(caps, ncaps, tmp);
	struct msg m;
	msg_from_thread(&m, s, orb_msginfo_set_ncaps(info, ncaps), s->send_badge);
	m.caps = tmp;
	drop_reply_cap(rcv);
	u64 got = deliver(rcv, &m);
	s->wait = W_REPLY;
	s->wait_obj = rcv;
	s->replier = rcv;
	rcv->reply_to = s;
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
	ep->total_messages++;
	ep->total_bytes += orb_msginfo_get_len(info);
	struct thread *r = ep->qhead || ep->senders.head ? NULL : ep->receivers.head;
	if (r) {   /* a receiver waits: hand over directly */
		struct cap tmp[ORB_MAX_MSG_CAPS];
		caps_detach(caps, ncaps, tmp);
		struct msg m;
		msg_from_thread(&m, t, info, badge);
		m.caps = tmp;
		if (call)
			drop_reply_cap(r);
		sched_detach(r);
		u64 got = deliver(r, &m);
		if (call) {
			r->reply_to = t;
			t->replier = r;
			sched_block(t, W_REPLY, r, 0);
		}
		sched_wake(r, (i64)got);
		return call ? SYSCALL_NORESULT : 0;
	}
	if (ep->senders.len + ep->depth >= EP_MAX_DEPTH)
		return -ORB_EAGAIN;
	if (call) {   /* block with the message in place */
		t->send_badge = badge;
		t->send_seq = ep->seq++;
		waitq_push(&ep->senders, t);
		sched_block(t, W_SEND, &ep->senders, 0);
		ep->high_water = MAX(ep->high_water, ep->senders.len + ep->depth);
		return SYSCALL_NORESULT;
	}
	/* buffer a copy */
	struct kmsg *k = slab_alloc(&kmsg_slab);
	if (!k)
		return -ORB_EAGAIN;
	u32 len = orb_msginfo_get_len(info);
	if (len > ORB_MSG_REG_BYTES) {
		paddr_t pa = frame_alloc(0);
		if (!pa) {
			slab_free(&kmsg_slab, k);
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
		caps_detach(caps, ncaps, k->caps);
	}
	k->seq = ep->seq++;
	k->info = info;
	k->badge = badge;
	k->sender = t->proc->pid;
	for (unsigned i = 0; i < ORB_MSG_REGS; i++)
		k->mr[i] = uctx_arg(&t->ctx, 2 + i);
	if (ep->qtail)
		ep->qtail->next = k;
	else
		ep->qhead = k;
	ep->qtail = k;
	ep->depth++;
	ep->high_water = MAX(ep->high_water, ep->senders.len + ep->depth);
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
		u64 deadline = timeout_ns ? arch_now_ns() + timeout_ns : 0;
		if (timeout_ns && deadline < timeout_ns)
			deadline = ~0ull;
		sched_block(t, W_RECV, &ep->receivers, deadline);
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
	t->reply_to = NULL;   /* one-shot */
	caps_detach(caps, ncaps, tmp);
	struct msg m;
	msg_from_thread(&m, t, info, 0);
	m.caps = tmp;
	c->replier = NULL;
	u64 got = deliver(c, &m);
	sched_wake(c, (i64)got);
	return 0;
}

/* ---- kernel-originated messages -------------------------------------------------------- */

/* Queue a short message from PID 0 (the kernel) on an endpoint. */
static void kernel_send(struct endpoint *ep, u64 tag, const u64 mr[ORB_MSG_REGS], u32 len)
{
	u64 info = orb_msginfo_new(tag, len, 0);
	struct thread *r = ep->qhead || ep->senders.head ? NULL : ep->receivers.head;
	if (r) {
		struct msg m = { .info = info, .sender = 0 };
		memcpy(m.mr, mr, sizeof(m.mr));
		sched_detach(r);
		sched_wake(r, (i64)deliver(r, &m));
		return;
	}
	if (ep->senders.len + ep->depth >= EP_MAX_DEPTH)
		return;
	struct kmsg *k = slab_alloc(&kmsg_slab);
	if (!k)
		return;
	k->seq = ep->seq++;
	k->info = info;
	memcpy(k->mr, mr, sizeof(k->mr));
	if (ep->qtail)
		ep->qtail->next = k;
	else
		ep->qhead = k;
	ep->qtail = k;
	ep->depth++;
}

void ipc_notify_exit(struct process *p)
{
	struct endpoint *ep = p->exit_ep ? endpoint_by_id(p->exit_ep) : NULL;
	if (!ep)
		return;
	/* MSG_CHILD_EXITED: pid u32, exit_code i32, reason u8 (9 bytes, little-endian) */
	u64 mr[ORB_MSG_REGS] = { (u64)p->pid | ((u64)(u32)p->exit_code << 32), p->exit_reason, 0,
				 p->exit_badge };
	kernel_send(ep, ORB_MSG_CHILD_EXITED, mr, 9);
}
