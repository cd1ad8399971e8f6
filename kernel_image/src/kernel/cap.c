/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities: lookup with the spec's checks, creation, derivation, removal, revocation
 * and movement between CSpaces and messages.
 *
 * Invariants kept here:
 *  - a capability's rights are a subset of its parent's (derive only narrows);
 *  - every capability is on its object's list, so an object's death removes them all;
 *  - a slot's generation changes whenever it is emptied, so old handles go stale;
 *  - each insertion and removal in a CSpace is one CommitLog entry (Axiom).
 * Work per call is bounded: lookups are O(1); derive and remove are O(children);
 * revoke removes at most a budget of descendants and reports whether more remain.
 *
 * Syscalls here (at the end of the file): cap_grant, cspace_open, cap_derive, cap_copy,
 * cap_move, cap_delete, cap_revoke, cap_inspect, cap_list.
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/panic.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/usercopy.h>
#include <memlayout.h>
#include <mm/frame.h>

#define CSPACE_ORDER 3   /* 32 KiB of frames per CSpace */
_Static_assert(sizeof(struct cspace) <= (PAGE_SIZE << CSPACE_ORDER), "cspace size");

static u64 next_cap_id = 1;

u64 cap_next_id(void)
{
	return next_cap_id;
}

int cspace_create(struct process *p)
{
	if (account_charge(p, ORB_RES_MEMORY, PAGE_SIZE << CSPACE_ORDER) < 0)
		return -ORB_ENOMEM;
	paddr_t pa = frame_alloc(CSPACE_ORDER);
	if (!pa) {
		account_release(p, ORB_RES_MEMORY, PAGE_SIZE << CSPACE_ORDER);
		return -ORB_ENOMEM;
	}
	p->cspace = KERNEL_VIRT(pa);
	return 0;
}

orb_cptr_t cap_handle(const struct cap *c)
{
	const struct cspace *cs = c->holder->cspace;
	return orb_cptr_new(c->slot, cs->gen[c->slot]);
}

struct cap *cap_lookup(struct process *p, orb_cptr_t h, u8 type, u8 rights, long *err)
{
	struct cap *c = cap_lookup_slot(p, h, err);
	if (!c)
		return NULL;
	if (type && c->type != type) {
		*err = -ORB_EBADF;
		return NULL;
	}
	if ((c->rights & rights) != rights ||
	    (c->expires_at && arch_now_ns() > c->expires_at)) {
		*err = -ORB_EPERM;
		return NULL;
	}
	return c;
}

struct cap *cap_lookup_slot(struct process *p, orb_cptr_t h, long *err)
{
	u32 slot = orb_cptr_get_slot(h);
	struct cspace *cs = p->cspace;
	if (slot >= CSPACE_SLOTS || !cs) {
		*err = -ORB_EBADF;
		return NULL;
	}
	if (orb_cptr_get_gen(h) != cs->gen[slot]) {
		*err = -ORB_ESTALE;
		return NULL;
	}
	if (!cs->slot[slot].id) {
		*err = -ORB_EBADF;
		return NULL;
	}
	return &cs->slot[slot];
}

long cap_lookup_process(struct process *p, orb_cptr_t h, u8 rights, struct process **out)
{
	long err;
	struct cap *c = cap_lookup(p, h, ORB_OBJ_PROCESS, rights, &err);
	if (!c)
		return err;
	if (c->object_id == 0)
		return 0;   /* the root capability: any process (the caller resolves which) */
	struct process *target = process_by_pid((u32)c->object_id);
	if (!target)
		return -ORB_ENOENT;
	*out = target;
	return 0;
}

static int free_slot(struct process *p, int want)
{
	struct cspace *cs = p->cspace;
	if (!cs || !account_fits(p, ORB_RES_CAPS, 1))
		return -ORB_ENOMEM;
	if (want >= 0)
		return want < CSPACE_SLOTS && !cs->slot[want].id ? want :
		       want < CSPACE_SLOTS ? -ORB_EEXIST : -ORB_EBADF;
	for (int i = 0; i < CSPACE_SLOTS; i++)
		if (!cs->slot[i].id)
			return i;
	return -ORB_ENOMEM;
}

