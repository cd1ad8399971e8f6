/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The user side of the arch boundary: thread register contexts, entering ring 3, traps
 * and syscalls coming from ring 3, and the fault report for a user thread.
 */
#include <arch/arch.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/x86.h>
#include <kernel/axiom.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <memlayout.h>
#include <mm/vm.h>

extern long arch_copy_user(void *dst, const void *src, size_t n);
extern const char *trap_name(u64 vector);
void irq_dispatch(u64 vector);

u64 user_fs_loaded;   /* the FS base in the MSR now (fastpath.S switches it too) */

void uctx_init(uctx_t *c, u64 entry, u64 stack_top, u64 arg0, u64 arg1)
{
	memset(c, 0, sizeof(*c));
	c->rip = entry;
	c->rsp = stack_top - 8;   /* as if called: (RSP + 8) % 16 == 0 at entry */
	c->rdi = arg0;
	c->rsi = arg1;
	c->cs = SEL_UCODE;
	c->ss = SEL_UDATA;
	c->rflags = RFLAGS_IF | 0x2;
	c->vector = 0;   /* first entry goes through IRETQ */
}

int arch_user_copy(void *dst, const void *src, size_t n)
{
	if (cpu_has_smap)
		stac();
	long rc = arch_copy_user(dst, src, n);
	if (cpu_has_smap)
		clac();
	return rc ? -1 : 0;
}

NORETURN void arch_enter_user(struct thread *t, uctx_t *c, u64 fs)
{
	/*
	 * SYSRET to a non-canonical RIP faults in ring 0 on Intel CPUs (and IRETQ would fault
	 * on the kernel stack too): a user RIP at or above USER_TOP never leaves the kernel.
	 * A `syscall` in the last bytes below USER_TOP would produce one; mappings stop a page
	 * short of USER_TOP, so this only catches kernel bugs.
	 */
	if (unlikely(c->rip >= USER_TOP - PAGE_SIZE)) {
		printk("kernel: thread %lu has non-canonical RIP %p; killing its process\n", t->tid,
		       (void *)c->rip);
		process_exit(t->proc, -1, EXIT_FAULT);
		sched_resume();
	}
	u64 top = (u64)c + sizeof(*c);
	cpu0.ctx_top = top;
	cpu0.current = t;
#ifdef KPTI
	cpu0.user_cr3 = vm_user_cr3();   /* return_to_user switches to it last */
#else
	tss_set_rsp0(top);
#endif
	if (fs != user_fs_loaded) {
		wrmsr(MSR_FS_BASE, fs);
		user_fs_loaded = fs;
	}
	return_to_user(c);
}

void arch_describe_fault(const uctx_t *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s at RIP %p", trap_name(c->vector), (void *)c->rip);
	if (c->vector == 14)
		snprintf(buf + n, len - n, ": %s %p (%s%s)", (c->error & 16) ? "fetch from" :
			 (c->error & 2) ? "write to" : "read from", (void *)read_cr2(),
			 (c->error & 1) ? "protection violation" : "not mapped",
			 (read_cr2() >= USER_TOP) ? ", kernel address" : "");
	else if (c->vector == 13)
		snprintf(buf + n, len - n, " (privileged instruction or non-canonical address)");
}

NORETURN void trap_from_user(struct regs *r)
{
	if (r->vector >= 32) {
		irq_dispatch(r->vector);
		sched_resume();
	}
	struct thread *t = current();
	char what[160];
	arch_describe_fault(r, what, sizeof(what));
	printk("fault: pid %u (%s) thread %lu: %s\n", t->proc->pid, t->proc->name, t->tid, what);
	axiom_process_faulted(t->proc->pid, (u32)r->vector, what);
	process_exit(t->proc, (i32)r->vector, EXIT_FAULT);
	sched_resume();
}

/* The slow path's way in (entry.S: syscall_slow), with r = the caller's saved frame. */
NORETURN void syscall_from_user(struct regs *r)
{
	syscall_entry_c(current(), r->rax);
	sched_resume();
}

NORETURN void arch_run_on_kernel_stack(void (*fn)(void))
{
	__asm__ volatile("movq %0, %%rsp\n\t"
			 "xorl %%ebp, %%ebp\n\t"
			 "call *%1"
			 :
			 : "r"(cpu0.kstack_top), "r"(fn)
			 : "memory");
	__builtin_unreachable();
}

void arch_idle_wait(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}
