/* SPDX-License-Identifier: Apache-2.0 */
/* Thread syscalls: create, exit, yield, sleep, join. */
#include <gen/syscall_table.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/syscall.h>

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
