/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copies between the kernel and the calling process's memory, all or nothing (D107).
 *
 * A copy first checks every page of the user range in the active address space: mapped,
 * user, and writable when the kernel writes to it. Only then does it copy, so a range
 * that straddles an unmapped or read-only page leaves the user's memory untouched and
 * the call fails with -ORB_EINVAL, where a bare copy would have written the bytes before
 * the hole. The arch copy still recovers from a fault (a page another thread of the same
 * process could not have removed in between: the kernel does not run two syscalls at
 * once), so a check that missed something costs an error, never a kernel fault.
 * Handlers that write several records check the whole range with user_writable() before
 * the first one.
 */
#include <arch/arch.h>
#include <kernel/usercopy.h>
#include <memlayout.h>
#include <mm/vm.h>
#include <orbital/abi.h>

bool user_range_ok(u64 uaddr, size_t n)
{
	return uaddr < USER_TOP && n <= USER_TOP - uaddr;
}

/* Every page of [uaddr, uaddr + n) mapped for user mode, and writable if `write`. */
static int user_pages_ok(u64 uaddr, size_t n, bool write)
{
	if (!user_range_ok(uaddr, n))
		return -ORB_EINVAL;
	if (!n)
		return 0;
	const struct vspace *vs = vm_current();
	if (!vs)
		return -ORB_EINVAL;   /* no user address space is active */
	for (u64 va = ALIGN_DOWN(uaddr, PAGE_SIZE); va < uaddr + n; va += PAGE_SIZE) {
		unsigned prot;
		if (!vm_query(vs, va, NULL, &prot) || !(prot & VM_USER) ||
		    (write && !(prot & VM_WRITE)))
			return -ORB_EINVAL;
	}
	return 0;
}

int user_writable(u64 uaddr, size_t n)
{
	return n ? user_pages_ok(uaddr, n, true) : 0;
}

int copy_from_user(void *dst, u64 usrc, size_t n)
{
	int rc = user_pages_ok(usrc, n, false);
	if (rc < 0)
		return rc;
	return n && arch_copy_from_user(dst, usrc, n) ? -ORB_EINVAL : 0;
}

int copy_to_user(u64 udst, const void *src, size_t n)
{
	int rc = user_pages_ok(udst, n, true);
	if (rc < 0)
		return rc;
	return n && arch_copy_to_user(udst, src, n) ? -ORB_EINVAL : 0;
}
