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

static inline void objtable_drop(void **table, void *obj)
{
	for (int i = 0; i < MAX_OBJECTS; i++)
		if (table[i] == obj)
			table[i] = NULL;
}
