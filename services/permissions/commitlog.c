/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel keeps recent commits in a ring and copies whole envelopes from a sequence
 * number on. A sync reads until the log is drained, at most MAX_READS buffers (the rest
 * waits for the next sync). A gap in the sequence numbers means commits fell out of the
 * kernel's ring before we read them: it is reported, and what they changed is missing.
 * A commit or an envelope that does not decode is reported and skipped.
 */
#include <orbital.h>
#include <orbital/axiomlog_records.h>

#include "callers.h"
#include "commitlog.h"
#include "history.h"
#include "ledger.h"
#include "perm.h"

#define READ_BYTES 16384
#define MAX_READS 64

static uint8_t buf[READ_BYTES];
static uint64_t next_seq;

uint64_t commitlog_next_seq(void)
{
	return next_seq;
}

/* A history entry; actor < 0 (unknown) is recorded as 0. */
static void record(const orb_commit_envelope_t *e, long actor, uint32_t pid, uint32_t slot,
		   uint64_t cap_id, uint8_t rights)
{
	orb_history_entry_t h = { .seq = e->seq, .timestamp = e->timestamp, .cap_id = cap_id,
				  .actor = actor < 0 ? 0 : (uint32_t)actor, .pid = pid,
				  .slot = slot, .operation = e->type, .rights = rights };
	history_add(&h);
}

/* Who made a capability commit: the caller of its syscall, 0 for the kernel's own. */
static long actor_of(const orb_commit_envelope_t *e)
{
	return e->has_cause ? caller_of(e->caused_by) : 0;
}

/* Apply one commit; false if its payload does not decode. */
static bool apply(const orb_commit_envelope_t *e)
{
	const uint8_t *p = e->payload;
	size_t n = e->payload_len;
	orb_commit_process_created_t pc;
	orb_commit_process_exited_t px;
	orb_commit_process_faulted_t pf;
	orb_commit_cap_inserted_t ci;
	orb_commit_cap_removed_t cr;
	orb_commit_cap_updated_t cu;
	orb_cap_provenance_t gone = { 0 };

	switch (e->type) {
	case ORB_COMMIT_PROCESS_CREATED:
		if (orb_dec_commit_process_created(p, n, &pc) < 0)
			return false;
		ledger_process_created((uint32_t)pc.pid, (uint32_t)pc.parent, pc.name.ptr,
				       pc.name.len);
		return true;
	case ORB_COMMIT_PROCESS_EXITED:
		if (orb_dec_commit_process_exited(p, n, &px) < 0)
			return false;
		ledger_process_gone((uint32_t)px.pid);
		return true;
	case ORB_COMMIT_PROCESS_FAULTED:
		if (orb_dec_commit_process_faulted(p, n, &pf) < 0)
			return false;
		ledger_process_gone((uint32_t)pf.pid);
		return true;
	case ORB_COMMIT_CAP_INSERTED:
		if (orb_dec_commit_cap_inserted(p, n, &ci) < 0)
			return false;
		record(e, ledger_cap_inserted((uint32_t)ci.pid, ci.slot, &ci.cap, ci.parent_id,
					      actor_of(e), e->timestamp),
		       (uint32_t)ci.pid, ci.slot, ci.cap.id, ci.cap.rights);
		return true;
	case ORB_COMMIT_CAP_REMOVED:
		if (orb_dec_commit_cap_removed(p, n, &cr) < 0)
			return false;
		ledger_cap_removed((uint32_t)cr.pid, cr.slot, &gone);
		record(e, actor_of(e), (uint32_t)cr.pid, cr.slot, gone.cap_id, gone.rights);
		return true;
	case ORB_COMMIT_CAP_UPDATED:
		if (orb_dec_commit_cap_updated(p, n, &cu) < 0)
			return false;
		record(e, actor_of(e), (uint32_t)cu.pid, cu.slot,
		       ledger_cap_updated((uint32_t)cu.pid, cu.slot, cu.rights), cu.rights);
		return true;
	default:
		return true;   /* endpoints, memory, checkpoints: nothing the ledger keeps */
	}
}

/* Apply the envelopes in buf[0, len); returns false if one is damaged. */
static bool apply_all(size_t len)
{
	size_t at = 0;
	while (at < len) {
		orb_commit_envelope_t e;
		long n = orb_dec_commit_envelope(buf + at, len - at, &e);
		if (n < 0) {
			orb_printf("permissions: damaged commit envelope at seq %lu; skipped\n",
				   (unsigned long)next_seq);
			next_seq++;   /* read on from the next one rather than stall here */
			return false;
		}
		at += (size_t)n;
		if (e.seq < next_seq)
			continue;
		if (e.seq > next_seq)
			orb_printf("permissions: commits %lu..%lu left the kernel ring unread\n",
				   (unsigned long)next_seq, (unsigned long)e.seq - 1);
		if (!apply(&e))
			orb_printf("permissions: commit %lu (type %u) does not decode; skipped\n",
				   (unsigned long)e.seq, e.type);
		next_seq = e.seq + 1;
	}
	return true;
}

void commitlog_sync(void)
{
	for (int i = 0; i < MAX_READS; i++) {
		long n = orb_axiom_commits_read(PERM_AXIOM_CAP, buf, sizeof(buf), next_seq);
		if (n < 0) {
			orb_printf("permissions: reading the CommitLog failed: %ld\n", n);
			return;
		}
		if (n == 0 || !apply_all((size_t)n))
			return;
		if ((size_t)n + ORB_AXIOM_COMMIT_MAX <= sizeof(buf))
			return;   /* the buffer had room for more: the log is drained */
	}
}
