/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Processes.
 *
 * A process is created from an ELF image with one thread; it ends when its last thread
 * exits, when it faults, or when it is killed. Ending releases everything it holds —
 * threads, regions and frames, capabilities, endpoints — and wakes whoever was blocked on
 * it with an error. When init (pid 1) ends, the machine stops: success iff it exited 0.
 *
 * Syscalls here: process_self, process_list, process_kill (process_spawn is in spawn.c,
 * memory regions and mem_* in memory.c).
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/program.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/usercopy.h>
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

struct process *process_spawn_elf(const char *name, const char *image, const u8 *elf,
				  u64 size, u8 priority, u32 parent, struct process *spawner,
				  const u64 *limits, long *err)
{
	if (!program_check(name, elf, size)) {   /* a refused image never becomes a process */
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
	p->parent = parent;
	size_t n = strnlen(name, PROC_NAME_LEN - 1);
	memcpy(p->name, name, n);
	n = strnlen(image, PROC_NAME_LEN - 1);
	memcpy(p->image, image, n);
	p->priority = priority;
	p->start_ns = arch_now_ns();
	p->state = P_ALIVE;
	if ((*err = account_open(p, spawner, limits)) < 0) {
		slab_free(&process_slab, p);
		return NULL;
	}
	if (vspace_create(&p->vs) < 0) {
		account_close(p);
		slab_free(&process_slab, p);
		*err = -ORB_ENOMEM;
		return NULL;
	}
	p->pid = next_pid++;   /* only now: the replay counts pids from ProcessCreated */
	account_tables(p);
	table[idx] = p;
	axiom_process_created(p);
	if (ipc_process_init(p) < 0) {
		*err = -ORB_ENOMEM;
		process_exit(p, -1, EXIT_KILLED);
		return NULL;
	}
	u64 entry = program_load(p, elf, size);
	struct thread *t = entry ? thread_create(p, entry, 0, p->pid, priority, err) : NULL;
	if (!t) {
		if (!entry)
			*err = -ORB_ENOMEM;   /* the image was checked: what failed is room */
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
	irq_process_gone(p);
	ipc_process_gone(p);
	for (int i = 0; i < MAX_REGIONS; i++)
		cap_remove_all_to(&p->regions[i].kobj);
	cap_remove_all_to(&p->kobj);     /* CSPACE capabilities naming it */
	axiom_process_exited(p->pid, code);
	p->state = P_DYING;              /* no MemoryUnmapped commits from here on */
	for (int i = 0; i < MAX_REGIONS; i++)
		if (p->regions[i].kind != R_FREE)
			region_release(p, &p->regions[i]);
	vspace_destroy(&p->vs);
	account_release(p, ORB_RES_MEMORY, p->acct.tables * PAGE_SIZE);
	p->acct.tables = 0;
	static const char *const how[] = { "exited", "killed by a fault", "killed" };
	printk("process %u (%s) %s, code %d\n", p->pid, p->name, how[why], code);
	u32 pid = p->pid;
	for (int i = 0; i < MAX_PROCESSES; i++)
		if (table[i] == p)
			table[i] = NULL;
	ipc_notify_exit(p);
	account_close(p);
	slab_free(&process_slab, p);
	if (pid == 1) {
		printk("orbital: init exited with code %d; stopping\n", code);
		axiom_shutdown();
		arch_exit(code == 0);
	}
}

/* ---- syscalls: process_self, process_list, process_kill (process_spawn: spawn.c) ---- */

long sys_process_self(void)
{
	return current()->proc->pid;
}

long sys_process_list(uint64_t buf, size_t len)
{
	u32 n = process_count();
	size_t fit = len / sizeof(orb_proc_entry_t);
	int ok = user_writable(buf, MIN(fit, (size_t)n) * sizeof(orb_proc_entry_t));
	if (ok < 0)
		return ok;   /* nothing written */
	for (u32 i = 0; i < n && i < fit; i++) {
		struct process *p = process_at(i);
		orb_proc_entry_t e = {
			.pid = p->pid,
			.parent = p->parent,
			.state = (u8)p->state,
			.priority = p->priority,
			.nthreads = p->nthreads,
			.cpu_ns = arch_cycles_to_ns(p->cpu_cycles),
			.mem_pages = p->vs.pages,
			.ncaps = p->cspace ? (u16)p->cspace->live : 0,
		};
		memcpy(e.name, p->name, sizeof(e.name));
		memcpy(e.limits, p->acct.limit, sizeof(e.limits));
		memcpy(e.usage, p->acct.used, sizeof(e.usage));
		int rc = copy_to_user(buf + i * sizeof(e), &e, sizeof(e));
		if (rc < 0)
			return rc;
	}
	return n;
}

long sys_process_kill(orb_cptr_t proc, uint32_t pid)
{
	struct process *me = current()->proc, *target = NULL;
	long rc = cap_lookup_process(me, proc, ORB_RIGHT_WRITE, &target);
	if (rc < 0)
		return rc;
	if (!target) {   /* the root capability: any process */
		target = process_by_pid(pid);
		if (!target)
			return -ORB_ENOENT;
	} else if (target->pid != pid) {
		return -ORB_EPERM;   /* the capability names another process */
	}
	process_exit(target, -1, EXIT_KILLED);
	return target == me ? SYSCALL_NORESULT : 0;
}
