/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/arch.h>
#include <kernel/usercopy.h>
#include <memlayout.h>
#include <orbital/abi.h>

bool user_range_ok(u64 uaddr, size_t n)
{
	return uaddr < USER_TOP && n <= USER_TOP - uaddr;
}

int copy_from_user(void *dst, u64 usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -ORB_EINVAL;
	return n && arch_copy_from_user(dst, usrc, n) ? -ORB_EINVAL : 0;
}

int copy_to_user(u64 udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -ORB_EINVAL;
	return n && arch_copy_to_user(udst, src, n) ? -ORB_EINVAL : 0;
}
