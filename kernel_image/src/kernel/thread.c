/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Thread lifecycle. Each thread of a process owns one of THREAD_SLOTS slots, which fixes
 * where its kernel-provided user stack and its IPC buffer live (memlayout.h). Stacks get
 * an unmapped guard page below them for free: slots are USER_STACK_SLOT apart and only
 * the top USER_STACK_SIZE of each is mapped.
 *
 * Syscalls here: thread_create, exit, thread_exit, yield, sleep, thread_join.
 */
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/ipc.h>
#include <kernel/panic.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/slab.h>
#include <orbital/abi.h>

static struct slab thread_slab = SLAB_INIT("thread", struct thread, THREADS_MAX);

static vaddr_t slot_stack_base(u8 slot)
{
	return USER_STACK_REGION + (u64)slot * USER_STACK_SLOT + USER_STACK_SLOT -
	       PAGE_SIZE - USER_STACK_SIZE;
}

static vaddr_t slot_ipcbuf(u8 slot)
{
	return USER_IPCBUF_REGION + (u64)slot * USER_IPCBUF_SLOT;
}

struct thread *thread_create(struct process *p, u64 entry, u64 stack, u64 arg, u8 priority,
			     long *err)
{
	*err = -ORB_EINVAL;
	if (!vm_user_entry(&p->vs, entry) || (stack && (stack >= USER_TOP || stack < USER_BASE)))
		return NULL;
	*err = -ORB_ENOMEM;
	if (p->slots_used == ~0ull || account_charge(p, ORB_RES_THREADS, 1) < 0)
		return NULL;
	u8 slot = (u8)__builtin_ctzll(~p->slots_used);
	struct thread *t = slab_alloc(&thread_slab);
	if (!t) {
		account_release(p, ORB_RES_THREADS, 1);
		return NULL;
	}
	/* IPC buffer: two contiguous frames, user RW, NX, reachable by the kernel. */
	vaddr_t ub = slot_ipcbuf(slot);
	struct region *ibr = region_add(p, ub, 2 * PAGE_SIZE, R_IPCBUF, VM_READ | VM_WRITE);
	if (!ibr || account_region(p, 2 * PAGE_SIZE) < 0)
		goto fail;
	ibr->charged = 2 * PAGE_SIZE;   /* region_release gives it back */
	paddr_t buf = frame_alloc(1);
	int rc = buf ? vm_map(&p->vs, ub, buf, VM_READ | VM_WRITE) : -ORB_ENOMEM;
	if (rc == 0 && (rc = vm_map(&p->vs, ub + PAGE_SIZE, buf + PAGE_SIZE, VM_READ | VM_WRITE)) < 0)
		vm_unmap(&p->vs, ub, NULL);
	account_tables(p);
	if (rc < 0) {
		if (buf)
			frame_free(buf, 1);   /* nothing of it is mapped */
		goto fail;
	}
	region_logged(p, ub, 2 * PAGE_SIZE, VM_READ | VM_WRITE);
	if (!stack) {
		vaddr_t sb = slot_stack_base(slot);
		if (!region_add(p, sb, USER_STACK_SIZE, R_STACK, VM_READ | VM_WRITE) ||
		    region_populate(p, sb, USER_STACK_SIZE, VM_READ | VM_WRITE) < 0) {
			struct region *r = region_find(p, sb);
			if (r)
				region_release(p, r);
			goto fail;   /* releases the IPC buffer */
		}
		stack = sb + USER_STACK_SIZE;
		t->kstack_owned = true;
	}
	p->slots_used |= 1ull << slot;
	t->slot = slot;
	t->tid = sched_next_tid();
	t->proc = p;
	t->priority = priority;
	t->slice_ns = QUANTUM_NS;
	t->ipcbuf_user = ub;
	t->ipcbuf = KERNEL_VIRT(buf);
	((orb_ipc_buffer_t *)t->ipcbuf)->self = ub;
	uctx_init(&t->ctx, entry, stack, arg, ub);
	t->state = T_SLEEPING;   /* not runnable until the caller readies it */
	t->proc_next = p->threads;
	p->threads = t;
	p->nthreads++;
	*err = 0;
	return t;
fail:
	if (ibr)
		region_release(p, ibr);
	slab_free(&thread_slab, t);
	account_release(p, ORB_RES_THREADS, 1);
	return NULL;
}

