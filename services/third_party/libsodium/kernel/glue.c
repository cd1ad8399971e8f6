/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the kernel's part of libsodium (lock.toml `kernel_sources`: Ed25519 signing,
 * SHA-512, BLAKE2b, sodium/utils.c) needs from a C library and from the rest of
 * libsodium. The kernel only signs and hashes: it never allocates through the library
 * and never asks it for random bytes (its keys come from the machine secret, D247), so
 * each of these is a loud stop, not an implementation — reaching one is a kernel bug.
 * memcpy, memmove and memset are the kernel's own.
 */
#include <kernel/panic.h>
#include <kernel/types.h>

int errno;

NORETURN void abort(void);
void *malloc(size_t n);
void free(void *p);
void randombytes_buf(void *buf, size_t n);
NORETURN void sodium_misuse(void);
NORETURN void __orb_assert_fail(const char *expr, const char *file, int line);

NORETURN void abort(void)
{
	panic("libsodium: abort()");
}

void *malloc(size_t n)
{
	panic("libsodium: malloc(%lu) in the kernel", (unsigned long)n);
}

void free(void *p)
{
	if (p)
		panic("libsodium: free(%p) in the kernel", p);
}

void randombytes_buf(void *buf, size_t n)
{
	panic("libsodium: randombytes_buf(%lu) in the kernel", (unsigned long)n);
}

NORETURN void sodium_misuse(void)
{
	panic("libsodium: misuse");
}

NORETURN void __orb_assert_fail(const char *expr, const char *file, int line)
{
	panic("libsodium: assertion '%s' failed at %s:%d", expr, file, line);
}
