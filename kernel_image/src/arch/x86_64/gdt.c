/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Segments: the final GDT, the TSS (ring-0 stack for user traps, IST stacks for double
 * fault / NMI / machine check), the per-CPU block behind GS, and the SYSCALL MSRs.
 *
 * Selector order is fixed by SYSCALL/SYSRET: STAR[47:32] = 0x08 gives kernel CS 0x08 and
 * SS 0x10; STAR[63:48] = 0x10 gives user SS 0x10+8 = 0x18 and CS 0x10+16 = 0x20 (RPL 3).
 */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/regs.h>
#include <arch/x86_64/x86.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <mm/vm.h>

static u64 gdt[7] ENTRY_DATA __attribute__((aligned(16)));
struct tss tss ENTRY_DATA __attribute__((aligned(16)));
static u8 ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
static u8 kernel_stack[KERNEL_STACK_SIZE] __attribute__((aligned(16)));
struct percpu cpu0 ENTRY_DATA;
/* With KPTI the CPU pushes a user-mode interrupt frame here (TSS.RSP0), where the user
 * tables map it; trap_entry moves it to the thread's save area once on the kernel's. */
static u8 kpti_stack[KPTI_STACK_SIZE] ENTRY_DATA __attribute__((aligned(16)));

struct descriptor_ptr {
	u16 limit;
	u64 base;
} PACKED;

extern void syscall_entry(void);

/* Move the per-CPU kernel stack and the IST stacks to guarded mappings (after vm_init). */
void arch_stacks_init(void)
{
	cpu0.kstack_top = vm_map_kernel_stack(0, KERNEL_STACK_SIZE);
	cpu0.ctx_top = cpu0.kstack_top;
	cpu0.trampoline = (u64)kpti_stack + sizeof(kpti_stack);
#ifdef KPTI
	tss.rsp[0] = cpu0.trampoline;   /* for good: user-mode traps start on the trampoline */
#else
	tss.rsp[0] = cpu0.kstack_top;   /* from here on, the running thread's save area */
#endif
	for (int i = 0; i < 3; i++) {
		tss.ist[i] = vm_map_kernel_stack(1 + i, IST_STACK_SIZE);
#ifdef KPTI
		kpti_map(tss.ist[i] - IST_STACK_SIZE, tss.ist[i]);   /* the CPU switches to it */
#endif
	}
}

u64 kernel_stack_top(void)
{
	return (u64)kernel_stack + sizeof(kernel_stack);
}

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = 0x00209A0000000000;   /* 0x08 kernel code, 64-bit */
	gdt[2] = 0x0000920000000000;   /* 0x10 kernel data */
	gdt[3] = 0x0000F20000000000;   /* 0x18 user data, DPL 3 */
	gdt[4] = 0x0020FA0000000000;   /* 0x20 user code, 64-bit, DPL 3 */

	memset(&tss, 0, sizeof(tss));
	tss.rsp[0] = kernel_stack_top();
	for (int i = 0; i < 3; i++)
		tss.ist[i] = (u64)ist_stacks[i] + IST_STACK_SIZE;   /* IST1..IST3 */
	tss.iomap_base = sizeof(tss);  /* no I/O bitmap: every port is privileged */
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;
	gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ul << 40) |
		 (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[6] = base >> 32;

	struct descriptor_ptr gdtr = { sizeof(gdt) - 1, (u64)gdt };
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ds\n\t"
			 "movw %w2, %%es\n\t"
			 "movw %w2, %%ss\n\t"
			 "movw %w3, %%fs\n\t"
			 "movw %w3, %%gs\n\t"
			 "ltr %w4"
			 :
			 : "m"(gdtr), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(0), "r"(SEL_TSS)
			 : "rax", "memory");

	/* GS: the per-CPU block (KERNEL_GS_BASE holds the user value, 0, for swapgs). */
	cpu0.self = &cpu0;
	cpu0.kstack_top = kernel_stack_top();
	cpu0.ctx_top = kernel_stack_top();
	wrmsr(MSR_GS_BASE, (u64)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_FS_BASE, 0);

	/* SYSCALL: entry point, selectors, and flags cleared on entry. */
	wrmsr(MSR_STAR, ((u64)0x10 << 48) | ((u64)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT | RFLAGS_IOPL);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
}
