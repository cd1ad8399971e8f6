/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel console: every byte of printk goes to the arch console (COM1).
 *
 * Console text never overtakes the commits made before it: each write first flushes
 * Axiom's queued commits to the debugcon stream, so whoever reads a line on the console
 * (a test, a person watching a boot) finds the commits behind it already in the log.
 *
 * Syscall here: debug_write.
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/usercopy.h>

void console_write(const char *s, size_t n)
{
	axiom_idle();
	for (size_t i = 0; i < n; i++)
		arch_console_putc(s[i]);
}

void printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* ---- syscall: debug_write ---- */

#define DEBUG_WRITE_MAX 4096

long sys_debug_write(uint64_t buf, size_t len)
{
	if (len > DEBUG_WRITE_MAX || !user_range_ok(buf, len))
		return -ORB_EINVAL;
	char chunk[256];
	for (size_t done = 0; done < len;) {
		size_t n = MIN(sizeof(chunk), len - done);
		if (copy_from_user(chunk, buf + done, n) < 0)
			return done ? (long)done : -ORB_EINVAL;
		console_write(chunk, n);
		done += n;
	}
	return (long)len;
}
