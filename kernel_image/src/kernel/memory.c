/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User memory regions and the syscalls on them: mem_map / mem_unmap / mem_protect
 * (spec §1.10, §5.1 #8). A process's address space is a fixed table of regions (ELF
 * segments, stacks, IPC buffers, anonymous mappings, mapped shared objects and device
 * BARs), none overlapping another. A mapping is a region of whole pages, zero-filled,
 * never both writable and executable; unmap takes exactly a region mem_map, shm_map or
 * pci_bar_map made; protect may only take rights away, and only on mem_map's regions.
 *
 * Accounting (account.h): a process's ORB_RES_MEMORY covers its private pages with
 * their page tables and the shared objects it created (charged once, to the creator,
 * however many map them); pages it maps from another's object or a device are not its
 * own, but the page tables that map them are.
 */
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <memlayout.h>
#include <mm/frame.h>

struct region *region_add(struct process *p, vaddr_t base, u64 size, u8 kind, u8 prot)
{
	if (!size || (base | size) & (PAGE_SIZE - 1) || base < USER_BASE || size > USER_TOP ||
	    base > USER_TOP - PAGE_SIZE - size)
		return NULL;
	if (region_overlaps(p, base, size))
		return NULL;
	struct region *free = NULL;
	for (int i = 0; i < MAX_REGIONS && !free; i++)
		if (p->regions[i].kind == R_FREE)
			free = &p->regions[i];
	if (free)
		*free = (struct region){ .base = base, .size = size, .kind = kind, .max_prot = prot };
	return free;
}

u64 region_object_id(const struct process *p, const struct region *r)
{
	return ((u64)p->pid << 48) | r->base;
}

struct region *region_overlaps(struct process *p, vaddr_t base, u64 size)
{
	for (int i = 0; i < MAX_REGIONS; i++) {
		struct region *r = &p->regions[i];
		if (r->kind != R_FREE && base < r->base + r->size && r->base < base + size)
			return r;
	}
	return NULL;
}

struct region *region_find(struct process *p, vaddr_t base)
{
	for (int i = 0; i < MAX_REGIONS; i++)
		if (p->regions[i].kind != R_FREE && p->regions[i].base == base)
			return &p->regions[i];
	return NULL;
}

int region_populate(struct process *p, vaddr_t base, u64 size, unsigned prot)
{
	struct region *r = region_find(p, base);
	if (!r || account_region(p, size) < 0)
		return -ORB_ENOMEM;
	r->charged = size;   /* region_release gives it back */
	int rc = 0;
	for (u64 off = 0; off < size && rc == 0; off += PAGE_SIZE) {
		paddr_t pa = frame_alloc(0);
		rc = pa ? vm_map(&p->vs, base + off, pa, prot) : -ORB_ENOMEM;
		if (rc < 0 && pa)
			frame_free(pa, 0);
	}
	account_tables(p);
	if (rc == 0)
		region_logged(p, base, size, prot);
	return rc;
}

void region_logged(struct process *p, vaddr_t base, u64 size, unsigned prot)
{
	struct region *r = region_find(p, base);
	if (r)
		r->logged = true;
	axiom_memory_mapped(p->pid, base, size, prot);
}

void region_release(struct process *p, struct region *r)
{
	cap_remove_all_to(&r->kobj);
	for (u64 off = 0; off < r->size; off += PAGE_SIZE) {
		unsigned prot;
		paddr_t pa = vm_unmap(&p->vs, r->base + off, &prot);
		if (pa && !(prot & VM_SHARED))
			frame_free(pa, 0);
	}
	if (r->logged && p->state == P_ALIVE)
		axiom_memory_unmapped(p->pid, r->base, r->size);
	account_release(p, ORB_RES_MEMORY, r->charged);
	struct shm *s = r->kind == R_SHM ? r->shm : NULL;
	r->kind = R_FREE;
	r->shm = NULL;
	r->charged = 0;
	if (s)
		shm_unmapped(s);   /* after the unmap commit: the object may go now */
}

#define MAP_MAX (1ull << 30)   /* one mapping: at most 1 GiB */

static unsigned prot_to_vm(u32 prot)
{
	return VM_READ | ((prot & ORB_PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & ORB_PROT_EXEC) ? VM_EXEC : 0);
}

