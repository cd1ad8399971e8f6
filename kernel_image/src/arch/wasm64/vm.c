/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Address spaces on wasm64: one flat page table per process (a u32 per user page: frame
 * number and protection), so every generic rule — regions, W^X refusals, memory limits,
 * EEXIST, accounting in pages — is the same as on x86_64. A mapped page's frame is
 * charged to the process; its contents live in the process's linear memory, which the
 * host fills from the frame when a shared page is mapped (a private frame and its page are
 * both zero then) and zeroes when any page is unmapped. The one exception is the IPC
 * buffer: the kernel reads and writes it through its frame, and the host copies it
 * between the frame and the process's memory at every kernel exit and entry of its
 * thread (kernel.js).
 *
 * The asid names the process's memory at the host. vm_user_entry accepts the program's
 * start and the functions of its table (wasm code is not in linear memory).
 */
#include <arch/arch.h>
#include <arch/wasm64/entries.h>
#include <arch/wasm64/host.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/vm.h>
#include <orbital/abi.h>

#define USER_PAGES (USER_TOP / PAGE_SIZE)
#define TABLE_ORDER 5                      /* USER_PAGES * 4 bytes = 32 frames */
#define PTE_PRESENT 0x80u
#define PTE_PROT 0x1Fu                     /* VM_READ .. VM_SHARED */
#define MAX_SPACES 128

_Static_assert(USER_PAGES * sizeof(u32) == (PAGE_SIZE << TABLE_ORDER), "page table size");

static struct vspace *active;
static u64 asid_used[MAX_SPACES / 64];
static u64 entries_of[MAX_SPACES];        /* function table size of each space's program */

static u32 *table(const struct vspace *vs)
{
	return KERNEL_VIRT(vs->root);
}

static bool user_page_ok(vaddr_t va)
{
	return !(va & (PAGE_SIZE - 1)) && va >= USER_BASE && va < USER_TOP;
}

void vm_init(void)
{
	asid_used[0] = 1;   /* asid 0: no space */
}

int vspace_create(struct vspace *vs)
{
	unsigned asid = 0;
	for (unsigned i = 1; i < MAX_SPACES && !asid; i++)
		if (!(asid_used[i / 64] & (1ull << (i % 64))))
			asid = i;
	if (!asid)
		return -ORB_ENOMEM;
	paddr_t root = frame_alloc(TABLE_ORDER);   /* zeroed */
	if (!root)
		return -ORB_ENOMEM;
	if (host_space_create(asid) < 0) {
		frame_free(root, TABLE_ORDER);
		return -ORB_ENOMEM;
	}
	asid_used[asid / 64] |= 1ull << (asid % 64);
	entries_of[asid] = 0;
	*vs = (struct vspace){ .root = root, .asid = (u16)asid, .table_pages = 1u << TABLE_ORDER };
	return 0;
}

void vspace_destroy(struct vspace *vs)
{
	if (active == vs)
		vspace_activate_kernel();
	u32 *t = table(vs);
	for (u64 i = 0; i < USER_PAGES; i++)
		if ((t[i] & PTE_PRESENT) && !(t[i] & VM_SHARED))
			frame_free((paddr_t)(t[i] >> 8) << PAGE_SHIFT, 0);
	frame_free(vs->root, TABLE_ORDER);
	host_space_destroy(vs->asid);
	asid_used[vs->asid / 64] &= ~(1ull << (vs->asid % 64));
	vs->root = 0;
}

void vspace_activate(struct vspace *vs)
{
	active = vs;
}

void vspace_activate_kernel(void)
{
	active = NULL;
}

struct vspace *vm_current(void)
{
	return active;
}

bool vm_pcid_enabled(void)
{
	return false;
}

int vm_map(struct vspace *vs, vaddr_t va, paddr_t pa, unsigned prot)
{
	if (!user_page_ok(va) || (pa & (PAGE_SIZE - 1)))
		return -ORB_EINVAL;
	if ((prot & VM_WRITE) && (prot & VM_EXEC))
		return -ORB_EINVAL;   /* W^X */
	u32 *e = &table(vs)[va / PAGE_SIZE];
	if (*e & PTE_PRESENT)
		return -ORB_EEXIST;
	*e = (u32)(pa >> PAGE_SHIFT) << 8 | PTE_PRESENT | ((prot | VM_USER) & PTE_PROT);
	vs->pages++;
	/* A private frame is zero when mapped (frame_alloc zeroes it; loaders copy in after)
	 * and so is the page (fresh, or zeroed when unmapped): only a shared frame has
	 * contents to bring in. */
	if (prot & VM_SHARED)
		host_page_map(vs->asid, va, KERNEL_VIRT(pa));
	return 0;
}

paddr_t vm_unmap(struct vspace *vs, vaddr_t va, unsigned *prot_out)
{
	if (!user_page_ok(va))
		return 0;
	u32 *e = &table(vs)[va / PAGE_SIZE];
	if (!(*e & PTE_PRESENT))
		return 0;
	paddr_t pa = (paddr_t)(*e >> 8) << PAGE_SHIFT;
	if (prot_out)
		*prot_out = *e & PTE_PROT;
	*e = 0;
	vs->pages--;
	host_page_unmap(vs->asid, va);
	return pa;
}

int vm_protect(struct vspace *vs, vaddr_t va, unsigned prot)
{
	if (!user_page_ok(va) || ((prot & VM_WRITE) && (prot & VM_EXEC)))
		return -ORB_EINVAL;
	u32 *e = &table(vs)[va / PAGE_SIZE];
	if (!(*e & PTE_PRESENT))
		return -ORB_ENOENT;
	*e = (*e & ~PTE_PROT) | ((prot | VM_USER | (*e & VM_SHARED)) & PTE_PROT);
	return 0;
}

bool vm_query(const struct vspace *vs, vaddr_t va, paddr_t *pa, unsigned *prot)
{
	if (va >= USER_TOP)
		return false;
	u32 e = table(vs)[va / PAGE_SIZE];
	if (!(e & PTE_PRESENT))
		return false;
	if (pa)
		*pa = ((paddr_t)(e >> 8) << PAGE_SHIFT) | (va & (PAGE_SIZE - 1));
	if (prot)
		*prot = e & PTE_PROT;
	return true;
}

void vm_set_entries(const struct vspace *vs, u64 n)
{
	entries_of[vs->asid] = n;
}

bool vm_user_entry(const struct vspace *vs, u64 entry)
{
	return entry == WASM_START_ENTRY || (entry > 0 && entry < entries_of[vs->asid]);
}
