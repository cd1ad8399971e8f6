/* SPDX-License-Identifier: Apache-2.0 */
#include "procs.h"

static orb_proc_entry_t list[PROCS_MAX];
static uint32_t count;

uint32_t procs_snapshot(void)
{
	long n = orb_process_list(list, sizeof(list));
	count = n < 0 ? 0 : n > PROCS_MAX ? PROCS_MAX : (uint32_t)n;
	return count;
}

const orb_proc_entry_t *procs_at(uint32_t i)
{
	return i < count ? &list[i] : NULL;
}

const orb_proc_entry_t *procs_find(uint32_t pid)
{
	for (uint32_t i = 0; i < count; i++)
		if (list[i].pid == pid)
			return &list[i];
	return NULL;
}
