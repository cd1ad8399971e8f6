/* SPDX-License-Identifier: Apache-2.0 */
/* Moving bytes across the user/kernel boundary: validated range, fault recovery. */
#pragma once

#include <kernel/types.h>

/* 0 or -ORB_EINVAL (range not entirely user space, or not mapped with the rights); on
 * an error nothing was copied: every page is checked before the first byte moves. */
int copy_from_user(void *dst, u64 usrc, size_t n);
int copy_to_user(u64 udst, const void *src, size_t n);
/* 0 when every page of [uaddr, uaddr+n) is writable user memory, else -ORB_EINVAL: what a
 * handler writing several records checks before the first (all or nothing). */
int user_writable(u64 uaddr, size_t n);
/* True when [uaddr, uaddr+n) lies in user space (no wrap-around). */
bool user_range_ok(u64 uaddr, size_t n);
