/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C library functions third-party code calls that liborbital does not name the
 * standard way: the heap, abort and assert, errno, two string searches and the number
 * conversions. Linked only into programs that link a third-party library (after it,
 * before liborbital).
 */
#include <orbital.h>

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

int errno;

void *malloc(size_t n)
{
	return orb_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return orb_calloc(n, size);
}

void free(void *p)
{
	orb_free(p);
}

__attribute__((noreturn)) void abort(void)
{
	orb_printf("pid %u: abort() called by a library\n", orb_pid());
	orb_exit_process(134);
}

__attribute__((noreturn)) void __orb_assert_fail(const char *expr, const char *file, int line)
{
	orb_printf("pid %u: assertion failed: %s (%s:%d)\n", orb_pid(), expr, file, line);
	orb_exit_process(134);
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* The magnitude of the number at s (after space and a sign, which *negative reports), in
 * base (0: by prefix); *end past its last digit, or s itself when there is none. */
static unsigned long parse_magnitude(const char *s, char **end, int base, bool *negative,
				     bool *overflow)
{
	const char *p = s;
	*negative = *overflow = false;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		*negative = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	unsigned long v = 0;
	const char *first = p;
	if (base >= 2 && base <= 36) {
		for (int d; (d = digit_value(*p)) < base; p++) {
			if (v > (ULONG_MAX - (unsigned long)d) / (unsigned long)base)
				*overflow = true;
			else
				v = v * (unsigned long)base + (unsigned long)d;
		}
	}
	if (end)
		*end = (char *)(p == first ? s : p);
	return v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	bool negative, overflow;
	unsigned long v = parse_magnitude(s, end, base, &negative, &overflow);
	if (overflow) {
		errno = ERANGE;
		return ULONG_MAX;
	}
	return negative ? -v : v;
}

long strtol(const char *s, char **end, int base)
{
	bool negative, overflow;
	unsigned long v = parse_magnitude(s, end, base, &negative, &overflow);
	unsigned long limit = negative ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
	if (overflow || v > limit) {
		errno = ERANGE;
		return negative ? LONG_MIN : LONG_MAX;
	}
	return negative ? (long)(0 - v) : (long)v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
