/* SPDX-License-Identifier: Apache-2.0 */
/* Moving bytes across the user/kernel boundary: validated range, fault recovery. */
#pragma once

#include <kernel/types.h>

/* 0 or -ORB_EINVAL (range not entirely user space, or not mapped with the rights). */
int copy_from_user(void *dst, u64 usrc, size_t n);
int copy_to_user(u64 udst, const void *src, size_t n);
/* True when [uaddr, uaddr+n) lies in user space (no wrap-around). */
bool user_range_ok(u64 uaddr, size_t n);
