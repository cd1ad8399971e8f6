/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state hash of a Checkpoint commit: SHA-256 over the canonical encoding of the
 * authority state, in this order (each record prefixed by its kind byte, orbital_build/
 * abi/defs/axiom.py STATE):
 *   'P' every live process, ascending pid
 *   'C' every occupied slot of every CSpace, ascending (pid, slot)
 *   'E' every endpoint, ascending id;  'N' every notification, ascending id
 *   'M' every private memory region, ascending (pid, base)
 *   'D' every PCI function found at boot, ascending bdf
 *   'S' every shared memory object, ascending id
 *   'V' every region mapping a shared object or a device BAR, ascending (pid, base)
 *   'K' the id counters
 * orbital_build/axiom/replay.py rebuilds the same records from the commits alone; equal
 * hashes mean the log explains the state completely.
 */
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/pci.h>
#include <kernel/process.h>
#include <kernel/sha256.h>
#include <kernel/shm.h>
#include <kernel/string.h>
#include <gen/axiom_records.h>

static void feed(struct sha256 *h, u8 kind, const u8 *rec, size_t n)
{
	sha256_update(h, &kind, 1);
	sha256_update(h, rec, n);
}

/* The live process with the smallest pid above `after`, or NULL. */
static struct process *next_process(u32 after)
{
	struct process *best = NULL;
	for (u32 i = 0; i < process_count(); i++) {
		struct process *p = process_at(i);
		if (p->pid > after && (!best || p->pid < best->pid))
			best = p;
	}
	return best;
}

static const struct region *next_region(const struct process *p, u64 after)
{
	const struct region *best = NULL;
	for (int i = 0; i < MAX_REGIONS; i++) {
		const struct region *r = &p->regions[i];
		if (r->kind != R_FREE && r->base > after && (!best || r->base < best->base))
			best = r;
	}
	return best;
}

void axiom_state_hash(u8 out[32])
{
	struct sha256 h;
	sha256_init(&h);
	u8 buf[ORB_AXIOM_COMMIT_MAX];
	for (struct process *p = next_process(0); p; p = next_process(p->pid)) {
		u16 n = (u16)strnlen(p->name, PROC_NAME_LEN);
		orb_resources_t limits;
		memcpy(limits.amount, p->acct.limit, sizeof(limits.amount));
		feed(&h, ORB_STATE_PROCESS, buf,
		     orb_enc_state_process(buf, p->pid, p->parent, p->name, n, &limits));
	}
	for (struct process *p = next_process(0); p; p = next_process(p->pid)) {
		for (u32 s = 0; p->cspace && s < CSPACE_SLOTS; s++) {
			const struct cap *c = &p->cspace->slot[s];
			if (!c->id)
				continue;
			orb_cap_record_t r = { .id = c->id, .object_id = c->object_id,
					       .expires_at = c->expires_at, .generation = c->generation,
					       .object_type = c->type, .rights = c->rights };
			feed(&h, ORB_STATE_CAP, buf,
			     orb_enc_state_cap(buf, p->pid, s, &r, c->badge));
		}
	}
	for (struct endpoint *e = endpoint_next(0); e; e = endpoint_next(e->id))
		feed(&h, ORB_STATE_ENDPOINT, buf,
		     orb_enc_state_endpoint(buf, e->id, e->owner->pid));
	for (struct notification *n = notification_next(0); n; n = notification_next(n->id))
		feed(&h, ORB_STATE_NOTIFICATION, buf,
		     orb_enc_state_notification(buf, n->id, n->owner->pid));
	for (struct process *p = next_process(0); p; p = next_process(p->pid))
		for (const struct region *r = next_region(p, 0); r; r = next_region(p, r->base))
			if (r->kind != R_SHM && r->kind != R_DEVICE)
				feed(&h, ORB_STATE_REGION, buf,
				     orb_enc_state_region(buf, p->pid, r->base, r->size, r->max_prot));
	for (struct pci_device *d = pci_next(PCI_NO_DEVICE); d; d = pci_next(d->bdf))
		feed(&h, ORB_STATE_PCI_DEVICE, buf,
		     orb_enc_state_pci_device(buf, d->bdf, d->vendor, d->device,
					      (u32)d->class_code << 16 | (u32)d->subclass << 8 |
					      d->progif));
	for (struct shm *s = shm_next(0); s; s = shm_next(s->id))
		feed(&h, ORB_STATE_SHM, buf,
		     orb_enc_state_shm(buf, s->id, s->creator, s->size, s->flags,
				       s->dev ? s->dev->bdf : PCI_NO_DEVICE));
	for (struct process *p = next_process(0); p; p = next_process(p->pid))
		for (const struct region *r = next_region(p, 0); r; r = next_region(p, r->base))
			if (r->kind == R_SHM || r->kind == R_DEVICE)
				feed(&h, ORB_STATE_MAPPING, buf,
				     orb_enc_state_mapping(buf, p->pid, r->base, r->size, r->max_prot,
							   r->kind == R_SHM ? 1 : 2, r->object));
	feed(&h, ORB_STATE_COUNTERS, buf,
	     orb_enc_state_counters(buf, process_next_pid(), endpoint_next_id(),
					  notification_next_id(), cap_next_id(), shm_next_id()));
	sha256_final(&h, out);
}
