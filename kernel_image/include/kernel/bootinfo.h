/* SPDX-License-Identifier: Apache-2.0 */
/* What the boot loader told us: usable memory ranges and the command line. */
#pragma once

#include <kernel/types.h>

#define BOOT_MAX_RANGES 32

struct mem_range {
	paddr_t base;
	u64 size;
};

struct bootinfo {
	struct mem_range usable[BOOT_MAX_RANGES];   /* sorted, page aligned */
	u32 nusable;
	u64 mem_total;                              /* bytes of usable RAM */
	paddr_t mem_top;                            /* end of the highest usable range */
	char cmdline[256];
};

extern struct bootinfo bootinfo;

/* The value of "key=value" on the command line, or NULL. */
const char *bootinfo_option(const char *key, char *buf, size_t len);
