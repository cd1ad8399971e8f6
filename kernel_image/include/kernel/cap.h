/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities and capability spaces.
 *
 * A process's CSpace has CSPACE_SLOTS slots. A handle (orb_cptr_t) names a slot and the
 * slot's generation, which changes every time the slot is emptied: a handle kept after its
 * capability was deleted, moved or revoked fails with ESTALE even if the slot is reused.
 * Capabilities form a derivation tree: derive, copy and grant make children; revoke removes
 * every descendant (a bounded number per call); delete re-parents a capability's children
 * to its parent, so revoking an ancestor still reaches them.
 */
#pragma once

#include <kernel/kobj.h>
#include <kernel/types.h>
#include <orbital/abi.h>

#define CSPACE_SLOTS 256
#define CAP_MAX_DEPTH 32          /* derivation depth */
#define REVOKE_BUDGET 64          /* capabilities one cap_revoke call removes at most */

struct process;

struct cap {
	u64 id;                   /* 0: slot empty */
	u64 object_id;
	u64 badge;
	u64 expires_at;           /* ns since boot; 0 never */
	u32 generation;           /* spec §1.5: copied unchanged on derive */
	u8 type;                  /* ORB_OBJ_* */
	u8 rights;                /* ORB_RIGHT_* */
	u8 depth;
	struct kobj *obj;         /* the object for types that have one (endpoint, notification, process, region) */
	struct process *holder;   /* NULL while in flight inside a message */
	u32 slot;
	/* derivation tree */
	struct cap *parent, *child, *next_sib, *prev_sib;
	/* capabilities to the same object */
	struct cap *obj_next, *obj_prev;
	u64 parent_id;            /* for the CommitLog: the id of the capability it came from */
};

struct cspace {
	struct cap slot[CSPACE_SLOTS];
	u32 gen[CSPACE_SLOTS];    /* each < 2^ORB_CPTR_GEN_WIDTH: exactly a handle's gen field */
	u32 live;
};

/* A slot was emptied: its generation moves on (wrapping within a handle's gen field), so
 * every handle made for what it held is stale. */
static inline void cspace_next_gen(struct cspace *cs, u32 slot)
{
	cs->gen[slot] = (cs->gen[slot] + 1) & ORB_CPTR_GEN_MASK;
}

int cspace_create(struct process *p);
/* Remove every capability (CapRemoved commits, ascending slots) and free the CSpace. */
void cspace_destroy(struct process *p);

/*
 * Look up a handle with the checks of spec §1.7 in order: slot in range and current
 * (EBADF / ESTALE), occupied (EBADF), type (EBADF; type 0 = any), rights (EPERM), expiry
 * (EPERM). Returns the capability or NULL with *err set.
 */
struct cap *cap_lookup(struct process *p, orb_cptr_t h, u8 type, u8 rights, long *err);
/* The capability in a slot for operations that need no authority over it (delete,
 * inspect): range, generation and occupancy only — an expired capability can still be
 * deleted and looked at. */
struct cap *cap_lookup_slot(struct process *p, orb_cptr_t h, long *err);
/* A Process capability naming `pid` or the root one (object 0), with `rights`. */
long cap_lookup_process(struct process *p, orb_cptr_t h, u8 rights, struct process **out);
/* The handle of an occupied slot. */
orb_cptr_t cap_handle(const struct cap *c);

/* A new root capability (no parent) in p's first free slot; returns the handle or -E. */
long cap_create(struct process *p, u8 type, u64 object_id, u8 rights);
long cap_create_obj(struct process *p, u8 type, u64 object_id, u8 rights, struct kobj *obj,
		    int want_slot);
/* A child of src in p (rights ⊆ src's, badge 0 = keep src's, expires 0 = keep src's). */
long cap_derive_into(struct process *p, struct cap *src, u8 rights, u64 badge, u64 expires_at,
		     int want_slot);
/* Remove one capability (its children move up to its parent). */
void cap_remove(struct cap *c);
/* Remove up to `budget` descendants of c; returns how many were removed, *more set when
 * some remain. */
u32 cap_revoke_descendants(struct cap *c, u32 budget, bool *more);
/* Remove every capability to obj (the object is going away). */
void cap_remove_all_to(struct kobj *obj);
/* Move c out of its CSpace into `dst` (a message slot): no commit here, the caller logs. */
void cap_detach(struct cap *c, struct cap *dst);
/* Insert a detached capability into p (slot `want`, or the first free when -1). */
long cap_attach(struct process *p, struct cap *c, int want_slot);
/* Drop a detached (in-flight) capability. */
void cap_drop_detached(struct cap *c);
u64 cap_next_id(void);
