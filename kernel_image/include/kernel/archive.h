/* SPDX-License-Identifier: Apache-2.0 */
/* The boot archive: the service images and configuration packed behind the kernel. */
#pragma once

#include <kernel/types.h>
#include <orbital/abi.h>

struct archive_file {
	const char *name;
	const u8 *data;      /* kernel virtual address (direct map) */
	u32 size;
	u32 flags;           /* ORB_BOOT_ENTRY_* */
	u8 priority;
};

/* Find the archive after the kernel image and check it; false (after printing why) if
 * it is missing or damaged. */
bool archive_init(void);
u32 archive_count(void);
bool archive_get(u32 index, struct archive_file *out);
bool archive_find(const char *name, struct archive_file *out);
/* Physical range the archive occupies (kept out of the frame allocator). */
paddr_t archive_phys_start(void);
paddr_t archive_phys_end(void);
