/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital.h>

#include "history.h"

static orb_history_entry_t ring[HISTORY_KEPT];
static uint64_t added;   /* entries ever added; the newest is ring[(added - 1) % KEPT] */

void history_add(const orb_history_entry_t *e)
{
	ring[added++ % HISTORY_KEPT] = *e;
}

uint32_t history_latest(uint32_t pid, orb_history_entry_t *out, uint32_t max)
{
	uint64_t kept = added < HISTORY_KEPT ? added : HISTORY_KEPT;
	uint32_t n = 0;
	for (uint64_t i = 0; i < kept && n < max; i++) {   /* newest first */
		const orb_history_entry_t *e = &ring[(added - 1 - i) % HISTORY_KEPT];
		if (!pid || e->pid == pid || e->actor == pid)
			out[n++] = *e;
	}
	for (uint32_t i = 0; i < n / 2; i++) {             /* then oldest first */
		orb_history_entry_t t = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = t;
	}
	return n;
}
