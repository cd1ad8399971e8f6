/* SPDX-License-Identifier: Apache-2.0 */
/* The cycle counter, inline: it is read on every syscall (SysLog, CPU accounting). */
#pragma once

#include <kernel/types.h>

static inline u64 arch_cycles(void)
{
	u32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}