static void obj_link(struct cap *c)
{
	if (!c->obj)
		return;
	c->obj_prev = NULL;
	c->obj_next = c->obj->caps;
	if (c->obj_next)
		c->obj_next->obj_prev = c;
	c->obj->caps = c;
}

static void obj_unlink(struct cap *c)
{
	if (!c->obj)
		return;
	if (c->obj_prev)
		c->obj_prev->obj_next = c->obj_next;
	else
		c->obj->caps = c->obj_next;
	if (c->obj_next)
		c->obj_next->obj_prev = c->obj_prev;
	c->obj_next = c->obj_prev = NULL;
}

static void tree_link(struct cap *c, struct cap *parent)
{
	c->parent = parent;
	c->prev_sib = NULL;
	c->next_sib = parent ? parent->child : NULL;
	if (c->next_sib)
		c->next_sib->prev_sib = c;
	if (parent)
		parent->child = c;
}

static void tree_unlink(struct cap *c)
{
	if (c->prev_sib)
		c->prev_sib->next_sib = c->next_sib;
	else if (c->parent)
		c->parent->child = c->next_sib;
	if (c->next_sib)
		c->next_sib->prev_sib = c->prev_sib;
	c->parent = c->next_sib = c->prev_sib = NULL;
}

/* Move the record at `from` to `to`, fixing every pointer that named it. O(children). */
static void relocate(struct cap *from, struct cap *to)
{
	*to = *from;
	if (to->prev_sib)
		to->prev_sib->next_sib = to;
	else if (to->parent)
		to->parent->child = to;
	if (to->next_sib)
		to->next_sib->prev_sib = to;
	for (struct cap *ch = to->child; ch; ch = ch->next_sib)
		ch->parent = to;
	if (to->obj_prev)
		to->obj_prev->obj_next = to;
	else if (to->obj)
		to->obj->caps = to;
	if (to->obj_next)
		to->obj_next->obj_prev = to;
	memset(from, 0, sizeof(*from));
}

static long insert(struct process *p, int slot, struct cap *c)
{
	struct cspace *cs = p->cspace;
	c->holder = p;
	c->slot = (u32)slot;
	cs->live++;
	account_charge(p, ORB_RES_CAPS, 1);   /* free_slot checked that it fits */
	axiom_cap_inserted(p->pid, (u32)slot, c);
	return cap_handle(c);
}

long cap_create_obj(struct process *p, u8 type, u64 object_id, u8 rights, struct kobj *obj,
		    int want_slot)
{
	int slot = free_slot(p, want_slot);
	if (slot < 0)
		return slot;
	struct cap *c = &p->cspace->slot[slot];
	*c = (struct cap){ .id = next_cap_id++, .type = type, .object_id = object_id,
			   .rights = rights, .obj = obj };
	obj_link(c);
	return insert(p, slot, c);
}

long cap_create(struct process *p, u8 type, u64 object_id, u8 rights)
{
	return cap_create_obj(p, type, object_id, rights, NULL, -1);
}

long cap_derive_into(struct process *p, struct cap *src, u8 rights, u64 badge, u64 expires_at,
		     int want_slot)
{
	if (rights & ~src->rights)
		return -ORB_EPERM;   /* never more than the source */
	if (src->depth + 1 >= CAP_MAX_DEPTH)
		return -ORB_ENOMEM;
	if (src->expires_at && (!expires_at || expires_at > src->expires_at))
		expires_at = src->expires_at;   /* a child never outlives its source */
	int slot = free_slot(p, want_slot);
	if (slot < 0)
		return slot;
	struct cap *c = &p->cspace->slot[slot];
	*c = (struct cap){
		.id = next_cap_id++, .type = src->type, .object_id = src->object_id,
		.rights = rights, .badge = badge ? badge : src->badge, .expires_at = expires_at,
		.generation = src->generation, .depth = src->depth + 1, .obj = src->obj,
		.parent_id = src->id,
	};
	tree_link(c, src);
	obj_link(c);
	return insert(p, slot, c);
}

