/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Processes and their memory regions.
 *
 * A process is created from an ELF image with one thread; it ends when its last thread
 * exits, when it faults, or when it is killed. Ending releases everything it holds —
 * threads, regions and frames, capabilities, endpoints — and wakes whoever was blocked on
 * it with an error. When init (pid 1) ends, the machine stops: success iff it exited 0.
 *
 * Regions record what the user half holds (ELF segments, stacks, IPC buffers, anonymous
 * mappings) so that overlap is refused and unmap/protect work on whole known ranges.
 */
#include <arch/arch.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/elf.h>
#include <kernel/ipc.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/slab.h>
#include <orbital/abi.h>

static struct slab process_slab = SLAB_INIT("process", struct process, MAX_PROCESSES);
static struct process *table[MAX_PROCESSES];
static u32 next_pid = 1;

struct process *process_by_pid(u32 pid)
{
	for (u32 i = 0; i < MAX_PROCESSES; i++)
		if (table[i] && table[i]->pid == pid && table[i]->state == P_ALIVE)
			return table[i];
	return NULL;
}

struct process *process_at(u32 index)
{
	for (u32 i = 0, n = 0; i < MAX_PROCESSES; i++)
		if (table[i] && table[i]->state == P_ALIVE && n++ == index)
			return table[i];
	return NULL;
}

u64 process_next_pid(void)
{
	return next_pid;
}

u32 process_count(void)
{
	u32 n = 0;
	for (u32 i = 0; i < MAX_PROCESSES; i++)
		n += table[i] && table[i]->state == P_ALIVE;
	return n;
}

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
	if (p->limits.memory_bytes &&
	    (p->vs.pages * PAGE_SIZE) + size > p->limits.memory_bytes)
		return -ORB_ENOMEM;
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		paddr_t pa = frame_alloc(0);
		if (!pa)
			return -ORB_ENOMEM;
		int rc = vm_map(&p->vs, base + off, pa, prot);
		if (rc < 0) {
			frame_free(pa, 0);
			return rc;
		}
	}
	region_logged(p, base, size, prot);
	return 0;
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
	r->kind = R_FREE;
}

struct process *process_spawn_elf(const char *name, const char *image, const u8 *elf,
				  u64 size, u8 priority, u32 parent, long *err)
{
	if (!elf_check(name, elf, size)) {   /* a refused image never becomes a process */
		*err = -ORB_EINVAL;
		return NULL;
	}
	int idx = -1;
	for (int i = 0; i < MAX_PROCESSES && idx < 0; i++)
		if (!table[i])
			idx = i;
	struct process *p = idx < 0 ? NULL : slab_alloc(&process_slab);
	if (!p) {
		*err = -ORB_ENOMEM;
		return NULL;
	}
	p->pid = next_pid++;
	p->parent = parent;
	size_t n = strnlen(name, PROC_NAME_LEN - 1);
	memcpy(p->name, name, n);
	n = strnlen(image, PROC_NAME_LEN - 1);
	memcpy(p->image, image, n);
	p->priority = priority;
	p->start_ns = arch_now_ns();
	p->state = P_ALIVE;
	if (vspace_create(&p->vs) < 0) {
		slab_free(&process_slab, p);
		*err = -ORB_ENOMEM;
		return NULL;
	}
	table[idx] = p;
	axiom_process_created(p);
	if (ipc_process_init(p) < 0) {
		*err = -ORB_ENOMEM;
		process_exit(p, -1, EXIT_KILLED);
		return NULL;
	}
	u64 entry = elf_load(p, elf, size);
	struct thread *t = entry ? thread_create(p, entry, 0, p->pid, priority, err) : NULL;
	if (!t) {
		if (!entry)
			*err = -ORB_EINVAL;
		process_exit(p, -1, EXIT_KILLED);
		return NULL;
	}
	sched_ready(t);
	return p;
}

void process_exit(struct process *p, i32 code, enum exit_reason why)
{
	if (p->state != P_ALIVE)
		return;
	p->exit_code = code;
	p->exit_reason = why;
	/*
	 * Teardown order, and the commits it makes: every thread leaves (peers get EDEAD);
	 * its endpoints and notifications go (CapRemoved for every capability naming them,
	 * then EndpointDestroyed / NotificationDestroyed); its own capabilities go and the
	 * capabilities naming it or its memory (CapRemoved each); then ProcessExited, after
	 * which the replay drops the process with its regions — no MemoryUnmapped needed.
	 */
	while (p->threads)
		thread_reap(p->threads);
	ipc_process_gone(p);
	for (int i = 0; i < MAX_REGIONS; i++)
		cap_remove_all_to(&p->regions[i].kobj);
	axiom_process_exited(p->pid, code);
	p->state = P_DYING;              /* no MemoryUnmapped commits from here on */
	for (int i = 0; i < MAX_REGIONS; i++)
		if (p->regions[i].kind != R_FREE)
			region_release(p, &p->regions[i]);
	vspace_destroy(&p->vs);
	static const char *const how[] = { "exited", "killed by a fault", "killed" };
	printk("process %u (%s) %s, code %d\n", p->pid, p->name, how[why], code);
	u32 pid = p->pid;
	for (int i = 0; i < MAX_PROCESSES; i++)
		if (table[i] == p)
			table[i] = NULL;
	ipc_notify_exit(p);
	slab_free(&process_slab, p);
	if (pid == 1) {
		printk("orbital: init exited with code %d; stopping\n", code);
		axiom_shutdown();
		arch_exit(code == 0);
	}
}
