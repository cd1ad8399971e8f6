/* SPDX-License-Identifier: Apache-2.0 */
/* memcpy and memset as string instructions, linked into the kernel and into liborbital:
 * eight bytes a step, then the rest a byte at a time, so a 4 KiB message is 512 steps
 * (what an instruction count, or a CPU without ERMS, sees) rather than 4096. */
#include <kernel/string.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	void *ret = dst;
	size_t words = n / 8, rest = n % 8;
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(rest) : : "memory");
	return ret;
}

void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
	size_t words = n / 8, rest = n % 8;
	unsigned long pattern = 0x0101010101010101ul * (unsigned char)c;
	__asm__ volatile("rep stosq" : "+D"(dst), "+c"(words) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(dst), "+c"(rest) : "a"(pattern) : "memory");
	return ret;
}
