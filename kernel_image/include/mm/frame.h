/* SPDX-License-Identifier: Apache-2.0 */
/* Physical frames: a buddy allocator over the usable RAM of the boot memory map. */
#pragma once

#include <kernel/types.h>

#define FRAME_MAX_ORDER 11          /* blocks of 4 KiB .. 4 MiB */

struct frame_stats {
	u64 total;      /* frames managed (usable RAM minus kernel, archive, metadata) */
	u64 free;
	u64 reserved;   /* kernel image, boot archive, allocator metadata */
};

void frame_init(paddr_t reserved_start, paddr_t reserved_end);
/* 2^order contiguous, naturally aligned frames, zeroed; 0 when none are left. */
paddr_t frame_alloc(unsigned order);
void frame_free(paddr_t pa, unsigned order);
void frame_get_stats(struct frame_stats *out);
