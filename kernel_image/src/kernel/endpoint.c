/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Endpoints: creation, destruction and lookup, and what happens to a process's IPC state
 * when it or one of its threads goes away. Destroying an endpoint removes every
 * capability to it first (one CapRemoved commit each), wakes its blocked receivers and
 * callers with EDEAD and drops the messages still queued, with any capabilities they
 * carried. The messages themselves move in message.c.
 *
 * Syscalls here: endpoint_create, endpoint_destroy, endpoint_limit.
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

static struct slab endpoint_slab = SLAB_INIT("endpoint", struct endpoint, MAX_OBJECTS);
static struct endpoint *all_endpoints[MAX_OBJECTS];
static u64 next_eid = 1;

struct endpoint *endpoint_create(struct process *owner)
{
	if (account_charge(owner, ORB_RES_ENDPOINTS, 1) < 0)
		return NULL;
	struct endpoint *ep = slab_alloc(&endpoint_slab);
	if (!ep || !objtable_put((void **)all_endpoints, ep)) {
		if (ep)
			slab_free(&endpoint_slab, ep);
		account_release(owner, ORB_RES_ENDPOINTS, 1);
		return NULL;
	}
	ep->id = next_eid++;
	ep->limit = EP_MAX_DEPTH;
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
	return objtable_next((void *const *)all_endpoints, after, offsetof(struct endpoint, id));
}

u64 endpoint_next_id(void)
{
	return next_eid;
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
	objtable_drop((void **)all_endpoints, ep);
	axiom_endpoint_destroyed(ep->id);
	account_release(ep->owner, ORB_RES_ENDPOINTS, 1);
	slab_free(&endpoint_slab, ep);
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

void ipc_notify_exit(struct process *p)
{
	struct kmsg *k = p->exit_notice;
	struct endpoint *ep = k && p->exit_ep ? endpoint_by_id(p->exit_ep) : NULL;
	p->exit_notice = NULL;
	if (!ep) {
		if (k)
			kmsg_free(k);
		return;
	}
	/* MSG_CHILD_EXITED: pid u32, exit_code i32, reason u8 (9 bytes, little-endian) */
	u64 mr[ORB_MSG_REGS] = { (u64)p->pid | ((u64)(u32)p->exit_code << 32), p->exit_reason, 0,
				 p->exit_badge };
	ipc_notice_send(ep, k, ORB_MSG_CHILD_EXITED, mr, 9);
}

/* ---- syscalls: endpoint_create, endpoint_destroy, endpoint_limit ---- */

long sys_endpoint_create(void)
{
	struct endpoint *ep = endpoint_create(current_process());
	if (!ep)
		return -ORB_ENOMEM;
	long h = cap_create_obj(current_process(), ORB_OBJ_ENDPOINT, ep->id, ORB_RIGHTS_ALL, &ep->kobj, -1);
	if (h < 0) {
		endpoint_destroy(ep);
		return h;
	}
	return (long)((ep->id << 32) | (u64)h);
}

/* The endpoint behind a handle, with `rights`; destroying also needs ownership. */
struct endpoint *endpoint_lookup(orb_cptr_t h, u8 rights, bool owner, u64 *badge, long *err)
{
	struct cap *c = cap_lookup(current_process(), h, ORB_OBJ_ENDPOINT, rights, err);
	if (!c)
		return NULL;
	struct endpoint *ep = container_of(c->obj, struct endpoint, kobj);
	if (owner && ep->owner != current_process()) {
		*err = -ORB_EPERM;
		return NULL;
	}
	if (badge)
		*badge = c->badge;
	return ep;
}

long sys_endpoint_destroy(orb_cptr_t h)
{
	long err;
	struct endpoint *ep = endpoint_lookup(h, 0, true, NULL, &err);
	if (!ep)
		return err;
	endpoint_destroy(ep);
	return 0;
}

long sys_endpoint_limit(orb_cptr_t h, uint32_t max_depth)
{
	long err;
	struct endpoint *ep = endpoint_lookup(h, 0, true, NULL, &err);
	if (!ep)
		return err;
	if (max_depth > EP_MAX_DEPTH)
		return -ORB_EINVAL;
	ep->limit = max_depth ? max_depth : EP_MAX_DEPTH;
	return 0;
}
