/* SPDX-License-Identifier: Apache-2.0 */
/* Fixed tables of kernel objects (endpoints, notifications): for lookup by id and for
 * the state hash, which walks them in id order. */
#pragma once

#include <kernel/types.h>

#define MAX_OBJECTS 1024

static inline bool objtable_put(void **table, void *obj)
{
	for (int i = 0; i < MAX_OBJECTS; i++) {
		if (!table[i]) {
			table[i] = obj;
			return true;
		}
	}
	return false;
}

/* The object with the smallest id above `after` (each object's u64 id lies at `id_off`),
 * or NULL: enumeration in id order, for the state hash. */
static inline void *objtable_next(void *const *table, u64 after, size_t id_off)
{
	void *best = NULL;
	u64 best_id = 0;
	for (int i = 0; i < MAX_OBJECTS; i++) {
		u64 id = table[i] ? *(const u64 *)((const char *)table[i] + id_off) : 0;
		if (table[i] && id > after && (!best || id < best_id))
			best = table[i], best_id = id;
	}
	return best;
}

static inline void objtable_drop(void **table, void *obj)
{
	for (int i = 0; i < MAX_OBJECTS; i++)
		if (table[i] == obj)
			table[i] = NULL;
}
