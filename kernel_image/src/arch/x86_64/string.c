/* SPDX-License-Identifier: Apache-2.0 */
/* memcpy and memset as one string instruction each (ERMS makes rep movsb/stosb fast);
 * linked into the kernel and into liborbital. */
#include <kernel/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return ret;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(c) : "memory");
	return ret;
}