static bool prot_ok(u32 prot)
{
	return prot && !(prot & ~(ORB_PROT_READ | ORB_PROT_WRITE | ORB_PROT_EXEC)) &&
	       !((prot & ORB_PROT_WRITE) && (prot & ORB_PROT_EXEC));
}

/* A free range of `size` bytes in the mapping area, or 0. */
static vaddr_t find_free(struct process *p, u64 size)
{
	vaddr_t va = USER_MMAP_BASE;
	for (int pass = 0; pass <= MAX_REGIONS && va + size <= USER_MMAP_TOP; pass++) {
		struct region *r = region_overlaps(p, va, size);
		if (!r)
			return va;
		vaddr_t next = r->base + r->size;
		va = ALIGN_UP(next + PAGE_SIZE, PAGE_SIZE);   /* keep a guard page between */
	}
	return 0;
}

struct region *region_claim(struct process *p, vaddr_t vaddr, u64 size, u8 kind, u8 prot,
			    long *err)
{
	if (!vaddr)
		vaddr = find_free(p, size);
	if (!vaddr || (vaddr & (PAGE_SIZE - 1)) || vaddr < USER_BASE || vaddr >= USER_MMAP_TOP ||
	    size > USER_MMAP_TOP - vaddr) {
		*err = -ORB_EINVAL;
		return NULL;
	}
	struct region *r = region_add(p, vaddr, size, kind, prot);
	if (!r)
		*err = region_overlaps(p, vaddr, size) ? -ORB_EEXIST : -ORB_ENOMEM;
	return r;
}

long sys_mem_map(uint64_t vaddr, size_t size, uint32_t prot, orb_cptr_t proc,
		 struct syscall_frame *f)
{
	struct process *p = f->t->proc;
	if (!size || size > MAP_MAX || (size & (PAGE_SIZE - 1)) || (vaddr & (PAGE_SIZE - 1)) ||
	    !prot_ok(prot))
		return -ORB_EINVAL;
	if (proc != ORB_CAP_NONE) {
		long rc = cap_lookup_process(p, proc, ORB_RIGHT_WRITE, &p);
		if (rc < 0)
			return rc;
	}
	long err;
	struct region *r = region_claim(p, vaddr, size, R_ANON, (u8)prot_to_vm(prot), &err);
	if (!r)
		return err;
	vaddr = r->base;
	int rc = region_populate(p, vaddr, size, prot_to_vm(prot));
	if (rc < 0) {
		region_release(p, r);
		return rc;
	}
	/* The Memory capability (spec §1.10): R/W from prot, G set, object = base address. */
	u8 rights = ORB_RIGHT_READ | ORB_RIGHT_GRANT | ((prot & ORB_PROT_WRITE) ? ORB_RIGHT_WRITE : 0);
	long slot = cap_create_obj(f->t->proc, ORB_OBJ_MEMORY, region_object_id(p, r), rights,
				   &r->kobj, -1);
	frame_set_out(f, 2, slot < 0 ? ORB_CAP_NONE : (u64)slot);
	return (long)vaddr;
}

long sys_mem_unmap(uint64_t vaddr, size_t size)
{
	struct process *p = current()->proc;
	struct region *r = region_find(p, vaddr);
	if (!r)
		return -ORB_ENOENT;
	if ((r->kind != R_ANON && r->kind != R_SHM && r->kind != R_DEVICE) || r->size != size)
		return -ORB_EINVAL;
	region_release(p, r);
	return 0;
}

long sys_mem_protect(uint64_t vaddr, size_t size, uint32_t prot)
{
	struct process *p = current()->proc;
	if (!size || (size | vaddr) & (PAGE_SIZE - 1) || !prot_ok(prot))
		return -ORB_EINVAL;
	struct region *r = NULL;
	for (int i = 0; i < MAX_REGIONS && !r; i++) {
		struct region *c = &p->regions[i];
		if (c->kind != R_FREE && vaddr >= c->base && vaddr - c->base < c->size)
			r = c;
	}
	if (!r)
		return -ORB_ENOENT;
	if (r->kind != R_ANON || size > r->size - (vaddr - r->base))
		return -ORB_EINVAL;
	unsigned want = prot_to_vm(prot);
	if (want & ~r->max_prot)
		return -ORB_EPERM;   /* protect only narrows (spec §1.10) */
	for (u64 off = 0; off < size; off += PAGE_SIZE)
		vm_protect(&p->vs, vaddr + off, want);
	return 0;
}