/* Children of c move up to c's parent, keeping revocation of ancestors complete. */
static void reparent_children(struct cap *c)
{
	for (int guard = 0; c->child && guard < CSPACE_SLOTS * 64; guard++) {
		struct cap *ch = c->child;
		tree_unlink(ch);
		tree_link(ch, c->parent);
		ch->parent_id = c->parent ? c->parent->id : 0;
	}
}

void cap_remove(struct cap *c)
{
	reparent_children(c);
	tree_unlink(c);
	obj_unlink(c);
	struct process *p = c->holder;
	struct kobj *obj = c->obj;
	if (p) {
		axiom_cap_removed(p->pid, c->slot);
		cspace_next_gen(p->cspace, c->slot);
		p->cspace->live--;
		account_release(p, ORB_RES_CAPS, 1);
	}
	memset(c, 0, sizeof(*c));
	if (obj && !obj->caps && obj->unreferenced)
		obj->unreferenced(obj);
}

u32 cap_revoke_descendants(struct cap *c, u32 budget, bool *more)
{
	u32 n = 0;
	while (c->child && n < budget) {
		struct cap *d = c->child;
		for (int depth = 0; d->child && depth < CAP_MAX_DEPTH; depth++)
			d = d->child;   /* a leaf: removing it moves nothing */
		cap_remove(d);
		n++;
	}
	*more = c->child != NULL;
	return n;
}

void cap_remove_all_to(struct kobj *obj)
{
	while (obj->caps)
		cap_remove(obj->caps);
}

void cap_detach(struct cap *c, struct cap *dst)
{
	struct process *p = c->holder;
	u32 slot = c->slot;
	axiom_cap_removed(p->pid, slot);
	cspace_next_gen(p->cspace, slot);
	p->cspace->live--;
	account_release(p, ORB_RES_CAPS, 1);
	relocate(c, dst);
	dst->holder = NULL;
}

long cap_attach(struct process *p, struct cap *c, int want_slot)
{
	int slot = free_slot(p, want_slot);
	if (slot < 0)
		return slot;
	struct cap *dst = &p->cspace->slot[slot];
	relocate(c, dst);
	return insert(p, slot, dst);
}

void cap_drop_detached(struct cap *c)
{
	if (!c->id)
		return;   /* revoked while in flight */
	reparent_children(c);
	tree_unlink(c);
	obj_unlink(c);
	memset(c, 0, sizeof(*c));
}

void cspace_destroy(struct process *p)
{
	struct cspace *cs = p->cspace;
	if (!cs)
		return;
	for (int i = 0; i < CSPACE_SLOTS; i++)
		if (cs->slot[i].id)
			cap_remove(&cs->slot[i]);
	frame_free(KERNEL_PHYS_OF(cs), CSPACE_ORDER);
	account_release(p, ORB_RES_MEMORY, PAGE_SIZE << CSPACE_ORDER);
	p->cspace = NULL;
}

/* ---- syscalls: cap_grant, cspace_open, derive, copy, move, delete, revoke, inspect, list */

static bool rights_ok(u32 rights)
{
	return !(rights & ~ORB_RIGHTS_ALL);
}

/*
 * Consent (D105): a capability enters another process only by a message the receiver
 * takes, or through a CSPACE capability to that process, which only its parent can
 * make (cspace_open) and hand on. Holding GRANT on a capability is not enough: that
 * right says the capability may leave its holder, not where it may go.
 */
static struct process *cspace_target(orb_cptr_t to, long *err)
{
	struct cap *c = cap_lookup(current_process(), to, ORB_OBJ_CSPACE, ORB_RIGHT_WRITE, err);
	return c ? container_of(c->obj, struct process, kobj) : NULL;
}

long sys_cap_grant(orb_cptr_t slot, orb_cptr_t to, uint8_t rights)
{
	long err;
	struct cap *c = cap_lookup(current_process(), slot, 0, ORB_RIGHT_GRANT, &err);
	if (!c)
		return err;
	if (!rights_ok(rights))
		return -ORB_EINVAL;
	struct process *target = cspace_target(to, &err);
	if (!target)
		return err;
	return cap_derive_into(target, c, rights & c->rights, 0, 0, -1);
}

