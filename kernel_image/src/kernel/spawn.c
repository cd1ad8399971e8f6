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

/* Copy a user ELF image into contiguous kernel frames; returns them or 0. */
static paddr_t copy_image(u64 addr, u64 len, unsigned *order)
{
	unsigned o = 0;
	while (((u64)PAGE_SIZE << o) < len)
		o++;
	paddr_t pa = frame_alloc(o);
	if (pa && copy_from_user(KERNEL_VIRT(pa), addr, len) < 0) {
		frame_free(pa, o);
		pa = 0;
	}
	*order = o;
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
		if (!(copy = copy_image(spec.image_addr, spec.image_len, &order)))
			return -ORB_ENOMEM;
		elf = KERNEL_VIRT(copy), elf_len = spec.image_len;
	}
	struct process *child = process_spawn_elf((const char *)spec.name,
						  spec.image[0] ? (const char *)spec.image : "(inline)",
						  elf, elf_len, spec.priority, me->pid, &err);
	if (copy)
		frame_free(copy, order);
	if (!child)
		return err;
	child->limits.memory_bytes = spec.memory_limit;
	child->limits.max_caps = spec.max_caps;
	child->exit_ep = exit_ep;
	child->exit_badge = exit_badge;
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
