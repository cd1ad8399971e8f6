/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User mode on wasm64. A thread runs in its own Web Worker; "entering user mode" hands its
 * context to the host, which resumes the worker and unwinds the kernel's call stack (the
 * kernel keeps no state on its stack between entries, as on x86_64). A syscall or a wasm
 * trap in the worker comes back in through wasm_trap with the context filled in.
 */
#include <arch/arch.h>
#include <arch/wasm64/host.h>
#include <kernel/axiom.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <memlayout.h>
#include <mm/vm.h>

void uctx_init(uctx_t *c, u64 entry, u64 stack_top, u64 arg0, u64 arg1)
{
	memset(c, 0, sizeof(*c));
	c->pc = entry;
	c->sp = stack_top;
	c->arg[0] = arg0;
	c->arg[1] = arg1;
}

NORETURN void arch_enter_user(struct thread *t, uctx_t *c, u64 fs)
{
	host_enter_user(t, t->proc->vs.asid, c, t->ipcbuf, fs);
}

NORETURN void arch_run_on_kernel_stack(void (*fn)(void))
{
	fn();
	__builtin_unreachable();
}

void arch_describe_fault(const uctx_t *c, char *buf, size_t len)
{
	static const char *const what[] = { "", "a wasm trap", "its entry returned",
					    "its worker was terminated" };
	snprintf(buf, len, "%s (fault %lu)", c->fault < 4 ? what[c->fault] : "unknown", c->fault);
}

/* Every page of [u, u + n) mapped in the active space with `need` (VM_READ/VM_WRITE). */
static bool user_pages(u64 u, size_t n, unsigned need)
{
	struct vspace *vs = vm_current();
	if (!vs)
		return false;
	for (u64 va = ALIGN_DOWN(u, PAGE_SIZE); va < u + n; va += PAGE_SIZE) {
		unsigned prot;
		if (!vm_query(vs, va, NULL, &prot) || (prot & need) != need)
			return false;
	}
	return true;
}

int arch_copy_from_user(void *dst, u64 usrc, size_t n)
{
	if (!user_pages(usrc, n, VM_READ))
		return -1;
	return host_user_copy(vm_current()->asid, usrc, dst, n, 0);
}

int arch_copy_to_user(u64 udst, const void *src, size_t n)
{
	if (!user_pages(udst, n, VM_WRITE))
		return -1;
	return host_user_copy(vm_current()->asid, udst, (void *)src, n, 1);
}

/* A thread faulted (t->ctx.fault: WASM_FAULT_*): its process dies, as on a CPU exception. */
static void fault(struct thread *t)
{
	char what[96];
	arch_describe_fault(&t->ctx, what, sizeof(what));
	printk("fault: pid %u (%s) thread %lu: %s\n", t->proc->pid, t->proc->name, t->tid, what);
	axiom_process_faulted(t->proc->pid, (u32)t->ctx.fault, what);
	process_exit(t->proc, (i32)t->ctx.fault, EXIT_FAULT);
}

/* The host's way in: thread t (the current one) made a syscall, or trapped (c->fault). */
__attribute__((export_name("wasm_trap"))) void wasm_trap(struct thread *t)
{
	if (t->ctx.fault) {
		fault(t);
		sched_resume();
	}
	syscall_entry_c(t, uctx_result_reg(&t->ctx));   /* no fast path on wasm64: the slow one */
	sched_resume();
}

/* The host's TCB address, if it is a live thread (the host is not trusted to name one). */
static struct thread *thread_at(u64 addr)
{
	struct process *p;
	for (u32 i = 0; (p = process_at(i)); i++)
		for (struct thread *t = p->threads; t; t = t->proc_next)
			if ((u64)(unsigned long)t == addr && t->state != T_ZOMBIE)
				return t;
	return NULL;
}

/* Workers the page terminated: each is a fault of its thread (an interrupt's work). */
void wasm_kills(void)
{
	for (u64 addr; (addr = host_killed());) {
		struct thread *t = thread_at(addr);
		if (!t)
			continue;
		t->ctx.fault = WASM_FAULT_KILLED;
		fault(t);
	}
}

/* After interrupts taken while a thread ran: when that thread is gone, choose another. */
__attribute__((export_name("wasm_resume"))) void wasm_resume(void)
{
	sched_resume();
}
