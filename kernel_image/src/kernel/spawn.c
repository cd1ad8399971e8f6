/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process_spawn (spec §5.9 SYS_SPAWN with a fixed-layout argument; kill is in process.c).
 * Spawning needs the root Process capability (object 0) with W; every initial capability
 * is derived from one the caller holds with GRANT, never with more rights.
 */
#include <gen/syscall_table.h>
#include <kernel/archive.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/kmsg.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/usercopy.h>
#include <memlayout.h>
#include <mm/frame.h>

#define SPAWN_MAX_CAPS 16
#define SPAWN_MAX_IMAGE (4u << 20)

static bool name_ok(const u8 *name, size_t max)
{
	size_t n = strnlen((const char *)name, max);
	if (n == 0 || n == max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return false;
	return true;
}

/* Copy a user ELF image into contiguous kernel frames, charged to the caller's memory
 * while the spawn runs; returns them or 0 (*err set). */
static paddr_t copy_image(struct process *me, u64 addr, u64 len, unsigned *order, long *err)
{
	unsigned o = 0;
	while (((u64)PAGE_SIZE << o) < len)
		o++;
	*order = o;
	if ((*err = account_charge(me, ORB_RES_MEMORY, PAGE_SIZE << o)) < 0)
		return 0;
	paddr_t pa = frame_alloc(o);
	*err = pa ? copy_from_user(KERNEL_VIRT(pa), addr, len) : -ORB_ENOMEM;
	if (*err < 0) {
		if (pa)
			frame_free(pa, o);
		account_release(me, ORB_RES_MEMORY, PAGE_SIZE << o);
		return 0;
	}
	return pa;
}

long sys_process_spawn(uint64_t spec_ptr, size_t len)
{
	struct thread *self = current();
	struct process *me = self->proc;
	orb_spawn_spec_t spec;
	if (len != sizeof(spec))
		return -ORB_EINVAL;
	int rc = copy_from_user(&spec, spec_ptr, sizeof(spec));
	if (rc < 0)
		return rc;
	long err;
	struct cap *pc = cap_lookup(me, spec.proc, ORB_OBJ_PROCESS, ORB_RIGHT_WRITE, &err);
	if (!pc)
		return err;
	if (pc->object_id != 0)
		return -ORB_EPERM;   /* only the root Process capability spawns */
	if (!name_ok(spec.name, sizeof(spec.name)) || spec.ncaps > SPAWN_MAX_CAPS)
		return -ORB_EINVAL;
	if (spec.priority < self->priority)
		return -ORB_EPERM;
	orb_spawn_cap_t caps[SPAWN_MAX_CAPS];
	if (spec.ncaps && (rc = copy_from_user(caps, spec.caps_addr, spec.ncaps * sizeof(caps[0]))) < 0)
		return rc;
	struct cap *src[SPAWN_MAX_CAPS];
	for (u32 i = 0; i < spec.ncaps; i++) {
		src[i] = cap_lookup(me, caps[i].src, 0, ORB_RIGHT_GRANT, &err);
		if (!src[i])
			return err;
		if ((caps[i].rights & ~src[i]->rights) ||
		    (caps[i].dst != ORB_CAP_NONE && caps[i].dst >= CSPACE_SLOTS))
			return caps[i].rights & ~src[i]->rights ? -ORB_EPERM : -ORB_EINVAL;
	}
	u64 exit_ep = 0, exit_badge = spec.exit_badge;
	if (spec.exit_notify != ORB_CAP_NONE) {
		struct cap *ec = cap_lookup(me, spec.exit_notify, ORB_OBJ_ENDPOINT, ORB_RIGHT_WRITE,
					    &err);
		if (!ec)
			return err;
		exit_ep = ec->object_id;
	}
	for (u32 i = 0; i < ORB_RES_COUNT; i++)
		if (spec.limits[i] > ORB_LIMIT_MAX)
			return -ORB_EINVAL;

	const u8 *elf;
	u64 elf_len;
	paddr_t copy = 0;
	unsigned order = 0;
	struct archive_file f;
	if (spec.image[0]) {
		if (!name_ok(spec.image, sizeof(spec.image)))
			return -ORB_EINVAL;
		if (!archive_find((const char *)spec.image, &f) || !(f.flags & ORB_BOOT_ENTRY_ELF))
			return -ORB_ENOENT;
		elf = f.data, elf_len = f.size;
	} else {
		if (!spec.image_len || spec.image_len > SPAWN_MAX_IMAGE ||
		    !user_range_ok(spec.image_addr, spec.image_len))
			return -ORB_EINVAL;
		if (!(copy = copy_image(me, spec.image_addr, spec.image_len, &order, &err)))
			return err;
		elf = KERNEL_VIRT(copy), elf_len = spec.image_len;
	}
	/* The exit notice is paid for now, so that the child's end is never lost. */
	struct kmsg *notice = exit_ep ? kmsg_notice_reserve(me) : NULL;
	struct process *child = exit_ep && !notice ? NULL :
		process_spawn_elf((const char *)spec.name,
				  spec.image[0] ? (const char *)spec.image : "(inline)",
				  elf, elf_len, spec.priority, me->pid, me, spec.limits, &err);
	if (copy) {
		frame_free(copy, order);
		account_release(me, ORB_RES_MEMORY, PAGE_SIZE << order);
	}
	if (!child) {
		if (notice)
			kmsg_free(notice);
		return notice || !exit_ep ? err : -ORB_ENOMEM;
	}
	child->exit_ep = exit_ep;
	child->exit_badge = exit_badge;
	child->exit_notice = notice;
	for (u32 i = 0; i < spec.ncaps; i++) {
		long h = cap_derive_into(child, src[i], caps[i].rights, caps[i].badge, 0,
					 caps[i].dst == ORB_CAP_NONE ? -1 : (int)caps[i].dst);
		if (h < 0) {
			process_exit(child, -1, EXIT_KILLED);
			return h;
		}
	}
	return child->pid;
}
