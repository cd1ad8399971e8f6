/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the machine's boot told the kernel (usable memory, the command line), filled by
 * arch_bootinfo(), and the command-line options read from it.
 */
#include <kernel/bootinfo.h>
#include <kernel/string.h>

struct bootinfo bootinfo;

const char *bootinfo_option(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = bootinfo.cmdline;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - w) > klen && !strncmp(w, key, klen) && w[klen] == '=') {
			size_t n = MIN((size_t)(p - w - klen - 1), len - 1);
			memcpy(buf, w + klen + 1, n);
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}
