/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Trap dispatch and the kernel fault report.
 *
 * A fault in kernel mode is a kernel bug unless the faulting instruction is listed in the
 * exception table (.extable: the user-copy routines), in which case execution resumes at
 * its fixup. Anything else prints vector, error code, RIP, CR2, CR3, every register and a
 * frame-pointer backtrace — `orbital-qemu` symbolizes the addresses — then exits QEMU with
 * the failure code.
 */
#include <arch/arch.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/x86.h>
#include <kernel/axiom.h>
#include <kernel/printk.h>
#include <memlayout.h>

struct extable_entry {
	u64 insn;
	u64 fixup;
};
extern const struct extable_entry __extable_start[], __extable_end[];
extern char __kernel_start[], __text_end[];
extern char boot_stack_bottom[], boot_stack_top[];

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
	"coprocessor overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack segment", "#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

const char *trap_name(u64 vector)
{
	if (vector < 32)
		return exception_names[vector];
	if (vector == VEC_SYSCALL)
		return "syscall";
	return "interrupt";
}

static bool in_kernel_text(u64 a)
{
	return a >= (u64)__kernel_start && a < (u64)__text_end;
}

static void backtrace(u64 rbp)
{
	for (int depth = 1; depth < 16 && rbp; depth++) {
		/* Follow the frame-pointer chain only while it stays inside a kernel stack. */
		if (rbp < KERNEL_VMA || (rbp & 7))
			break;
		u64 *frame = (u64 *)rbp;
		u64 ret = frame[1];
		if (!in_kernel_text(ret))
			break;
		printk("  #%d %p\n", depth, (void *)ret);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

NORETURN void kernel_fault(const struct regs *r, const char *why)
{
	cli();
	printk("\n*** KERNEL FAULT: %s: vector %lu (%s), error %#lx\n", why, r->vector,
	       trap_name(r->vector), r->error);
	printk("  RIP %p  CS %#lx  RFLAGS %#lx\n", (void *)r->rip, r->cs, r->rflags);
	printk("  CR2 %p  CR3 %p  RSP %p\n", (void *)read_cr2(), (void *)read_cr3(),
	       (void *)r->rsp);
	if (r->vector == 14)
		printk("  page fault: %s, %s, %s mode%s%s\n",
		       r->error & 1 ? "protection violation" : "page not present",
		       r->error & 2 ? "write" : "read", r->error & 4 ? "user" : "kernel",
		       r->error & 8 ? ", reserved bit set" : "",
		       r->error & 16 ? ", instruction fetch" : "");
	printk("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
	printk("  RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", r->rsi, r->rdi, r->rbp, r->r8);
	printk("  R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", r->r9, r->r10, r->r11, r->r12);
	printk("  R13 %016lx R14 %016lx R15 %016lx\n", r->r13, r->r14, r->r15);
	printk("backtrace:\n  #0 %p\n", (void *)r->rip);
	backtrace(r->rbp);
	printk("*** kernel halted\n");
	axiom_panic();   /* every commit made so far reaches the host log, sealed */
	arch_exit(false);
}

/* Resume at the fixup of a faulting user-copy instruction, if this is one. */
static bool extable_fixup(struct regs *r)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->insn == r->rip) {
			r->rip = e->fixup;
			return true;
		}
	}
	return false;
}

void irq_dispatch(u64 vector);

void trap_from_kernel(struct regs *r)
{
	if (r->vector >= 32) {
		irq_dispatch(r->vector);
		return;
	}
	if (r->vector == 14 && extable_fixup(r))
		return;
	kernel_fault(r, "exception in kernel mode");
}
