/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <kernel/types.h>

/* Print a message with the caller's location and a backtrace, then stop (QEMU: failure). */
NORETURN void panic_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)
#define assert(c)                                                      \
	do {                                                           \
		if (unlikely(!(c)))                                    \
			panic_at(__FILE__, __LINE__, "assertion failed: %s", #c); \
	} while (0)
