/* SPDX-License-Identifier: Apache-2.0 */
/* Fixed-size kernel objects (threads, processes, endpoints…) carved from frames. */
#pragma once

#include <kernel/types.h>

struct slab {
	const char *name;
	u32 size;        /* object size, a multiple of 16 */
	u32 limit;       /* most objects ever live at once */
	u32 live;
	void *free;      /* free list threaded through the objects */
};

#define SLAB_INIT(n, T, max) { .name = (n), .size = ALIGN_UP((u32)sizeof(T), 16u), .limit = (max) }

/* A zeroed object, or NULL when the limit is reached or memory is out. */
void *slab_alloc(struct slab *s);
void slab_free(struct slab *s, void *obj);
