/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ledger: every process and every capability as the CommitLog describes them, with
 * where each capability came from (the PID whose system call inserted it and when).
 * commitlog.c feeds it; the queries read it.
 */
#pragma once

#include <orbital.h>

#include "perm.h"

struct lproc {
	uint32_t pid;
	uint32_t parent;
	bool alive;
	char name[PERM_NAME_MAX];
};

void ledger_process_created(uint32_t pid, uint32_t parent, const char *name, size_t len);
/* The process ended: forget any capability still listed for it. */
void ledger_process_gone(uint32_t pid);
/* A capability arrived in (pid, slot). granted_by < 0 means unknown (the SysLog record
 * of the call is gone): the holder of its parent is taken as the granter, or for a
 * capability without a parent (a new object's) the holder itself. Returns the granter
 * recorded. */
uint32_t ledger_cap_inserted(uint32_t pid, uint32_t slot, const orb_cap_record_t *cap,
			     uint64_t parent_id, long granted_by, uint64_t at);
/* Empty (pid, slot); the capability it held is copied to *gone (false if none). */
bool ledger_cap_removed(uint32_t pid, uint32_t slot, orb_cap_provenance_t *gone);
/* New rights for (pid, slot); returns the capability's id, 0 if the slot is not known. */
uint64_t ledger_cap_updated(uint32_t pid, uint32_t slot, uint8_t rights);

/* A process by PID (alive or exited, while the table remembers it), or NULL. */
const struct lproc *ledger_process(uint32_t pid);
/* The capabilities of pid in slot order, at most max into out; returns how many. */
uint32_t ledger_caps(uint32_t pid, orb_cap_provenance_t *out, uint32_t max);
