/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel console: every byte of printk goes to the arch console (COM1). */
#include <arch/arch.h>
#include <kernel/printk.h>

void console_write(const char *s, size_t n)
{
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
