/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ledger tables. Capabilities live in one dense array (removal moves the last entry into
 * the hole), processes in a small table where a new process may take the place of the
 * oldest exited one. Both are bounded; what does not fit is counted and reported once,
 * never written past the end.
 */
#include <orbital.h>

#include "ledger.h"

#define MAX_PROCS 128
#define MAX_CAPS 4096

struct lcap {
	uint32_t pid;
	orb_cap_provenance_t p;
};

static struct lproc procs[MAX_PROCS];
static uint32_t nprocs;
static struct lcap caps[MAX_CAPS];
static uint32_t ncaps;
static bool full_reported;

static void table_full(const char *what)
{
	if (!full_reported)
		orb_printf("permissions: %s table full; later entries are not tracked\n", what);
	full_reported = true;
}

static struct lproc *find_process(uint32_t pid)
{
	for (uint32_t i = 0; i < nprocs; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

void ledger_process_created(uint32_t pid, uint32_t parent, const char *name, size_t len)
{
	struct lproc *p = find_process(pid);
	for (uint32_t i = 0; !p && i < nprocs; i++)
		if (!procs[i].alive)
			p = &procs[i];   /* reuse the place of an exited process */
	if (!p && nprocs < MAX_PROCS)
		p = &procs[nprocs++];
	if (!p) {
		table_full("process");
		return;
	}
	p->pid = pid;
	p->parent = parent;
	p->alive = true;
	orb_strcopy(p->name, sizeof(p->name), name, len);
}

static struct lcap *find_cap(uint32_t pid, uint32_t slot)
{
	for (uint32_t i = 0; i < ncaps; i++)
		if (caps[i].pid == pid && caps[i].p.slot == slot)
			return &caps[i];
	return NULL;
}

static void drop_cap(struct lcap *c)
{
	*c = caps[--ncaps];
}

void ledger_process_gone(uint32_t pid)
{
	struct lproc *p = find_process(pid);
	if (p)
		p->alive = false;
	for (uint32_t i = 0; i < ncaps;) {
		if (caps[i].pid == pid)
			drop_cap(&caps[i]);   /* the last entry moved here: look at i again */
		else
			i++;
	}
}

static long holder_of(uint64_t cap_id)
{
	for (uint32_t i = 0; cap_id && i < ncaps; i++)
		if (caps[i].p.cap_id == cap_id)
			return caps[i].pid;
	return 0;
}

uint32_t ledger_cap_inserted(uint32_t pid, uint32_t slot, const orb_cap_record_t *cap,
			     uint64_t parent_id, long granted_by, uint64_t at)
{
	/* Unknown: whoever holds the parent; a new object's first capability (no parent)
	 * is in the creator's own CSpace. */
	if (granted_by < 0)
		granted_by = parent_id ? holder_of(parent_id) : pid;
	struct lcap *c = find_cap(pid, slot);
	if (!c && ncaps < MAX_CAPS)
		c = &caps[ncaps++];
	if (!c) {
		table_full("capability");
		return (uint32_t)granted_by;
	}
	c->pid = pid;
	c->p = (orb_cap_provenance_t){ .slot = slot, .object_type = cap->object_type,
				       .rights = cap->rights, .object_id = cap->object_id,
				       .cap_id = cap->id, .parent_id = parent_id,
				       .granted_by = (uint32_t)granted_by, .granted_at = at };
	return (uint32_t)granted_by;
}

bool ledger_cap_removed(uint32_t pid, uint32_t slot, orb_cap_provenance_t *gone)
{
	struct lcap *c = find_cap(pid, slot);
	if (!c)
		return false;
	*gone = c->p;
	drop_cap(c);
	return true;
}

uint64_t ledger_cap_updated(uint32_t pid, uint32_t slot, uint8_t rights)
{
	struct lcap *c = find_cap(pid, slot);
	if (!c)
		return 0;
	c->p.rights = rights;
	return c->p.cap_id;
}

const struct lproc *ledger_process(uint32_t pid)
{
	return find_process(pid);
}

uint32_t ledger_caps(uint32_t pid, orb_cap_provenance_t *out, uint32_t max)
{
	/* Slots are unique per process, so walking slot numbers upwards gives slot order;
	 * each step finds the smallest slot above the previous one. */
	uint32_t n = 0;
	uint64_t after = 0;   /* slot + 1 of the last one taken */
	while (n < max) {
		const struct lcap *best = NULL;
		for (uint32_t i = 0; i < ncaps; i++)
			if (caps[i].pid == pid && caps[i].p.slot + 1ull > after &&
			    (!best || caps[i].p.slot < best->p.slot))
				best = &caps[i];
		if (!best)
			break;
		out[n++] = best->p;
		after = best->p.slot + 1ull;
	}
	return n;
}
