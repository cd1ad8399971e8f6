/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability syscalls (spec §1.8 with the derivation tree): grant, derive, copy,
 * move, delete, revoke, inspect, list. Every one looks the handle up with the checks of
 * spec §1.7 and changes CSpaces only through cap.c, which writes the commits.
 */
#include <gen/syscall_table.h>
#include <kernel/cap.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/usercopy.h>

static struct process *self(void)
{
	return current()->proc;
}

static bool rights_ok(u32 rights)
{
	return !(rights & ~ORB_RIGHTS_ALL);
}

long sys_cap_grant(orb_cptr_t slot, uint32_t to_pid, uint8_t rights)
{
	long err;
	struct cap *c = cap_lookup(self(), slot, 0, ORB_RIGHT_GRANT, &err);
	if (!c)
		return err;
	if (!rights_ok(rights))
		return -ORB_EINVAL;
	struct process *to = process_by_pid(to_pid);
	if (!to)
		return -ORB_ENOENT;
	return cap_derive_into(to, c, rights & c->rights, 0, 0, -1);
}

long sys_cap_derive(orb_cptr_t slot, uint8_t rights, uint64_t badge, uint64_t expires_at)
{
	long err;
	struct cap *c = cap_lookup(self(), slot, 0, 0, &err);
	if (!c)
		return err;
	if (!rights_ok(rights))
		return -ORB_EINVAL;
	if (rights & ~c->rights)
		return -ORB_EPERM;   /* amplification */
	if (badge && c->badge && badge != c->badge)
		return -ORB_EPERM;   /* a badge, once set, is fixed */
	return cap_derive_into(self(), c, rights, badge, expires_at, -1);
}

long sys_cap_copy(orb_cptr_t slot)
{
	long err;
	struct cap *c = cap_lookup(self(), slot, 0, 0, &err);
	return c ? cap_derive_into(self(), c, c->rights, 0, 0, -1) : err;
}

long sys_cap_move(orb_cptr_t slot, uint32_t to_pid)
{
	long err;
	struct cap *c = cap_lookup(self(), slot, 0, ORB_RIGHT_GRANT, &err);
	if (!c)
		return err;
	struct process *to = process_by_pid(to_pid);
	if (!to)
		return -ORB_ENOENT;
	if (to == self())
		return -ORB_EINVAL;
	struct cap tmp;
	cap_detach(c, &tmp);
	long h = cap_attach(to, &tmp, -1);
	if (h < 0) {
		/* No room there: put it back where it was. */
		long back = cap_attach(self(), &tmp, (int)orb_cptr_get_slot(slot));
		if (back < 0)
			cap_drop_detached(&tmp);
	}
	return h;
}

long sys_cap_delete(orb_cptr_t slot)
{
	long err;
	struct cap *c = cap_lookup_slot(self(), slot, &err);
	if (!c)
		return err;
	cap_remove(c);
	return 0;
}

long sys_cap_revoke(orb_cptr_t slot)
{
	long err;
	struct cap *c = cap_lookup(self(), slot, 0, ORB_RIGHT_GRANT, &err);
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
	struct cap *c = cap_lookup_slot(self(), slot, &err);
	if (!c)
		return err;
	orb_cap_info_t info;
	fill_info(c, &info);
	return copy_to_user(buf, &info, sizeof(info));
}

long sys_cap_list(uint64_t buf, size_t len)
{
	struct cspace *cs = self()->cspace;
	size_t fit = len / sizeof(orb_cap_info_t), n = 0;
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
