/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource accounting: no process can starve another.
 *
 * Every kernel object is charged to a process, in one of the ORB_RES_* kinds: the memory
 * it maps and the page tables behind it, its CSpace, its threads, the endpoints and
 * notifications it owns, its occupied CSpace slots, and the messages it has sent that
 * wait in some queue (count, payload bytes, and their frames as memory). A charge that
 * would pass the process's limit fails (the syscall returns ENOMEM, or EAGAIN for a send)
 * and nothing else happens: the process is refused, nobody else notices.
 *
 * Limits nest. A process's limits are themselves charged to the process that spawned it,
 * for as long as it lives (ORB_RES_PROCESSES counts the child itself plus what the child
 * may spawn). The root account — init's — holds the machine's capacity: every kernel
 * table's size and the memory free at boot minus a kernel reserve. So the limits of all
 * live processes fit inside what the kernel can give, and what one process uses up is
 * never what another was promised: there is no global pool left to drain.
 *
 * Charges that outlive their process move up. A message queued by a process that dies
 * stays in its queue; its charge moves to the dead process's own spawner, as do the
 * reservations of its live children. The spawner had reserved at least that much for the
 * dead process, and that reservation is released at the same moment, so the move never
 * takes a spawner past its limit.
 *
 * For a new kind of kernel object: pick the kind that pays for it — memory for frames,
 * or add an ORB_RES_* kind in orbital_build/abi/defs/types.py with a default and a root
 * capacity here (as shared memory objects and MSI-X vectors have) — charge it with
 * account_charge() before allocating, to the process that asked, and release the same
 * amount to the same process with account_release() when the object goes. An object
 * that goes with its process (process_exit) needs nothing more; one that can outlive it
 * (a queued message, a shared memory object, a quarantined DMA block) keeps its payer
 * and is handed on by account_close (kmsg_pass_charges, shm_pass_charges,
 * pci_pass_charges).
 */
#pragma once

#include <kernel/types.h>
#include <orbital/abi.h>

struct process;

struct account {
	u64 limit[ORB_RES_COUNT];
	u64 used[ORB_RES_COUNT];
	struct process *parent;   /* whose usage holds these limits; NULL: the machine's */
	u64 tables;               /* page-table pages charged as memory (vs.table_pages) */
};

/* Memory the kernel keeps for itself (slabs of every table at full size, and slack)
 * when the root account takes the memory free at boot. */
#define ACCOUNT_KERNEL_RESERVE (4ull << 20)

/* Charge n of kind res to p: 0, or -ORB_ENOMEM (nothing charged) when p's usage would
 * pass its limit. p == NULL is the kernel itself and always succeeds. */
long account_charge(struct process *p, unsigned res, u64 n);
/* Give back what account_charge took. */
void account_release(struct process *p, unsigned res, u64 n);
/* Would n more of res fit? */
bool account_fits(const struct process *p, unsigned res, u64 n);

/*
 * A new process's limits: `limits` (NULL: all defaults; a 0 entry: ORB_DEFAULT_<kind>)
 * charged to `spawner` together with the child itself (one process), all or nothing
 * (-ORB_ENOMEM). spawner == NULL makes `p` the root: its limits are the machine's
 * capacity, whatever `limits` says.
 */
long account_open(struct process *p, struct process *spawner, const u64 *limits);
/* p is dying and has released everything it owned: its children's reservations and its
 * queued messages move to its spawner, and its own limits go back there. */
void account_close(struct process *p);
/* For account_close's helpers that track charges of their own (queued messages): move n
 * of res from the dying `from` to `to`, its spawner (NULL: the machine). No check: `to`
 * reserved at least as much for `from`, and account_close has just released that. */
void account_move(struct process *from, struct process *to, unsigned res, u64 n);

/* Page tables: charge the pages p's address space gained since the last call (always
 * within the slack that account_region() checked). */
void account_tables(struct process *p);
/* Memory for a region of `bytes` about to be mapped in p, plus the page tables that may
 * come with it: 0 or -ORB_ENOMEM. Charges `bytes` only. */
long account_region(struct process *p, u64 bytes);
/* Room for the page tables of mapping `bytes` of frames that are not p's own (a shared
 * object, device memory): 0 or -ORB_ENOMEM. Charges nothing; account_tables() does. */
long account_mapping(struct process *p, u64 bytes);
