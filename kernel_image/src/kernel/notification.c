/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notifications: a word of signal bits. Signalling ORs bits in and wakes one waiter, which
 * takes and clears the whole word, so events coalesce and nothing is allocated. An IRQ
 * line can be bound to one. A notification lives while a capability names it, and goes
 * with its owner.
 *
 * Syscalls here: notification_create, notification_signal, notification_poll,
 * notification_wait.
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

static struct slab notification_slab = SLAB_INIT("notification", struct notification, MAX_OBJECTS);
static struct notification *all_notifications[MAX_OBJECTS];
static u64 next_nid = 1;

/* A notification lives while some capability names it. */
static void notification_unreferenced(struct kobj *obj)
{
	notification_destroy(container_of(obj, struct notification, kobj));
}

struct notification *notification_create(struct process *owner)
{
	if (account_charge(owner, ORB_RES_NOTIFICATIONS, 1) < 0)
		return NULL;
	struct notification *n = slab_alloc(&notification_slab);
	if (!n || !objtable_put((void **)all_notifications, n)) {
		if (n)
			slab_free(&notification_slab, n);
		account_release(owner, ORB_RES_NOTIFICATIONS, 1);
		return NULL;
	}
	n->id = next_nid++;
	n->owner = owner;
	n->kobj.unreferenced = notification_unreferenced;
	n->owner_next = owner->notifications;
	owner->notifications = n;
	axiom_notification_created(n->id, owner->pid);
	return n;
}

void notification_destroy(struct notification *n)
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
	objtable_drop((void **)all_notifications, n);
	axiom_notification_destroyed(n->id);
	account_release(n->owner, ORB_RES_NOTIFICATIONS, 1);
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

struct notification *notification_next(u64 after)
{
	return objtable_next((void *const *)all_notifications, after,
			     offsetof(struct notification, id));
}

u64 notification_next_id(void)
{
	return next_nid;
}

/* ---- syscalls: notification_create, signal, poll, wait ---- */

long sys_notification_create(void)
{
	struct notification *n = notification_create(current_process());
	if (!n)
		return -ORB_ENOMEM;
	long h = cap_create_obj(current_process(), ORB_OBJ_NOTIFICATION, n->id, ORB_RIGHTS_ALL,
				&n->kobj, -1);
	if (h < 0)
		notification_destroy(n);   /* never named: it would live until its owner dies */
	return h;
}

static struct notification *lookup_ntfn(orb_cptr_t h, u8 rights, long *err)
{
	struct cap *c = cap_lookup(current_process(), h, ORB_OBJ_NOTIFICATION, rights, err);
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
