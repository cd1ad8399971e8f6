/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User copies on x86_64: user memory is mapped in the active address space, so both
 * directions are one fault-recovering copy with SMAP opened (arch_user_copy, user.c).
 */
#pragma once

#include <kernel/types.h>

/* 0, or -1 if the copy faulted. */
int arch_user_copy(void *dst, const void *src, size_t n);

static inline int arch_copy_from_user(void *dst, u64 usrc, size_t n)
{
	return arch_user_copy(dst, (const void *)usrc, n);
}

static inline int arch_copy_to_user(u64 udst, const void *src, size_t n)
{
	return arch_user_copy((void *)udst, src, n);
}
