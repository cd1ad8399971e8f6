/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared memory objects: frames that several address spaces map at once. Plain objects
 * carry large payloads between processes (a client writes, hands a narrowed capability and
 * {offset, length} to a server, which maps, reads or writes, unmaps and drops it); DMA
 * objects are one physically contiguous block a driver gives its device, and only their
 * creator may read the physical address. An object lives while a capability names it or a
 * region maps it.
 */
#pragma once

#include <kernel/kobj.h>
#include <kernel/types.h>

struct pci_device;

struct shm {
	struct kobj kobj;        /* SHM capabilities naming it */
	u64 id;
	u64 size;                /* bytes, a multiple of the page size */
	u32 npages;
	u8 flags;                /* ORB_SHM_* */
	u8 order;                /* DMA: order of the block; plain: order of the frame array */
	u32 mappings;            /* regions that map it */
	u32 creator;             /* pid that may read a DMA physical address */
	struct process *payer;   /* charged for it: its creator, or whom account_close chose */
	u64 charged;             /* ORB_RES_MEMORY bytes charged to the payer */
	struct pci_device *dev;  /* DMA: the device it is for */
	paddr_t base;            /* DMA: the block */
	paddr_t *frames;         /* plain: one frame per page */
};

/* The frame behind page `i` of s. */
paddr_t shm_frame(const struct shm *s, u32 i);
/* A region mapping s went away: the object goes when nothing else holds it. */
void shm_unmapped(struct shm *s);
/* account_close: the objects `from` pays for are paid by `to` from now on. */
struct process;
void shm_pass_charges(struct process *from, struct process *to);
/* Enumeration for the state hash: the object with the smallest id above `after`. */
struct shm *shm_next(u64 after);
u64 shm_next_id(void);