struct thread *thread_by_tid(struct process *p, u64 tid)
{
	for (struct thread *t = p->threads; t; t = t->proc_next)
		if (t->tid == tid)
			return t;
	return NULL;
}

/* Take a thread out of every queue and wait; tell its IPC peers. */
static void detach(struct thread *t)
{
	sched_detach(t);
	ipc_thread_gone(t);
}

void thread_exit(struct thread *t, i32 code)
{
	struct process *p = t->proc;
	detach(t);
	t->state = T_ZOMBIE;
	t->exit_code = code;
	p->nthreads--;
	if (p->nthreads == 0) {
		process_exit(p, code, EXIT_NORMAL);
		return;
	}
	/* A joiner collects the exit code (as u32) and the zombie goes at once. */
	for (struct thread *w = p->threads; w; w = w->proc_next) {
		if (w->state == T_BLOCKED && w->wait == W_JOIN && w->wait_obj == t) {
			uctx_set_arg(&w->ctx, 2, (u64)(i64)code);   /* RDX: the exit code */
			sched_wake(w, 0);
			thread_reap(t);
			return;
		}
	}
}

void thread_reap(struct thread *t)
{
	struct process *p = t->proc;
	if (t->state != T_ZOMBIE) {
		detach(t);
		if (p->nthreads)
			p->nthreads--;
	}
	struct region *r = region_find(p, slot_ipcbuf(t->slot));
	if (r)
		region_release(p, r);
	if (t->kstack_owned && (r = region_find(p, slot_stack_base(t->slot))))
		region_release(p, r);
	p->slots_used &= ~(1ull << t->slot);
	for (struct thread **pp = &p->threads; *pp; pp = &(*pp)->proc_next) {
		if (*pp == t) {
			*pp = t->proc_next;
			break;
		}
	}
	sched_thread_gone(t);
	slab_free(&thread_slab, t);
	account_release(p, ORB_RES_THREADS, 1);
}

/* ---- syscalls: thread_create, exit, thread_exit, yield, sleep, thread_join ---- */

long sys_thread_create(uint64_t entry, uint64_t stack, uint64_t arg, uint32_t priority)
{
	struct thread *self = current();
	if (priority > 255)
		return -ORB_EINVAL;
	if (priority < self->priority)
		return -ORB_EPERM;   /* no thread more urgent than its creator */
	long err;
	struct thread *t = thread_create(self->proc, entry, stack, arg, (u8)priority, &err);
	if (!t)
		return err;
	sched_ready(t);
	return (long)t->tid;
}

long sys_exit(int32_t code)
{
	process_exit(current()->proc, code, EXIT_NORMAL);
	return SYSCALL_NORESULT;
}

long sys_thread_exit(int32_t code)
{
	thread_exit(current(), code);
	return SYSCALL_NORESULT;
}

long sys_yield(void)
{
	sched_yield(current());
	return 0;
}

long sys_sleep(uint64_t ns)
{
	struct thread *t = current();
	if (ns == 0) {
		sched_yield(t);
		return 0;
	}
	uctx_set_result(&t->ctx, 0);
	sched_sleep(t, ns);
	return SYSCALL_NORESULT;
}

long sys_thread_join(uint64_t tid, struct syscall_frame *f)
{
	struct thread *self = f->t;
	struct thread *t = thread_by_tid(self->proc, tid);
	if (!t)
		return -ORB_ENOENT;
	if (t == self)
		return -ORB_EINVAL;
	for (struct thread *w = self->proc->threads; w; w = w->proc_next)
		if (w->state == T_BLOCKED && w->wait == W_JOIN && w->wait_obj == t)
			return -ORB_EBUSY;   /* one joiner per thread */
	if (t->state == T_ZOMBIE) {
		frame_set_out(f, 2, (u64)(i64)t->exit_code);   /* RDX */
		thread_reap(t);
		return 0;
	}
	sched_block(self, W_JOIN, t, 0);
	return SYSCALL_NORESULT;
}
