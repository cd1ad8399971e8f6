/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPC syscalls: endpoint and notification creation, send, receive, call, reply,
 * reply-and-receive (the slow path; fastpath.c takes the common call/reply_recv first),
 * and notification signal/wait/poll.
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

static struct process *self(void)
{
	return current()->proc;
}

long sys_endpoint_create(void)
{
	struct endpoint *ep = endpoint_create(self());
	if (!ep)
		return -ORB_ENOMEM;
	long h = cap_create_obj(self(), ORB_OBJ_ENDPOINT, ep->id, ORB_RIGHTS_ALL, &ep->kobj, -1);
	if (h < 0) {
		endpoint_destroy(ep);
		return h;
	}
	return (long)((ep->id << 32) | (u64)h);
}

/* The endpoint behind a handle, with `rights`; destroying also needs ownership. */
static struct endpoint *lookup_ep(orb_cptr_t h, u8 rights, bool owner, u64 *badge, long *err)
{
	struct cap *c = cap_lookup(self(), h, ORB_OBJ_ENDPOINT, rights, err);
	if (!c)
		return NULL;
	struct endpoint *ep = container_of(c->obj, struct endpoint, kobj);
	if (owner && ep->owner != self()) {
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
	struct endpoint *ep = lookup_ep(h, 0, true, NULL, &err);
	if (!ep)
		return err;
	endpoint_destroy(ep);
	return 0;
}

long sys_endpoint_limit(orb_cptr_t h, uint32_t max_depth)
{
	long err;
	struct endpoint *ep = lookup_ep(h, 0, true, NULL, &err);
	if (!ep)
		return err;
	if (max_depth > EP_MAX_DEPTH)
		return -ORB_EINVAL;
	ep->limit = max_depth ? max_depth : EP_MAX_DEPTH;
	return 0;
}

long sys_endpoint_send(orb_cptr_t h, orb_msginfo_t info, uint64_t mr0, uint64_t mr1,
		       uint64_t mr2, uint64_t mr3)
{
	long err;
	u64 badge;
	struct endpoint *ep = lookup_ep(h, ORB_RIGHT_WRITE, false, &badge, &err);
	return ep ? ipc_send(current(), ep, badge, info, false) : err;
}

long sys_endpoint_call(orb_cptr_t h, orb_msginfo_t info, uint64_t mr0, uint64_t mr1,
		       uint64_t mr2, uint64_t mr3, struct syscall_frame *f)
{
	long err;
	u64 badge;
	struct endpoint *ep = lookup_ep(h, ORB_RIGHT_WRITE, false, &badge, &err);
	return ep ? ipc_send(f->t, ep, badge, info, true) : err;
}

long sys_endpoint_receive(orb_cptr_t h, struct syscall_frame *f)
{
	long err;
	struct endpoint *ep = lookup_ep(h, ORB_RIGHT_READ, false, NULL, &err);
	return ep ? ipc_receive(f->t, ep, false, 0) : err;
}

long sys_endpoint_receive_wait(orb_cptr_t h, uint64_t timeout_ns, struct syscall_frame *f)
{
	long err;
	struct endpoint *ep = lookup_ep(h, ORB_RIGHT_READ, false, NULL, &err);
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
	struct endpoint *ep = lookup_ep(h, ORB_RIGHT_READ, false, NULL, &err);
	if (!ep)
		return err;
	if (f->t->reply_to) {
		long rc = ipc_reply(f->t, info);
		if (rc < 0 && rc != -ORB_ENOENT)
			return rc;   /* a malformed reply is the caller's error; a gone caller is not */
	}
	return ipc_receive(f->t, ep, true, 0);
}

long sys_notification_create(void)
{
	struct notification *n = notification_create(self());
	if (!n)
		return -ORB_ENOMEM;
	return cap_create_obj(self(), ORB_OBJ_NOTIFICATION, n->id, ORB_RIGHTS_ALL, &n->kobj, -1);
}

static struct notification *lookup_ntfn(orb_cptr_t h, u8 rights, long *err)
{
	struct cap *c = cap_lookup(self(), h, ORB_OBJ_NOTIFICATION, rights, err);
	return c ? container_of(c->obj, struct notification, kobj) : NULL;
}

long sys_notification_signal(orb_cptr_t h, uint64_t bits)
{
	long err;
	struct notification *n = lookup_ntfn(h, ORB_RIGHT_WRITE, &err);
	if (!n)
		return err;
	if (bits >> 63)
		return -ORB_EINVAL;
	notification_signal(n, bits);
	return 0;
}

long sys_notification_poll(orb_cptr_t h)
{
	long err;
	struct notification *n = lookup_ntfn(h, ORB_RIGHT_READ, &err);
	if (!n)
		return err;
	u64 b = n->bits;
	n->bits = 0;
	return (long)b;
}

long sys_notification_wait(orb_cptr_t h, uint64_t timeout_ns)
{
	long err;
	struct notification *n = lookup_ntfn(h, ORB_RIGHT_READ, &err);
	if (!n)
		return err;
	if (n->bits) {
		u64 b = n->bits;
		n->bits = 0;
		return (long)b;
	}
	struct thread *t = current();
	waitq_push(&n->waiters, t);
	sched_block(t, W_NOTIFY, &n->waiters, sched_deadline(timeout_ns));
	return SYSCALL_NORESULT;
}
