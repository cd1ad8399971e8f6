/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared memory objects (see shm.h).
 *
 * A plain object's pages are separate frames, listed in an array of its own; a DMA object
 * is one buddy block (so at most ORB_SHM_DMA_MAX), zeroed like every frame. Creating one
 * charges its creator (account.h): one ORB_RES_SHM, and its frames (with a plain
 * object's frame array) as memory; mapping one charges only the mapper's page tables.
 * The charge follows the object if its creator dies first (shm_pass_charges). Mappings are regions of kind R_SHM whose pages are VM_SHARED, so tearing an
 * address space down never frees them: the object frees its frames itself, when its last
 * capability and its last mapping are gone.
 *
 * Freeing DMA memory is where a device could still write into frames that are about to
 * belong to someone else (a driver that died with requests in flight). Before a DMA
 * object's block is released the kernel turns the device's bus mastering off and keeps
 * the block in quarantine until a driver turns bus mastering on again — which a driver
 * does after resetting its device (pci.c).
 *
 * Syscalls here: shm_create, shm_map, shm_phys (unmapping is mem_unmap).
 */
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/objtable.h>
#include <kernel/pci.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/shm.h>
#include <kernel/syscall.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/slab.h>
#include <mm/vm.h>

static struct slab shm_slab = SLAB_INIT("shm", struct shm, MAX_OBJECTS);
static struct shm *all_shm[MAX_OBJECTS];
static u64 next_shm_id = 1;

static unsigned order_of(u64 bytes)
{
	unsigned o = 0;
	while (((u64)PAGE_SIZE << o) < bytes)
		o++;
	return o;
}

paddr_t shm_frame(const struct shm *s, u32 i)
{
	return (s->flags & ORB_SHM_DMA) ? s->base + (u64)i * PAGE_SIZE : s->frames[i];
}

static void free_frames(struct shm *s)
{
	if (s->flags & ORB_SHM_DMA) {
		frame_free(s->base, s->order);
		return;
	}
	for (u32 i = 0; i < s->npages; i++)
		frame_free(s->frames[i], 0);
	frame_free(KERNEL_PHYS_OF(s->frames), s->order);
}

static void shm_destroy(struct shm *s)
{
	s->kobj.unreferenced = NULL;
	objtable_drop((void **)all_shm, s);
	axiom_shm_destroyed(s->id);
	account_release(s->payer, ORB_RES_SHM, 1);
	if (s->flags & ORB_SHM_DMA) {   /* bus mastering off first; charged until it is free */
		pci_dma_quarantine(s->dev, s->base, s->order, s->payer);
	} else {
		free_frames(s);
		account_release(s->payer, ORB_RES_MEMORY, s->charged);
	}
	slab_free(&shm_slab, s);
}

static void shm_unreferenced(struct kobj *obj)
{
	struct shm *s = container_of(obj, struct shm, kobj);
	if (!s->mappings)
		shm_destroy(s);
}

void shm_unmapped(struct shm *s)
{
	if (--s->mappings == 0 && !s->kobj.caps)
		shm_destroy(s);
}

/* The frames: one zeroed block for DMA, or a frame per page. 0 or -ORB_ENOMEM. */
static long shm_fill(struct shm *s)
{
	if (s->flags & ORB_SHM_DMA) {
		s->order = (u8)order_of(s->size);
		s->base = frame_alloc(s->order);
		return s->base ? 0 : -ORB_ENOMEM;
	}
	s->order = (u8)order_of((u64)s->npages * sizeof(paddr_t));
	paddr_t array = frame_alloc(s->order);
	if (!array)
		return -ORB_ENOMEM;
	s->frames = KERNEL_VIRT(array);
	for (u32 i = 0; i < s->npages; i++) {
		if (!(s->frames[i] = frame_alloc(0))) {
			for (u32 j = 0; j < i; j++)
				frame_free(s->frames[j], 0);
			frame_free(array, s->order);
			s->frames = NULL;   /* nothing of it is left to free */
			return -ORB_ENOMEM;
		}
	}
	return 0;
}

void shm_pass_charges(struct process *from, struct process *to)
{
	for (int i = 0; i < MAX_OBJECTS; i++) {
		struct shm *s = all_shm[i];
		if (!s || s->payer != from)
			continue;
		account_move(from, to, ORB_RES_SHM, 1);
		account_move(from, to, ORB_RES_MEMORY, s->charged);
		s->payer = to;
	}
}

struct shm *shm_next(u64 after)
{
	return objtable_next((void *const *)all_shm, after, offsetof(struct shm, id));
}

u64 shm_next_id(void)
{
	return next_shm_id;
}

/* ---- syscalls: shm_create, shm_map, shm_phys ---- */

long sys_shm_create(size_t size, uint32_t flags, orb_cptr_t dev)
{
	struct process *p = current_process();
	bool dma = flags & ORB_SHM_DMA;
	if (!size || (size & (PAGE_SIZE - 1)) || (flags & ~ORB_SHM_DMA) ||
	    size > (dma ? ORB_SHM_DMA_MAX : ORB_SHM_MAX))
		return -ORB_EINVAL;
	struct pci_device *d = NULL;
	if (dma) {
		long err;
		struct cap *c = cap_lookup(p, dev, ORB_OBJ_PCI_DEVICE, ORB_RIGHT_WRITE, &err);
		if (!c)
			return err;
		d = container_of(c->obj, struct pci_device, kobj);
	} else if (dev != ORB_CAP_NONE) {
		return -ORB_EINVAL;
	}
	/* a DMA object is its whole buddy block; a plain one its pages and their array */
	u64 charge = dma ? (u64)PAGE_SIZE << order_of(size) :
		     size + ((u64)PAGE_SIZE << order_of(size / PAGE_SIZE * sizeof(paddr_t)));
	if (!account_fits(p, ORB_RES_SHM, 1) || account_charge(p, ORB_RES_MEMORY, charge) < 0)
		return -ORB_ENOMEM;
	account_charge(p, ORB_RES_SHM, 1);
	struct shm *s = slab_alloc(&shm_slab);
	if (s)
		*s = (struct shm){ .size = size, .npages = (u32)(size / PAGE_SIZE),
				   .flags = (u8)flags, .creator = p->pid, .dev = d };
	if (!s || shm_fill(s) < 0 || !objtable_put((void **)all_shm, s)) {
		if (s && (s->base || s->frames))
			free_frames(s);
		if (s)
			slab_free(&shm_slab, s);
		account_release(p, ORB_RES_SHM, 1);
		account_release(p, ORB_RES_MEMORY, charge);
		return -ORB_ENOMEM;
	}
	s->id = next_shm_id++;
	s->charged = charge;
	s->payer = p;
	s->kobj.unreferenced = shm_unreferenced;
	axiom_shm_created(s->id, s->creator, s->size, s->flags, d ? d->bdf : PCI_NO_DEVICE);
	long h = cap_create_obj(p, ORB_OBJ_SHM, s->id, ORB_RIGHTS_ALL, &s->kobj, -1);
	if (h < 0)
		shm_destroy(s);   /* no capability: nobody could ever name it */
	return h;
}

long sys_shm_map(orb_cptr_t shm, uint64_t vaddr, uint32_t prot, struct syscall_frame *f)
{
	struct process *p = f->t->proc;
	long err;
	struct cap *c = cap_lookup(p, shm, ORB_OBJ_SHM, 0, &err);
	if (!c)
		return err;
	if (prot != ORB_PROT_READ && prot != (ORB_PROT_READ | ORB_PROT_WRITE))
		return -ORB_EINVAL;
	if (!(c->rights & ORB_RIGHT_READ) || ((prot & ORB_PROT_WRITE) && !(c->rights & ORB_RIGHT_WRITE)))
		return -ORB_EPERM;
	if (vaddr & (PAGE_SIZE - 1))
		return -ORB_EINVAL;
	struct shm *s = container_of(c->obj, struct shm, kobj);
	unsigned vm = VM_READ | ((prot & ORB_PROT_WRITE) ? VM_WRITE : 0);
	if ((err = account_mapping(p, s->size)) < 0)
		return err;   /* the frames are the creator's; the page tables are ours */
	struct region *r = region_claim(p, vaddr, s->size, R_SHM, (u8)vm, &err);
	if (!r)
		return err;
	r->shm = s;
	r->object = s->id;
	s->mappings++;
	for (u32 i = 0; i < s->npages; i++) {
		int rc = vm_map(&p->vs, r->base + (u64)i * PAGE_SIZE, shm_frame(s, i), vm | VM_SHARED);
		if (rc < 0) {
			account_tables(p);
			region_release(p, r);   /* unlogged: no commit; drops the mapping count */
			return rc;
		}
	}
	account_tables(p);
	r->logged = true;
	axiom_shm_mapped(p->pid, r->base, s->size, vm, s->id);
	frame_set_out(f, 2, s->size);
	return (long)r->base;
}

long sys_shm_phys(orb_cptr_t shm, uint64_t offset)
{
	long err;
	struct cap *c = cap_lookup(current_process(), shm, ORB_OBJ_SHM, 0, &err);
	if (!c)
		return err;
	struct shm *s = container_of(c->obj, struct shm, kobj);
	if (!(s->flags & ORB_SHM_DMA) || offset >= s->size)
		return -ORB_EINVAL;
	if (s->creator != current_process()->pid)
		return -ORB_EPERM;
	return (long)(s->base + offset);
}
