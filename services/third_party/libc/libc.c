/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C library functions third-party code calls that liborbital does not name the
 * standard way: the heap, abort and assert, errno, and two string searches. Linked only
 * into programs that link a third-party library (after it, before liborbital).
 */
#include <orbital.h>

#include <assert.h>
#include <errno.h>
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
