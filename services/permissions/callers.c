/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SysLog lookups with a small window: commits are read in order and their causes only
 * grow, so one read of WINDOW records from the first cause asked for answers the causes
 * of the commits that follow it.
 */
#include <orbital.h>

#include "callers.h"
#include "perm.h"

#define WINDOW 64

static orb_syslog_record_t window[WINDOW];
static uint64_t first;    /* seq of window[0] */
static uint32_t count;    /* records held */

long caller_of(uint64_t seq)
{
	if (count && seq >= first && seq - first < count)
		return window[seq - first].pid;
	long n = orb_axiom_syslog_read(PERM_AXIOM_CAP, window, sizeof(window), seq);
	count = n > 0 ? (uint32_t)((size_t)n / sizeof(window[0])) : 0;
	first = count ? window[0].seq : 0;
	if (!count || window[0].seq != seq)
		return -ORB_ENOENT;   /* overwritten before we read it */
	return window[0].pid;
}
