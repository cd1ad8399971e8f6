/* SPDX-License-Identifier: Apache-2.0 */
/* The kernel's process list (process_list): a snapshot, and lookups in it. */
#pragma once

#include <orbital.h>

#define PROCS_MAX 64   /* the kernel's MAX_PROCESSES */

/* Take a new snapshot; returns the number of entries in it. */
uint32_t procs_snapshot(void);
/* Entry i of the last snapshot. */
const orb_proc_entry_t *procs_at(uint32_t i);
/* The entry of pid in the last snapshot, or NULL if it was not running. */
const orb_proc_entry_t *procs_find(uint32_t pid);
