/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital.h>

int orb_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	orb_debug_write(buf, (size_t)n);
	return n;
}

void orb_puts(const char *s)
{
	orb_debug_write(s, strlen(s));
}