long sys_cspace_open(uint32_t pid)
{
	struct process *me = current_process(), *child = process_by_pid(pid);
	if (!child || child->state != P_ALIVE)
		return -ORB_ENOENT;
	if (child->parent != me->pid || child == me)
		return -ORB_EPERM;   /* only the parent may put capabilities into it */
	return cap_create_obj(me, ORB_OBJ_CSPACE, pid, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT,
			      &child->kobj, -1);
}

long sys_cap_derive(orb_cptr_t slot, uint8_t rights, uint64_t badge, uint64_t expires_at)
{
	long err;
	struct cap *c = cap_lookup(current_process(), slot, 0, 0, &err);
	if (!c)
		return err;
	if (!rights_ok(rights))
		return -ORB_EINVAL;
	if (rights & ~c->rights)
		return -ORB_EPERM;   /* amplification */
	if (badge && c->badge && badge != c->badge)
		return -ORB_EPERM;   /* a badge, once set, is fixed */
	return cap_derive_into(current_process(), c, rights, badge, expires_at, -1);
}

long sys_cap_copy(orb_cptr_t slot)
{
	long err;
	struct cap *c = cap_lookup(current_process(), slot, 0, 0, &err);
	return c ? cap_derive_into(current_process(), c, c->rights, 0, 0, -1) : err;
}

long sys_cap_move(orb_cptr_t slot, orb_cptr_t to_cspace)
{
	long err;
	struct cap *c = cap_lookup(current_process(), slot, 0, ORB_RIGHT_GRANT, &err);
	if (!c)
		return err;
	struct process *to = cspace_target(to_cspace, &err);
	if (!to)
		return err;
	if (to == current_process())
		return -ORB_EINVAL;
	if (c->type == ORB_OBJ_CSPACE && c->obj == &to->kobj)
		return -ORB_EINVAL;   /* its own CSpace capability: it would vanish with the move */
	struct cap tmp;
	cap_detach(c, &tmp);
	long h = cap_attach(to, &tmp, -1);
	if (h < 0) {
		/* No room there: put it back where it was. */
		long back = cap_attach(current_process(), &tmp, (int)orb_cptr_get_slot(slot));
		if (back < 0)
			cap_drop_detached(&tmp);
	}
	return h;
}

long sys_cap_delete(orb_cptr_t slot)
{
	long err;
	struct cap *c = cap_lookup_slot(current_process(), slot, &err);
	if (!c)
		return err;
	cap_remove(c);
	return 0;
}

long sys_cap_revoke(orb_cptr_t slot)
{
	long err;
	struct cap *c = cap_lookup(current_process(), slot, 0, ORB_RIGHT_GRANT, &err);
	if (!c)
		return err;
	bool more;
	u32 n = cap_revoke_descendants(c, REVOKE_BUDGET, &more);
	return more ? (long)n : 0;
}

static void fill_info(const struct cap *c, orb_cap_info_t *i)
{
	*i = (orb_cap_info_t){ .object_type = c->type, .rights = c->rights, .slot = cap_handle(c),
			       .object_id = c->object_id, .cap_id = c->id,
			       .generation = c->generation, .expires_at = c->expires_at,
			       .badge = c->badge };
}

long sys_cap_inspect(orb_cptr_t slot, uint64_t buf)
{
	long err;
	struct cap *c = cap_lookup_slot(current_process(), slot, &err);
	if (!c)
		return err;
	orb_cap_info_t info;
	fill_info(c, &info);
	return copy_to_user(buf, &info, sizeof(info));
}

long sys_cap_list(uint64_t buf, size_t len)
{
	struct cspace *cs = current_process()->cspace;
	size_t fit = len / sizeof(orb_cap_info_t), n = 0;
	int ok = user_writable(buf, MIN(fit, (size_t)cs->live) * sizeof(orb_cap_info_t));
	if (ok < 0)
		return ok;   /* nothing written */
	for (u32 i = 0; i < CSPACE_SLOTS; i++) {
		if (!cs->slot[i].id)
			continue;
		if (n < fit) {
			orb_cap_info_t info;
			fill_info(&cs->slot[i], &info);
			int rc = copy_to_user(buf + n * sizeof(info), &info, sizeof(info));
			if (rc < 0)
				return rc;
		}
		n++;
	}
	return (long)n;
}
