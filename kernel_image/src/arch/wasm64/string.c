/* SPDX-License-Identifier: Apache-2.0 */
/* memcpy and memset on wasm64: plain loops (clang 14's wasm64 cannot use bulk memory
 * here; see docs/decisions.md D181). Linked into the kernel and into liborbital. */
#include <kernel/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}
