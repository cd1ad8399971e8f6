/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address spaces. The kernel half (direct map, kernel image) is shared by every address
 * space and supervisor-only; the user half belongs to one process. Protections are
 * generic (VM_*); the arch layer turns them into page-table bits. W^X is enforced here:
 * no page is ever both writable and executable, in the kernel or in user space.
 */
#pragma once

#include <kernel/types.h>

#define VM_READ 0x1
#define VM_WRITE 0x2
#define VM_EXEC 0x4
#define VM_USER 0x8
#define VM_SHARED 0x10   /* frame not owned by this mapping: not freed on unmap */
#define VM_UNCACHED 0x20 /* device memory: no caching, no write combining */

struct vspace {
	paddr_t root;       /* top-level page table */
	u64 cr3;            /* what loading it writes to the MMU root register (arch) */
	u16 asid;           /* PCID when the CPU has it */
	bool tlb_stale;     /* changed while not loaded: flush on next activation */
	u64 pages;          /* user pages mapped */
	u64 shared;         /* ... of which VM_SHARED (frames this space does not own) */
	u64 table_pages;    /* page-table pages allocated */
};

void vm_init(void);
/* 0, or -ORB_ENOMEM. */
int vspace_create(struct vspace *vs);
/* Unmap everything in the user half, free owned frames and the tables. */
void vspace_destroy(struct vspace *vs);
void vspace_activate(struct vspace *vs);
void vspace_activate_kernel(void);

/* One page. 0 or -ORB_E*: EINVAL (unaligned, not user, W+X), EEXIST, ENOMEM. */
int vm_map(struct vspace *vs, vaddr_t va, paddr_t pa, unsigned prot);
/* Remove one page; returns its frame (0 if nothing was mapped). Frees nothing. */
paddr_t vm_unmap(struct vspace *vs, vaddr_t va, unsigned *prot_out);
int vm_protect(struct vspace *vs, vaddr_t va, unsigned prot);
bool vm_query(const struct vspace *vs, vaddr_t va, paddr_t *pa, unsigned *prot);
/* True when a thread of vs may start at `entry`: executable user code (x86_64: a mapped
 * user page with VM_EXEC; wasm32: a function of the program's table). */
bool vm_user_entry(const struct vspace *vs, u64 entry);
/* The active address space (for copy routines and tests). */
struct vspace *vm_current(void);
/* KPTI: what user mode in the active address space runs on (its user tables). */
u64 vm_user_cr3(void);
bool vm_pcid_enabled(void);
/* Map physical device memory [pa, pa + size) (page-aligned) uncached into the kernel's
 * MMIO window; returns its kernel address, or NULL when the window is full. Never undone. */
void *vm_map_kernel_mmio(paddr_t pa, u64 size);
/* Map a kernel stack of `size` bytes in stack slot `index` with a guard page below; returns
 * its top. */
u64 vm_map_kernel_stack(unsigned index, u64 size);
