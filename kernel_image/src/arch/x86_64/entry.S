/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel entry and exit: interrupts/exceptions (trap_entry, reached from vectors.S),
 * SYSCALL (syscall_entry), and the one way back to ring 3 (return_to_user).
 *
 * The kernel keeps one stack per CPU and never sleeps on it: a thread's user registers
 * are saved in its own TCB (struct regs), so blocking is a state change and switching
 * threads means returning to another thread's frame.
 *  - From user mode, TSS.RSP0 and percpu.ctx_top both point at the end of the current
 *    thread's save area: the CPU (interrupt) or syscall_entry (SYSCALL) pushes the frame
 *    there, then we move to the per-CPU kernel stack and call C, which never returns.
 *  - From kernel mode (exceptions in the kernel, interrupts while idle) the frame sits on
 *    the kernel stack and trap_from_kernel returns through iretq.
 * Interrupts are off everywhere in the kernel except the idle loop.
 *
 * With KPTI (kpti.h) user mode runs on tables that map none of the kernel but its entry
 * pages, so the way in switches to the kernel tables before touching anything else and
 * the way out switches back last; and since a thread's save area is not mapped in the
 * user tables, TSS.RSP0 is the per-CPU trampoline stack instead, from which trap_entry
 * moves the frame to the thread once the kernel tables are loaded.
 */
#include <arch/x86_64/kpti.h>
#include <arch/x86_64/regs.h>
#include <arch/x86_64/percpu.h>
#include <orbital/abi_asm.h>

	.macro PUSH_GPRS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro POP_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	.endm

	.section .text.entry, "ax"

	.global trap_entry
	.type trap_entry, @function
trap_entry:
	PUSH_GPRS
	cld
	testb $3, REGS_CS(%rsp)
	jz 1f
	swapgs                          /* from user: */
#ifdef KPTI
	movq %cr3, %rax                 /* the kernel tables (RAX is in the frame already) */
	andq $~KPTI_USER_TABLES, %rax
	movq %rax, %cr3
	movq %rsp, %rsi                 /* the frame, on the trampoline: to the save area */
	movq %gs:PCPU_CTX_TOP, %rdi
	subq $REGS_SIZE, %rdi
	movq %rdi, %rdx
	movl $(REGS_SIZE / 8), %ecx
	rep movsq
	movq %rdx, %rdi
#else
	movq %rsp, %rdi                 /* the frame is the thread's save area */
#endif
	movq %gs:PCPU_KSTACK, %rsp
	call trap_from_user             /* never returns */
	ud2
1:
#ifdef KPTI
	/* In the kernel the kernel tables are loaded, except in the few entry instructions
	 * around a switch — where only an NMI can land: load them, and put back what it found. */
	movq %cr3, %r12                 /* kept across the call (callee-saved) */
	testq $KPTI_USER_TABLES, %r12
	jz 2f
	movq %r12, %rax
	andq $~KPTI_USER_TABLES, %rax
	movq %rax, %cr3
2:
#endif
	movq %rsp, %rdi                 /* from kernel: frame on the kernel stack */
	call trap_from_kernel
#ifdef KPTI
	testq $KPTI_USER_TABLES, %r12
	jz 3f
	movq %r12, %cr3
3:
#endif
	POP_GPRS
	addq $16, %rsp                  /* vector, error */
	iretq
	.size trap_entry, . - trap_entry

/*
 * SYSCALL lands here. The one fast/slow choice of the kernel: endpoint_call and
 * endpoint_reply_recv jump (not call) to their fast path in fastpath.S, which leaves for
 * user mode in the peer thread when every guard holds and otherwise comes back to
 * syscall_slow with every register as the user left it. Everything else is the slow path.
 */
	.global syscall_entry
	.type syscall_entry, @function
syscall_entry:
	swapgs                          /* GS = per-CPU data */
	KERNEL_TABLES_FROM_USER
	cmpq $ORB_SYS_ENDPOINT_CALL, %rax
	je fastpath_call                /* returns to user mode, in the receiver, or misses */
	cmpq $ORB_SYS_ENDPOINT_REPLY_RECV, %rax
	je fastpath_reply_recv          /* returns to user mode, in the caller, or misses */
	.global syscall_slow
syscall_slow:
	movq %rsp, %gs:PCPU_USER_RSP
	movq %gs:PCPU_CTX_TOP, %rsp     /* build the frame in the thread's save area */
	pushq $SEL_UDATA                /* ss */
	pushq %gs:PCPU_USER_RSP         /* rsp */
	pushq %r11                      /* rflags, saved by SYSCALL */
	pushq $SEL_UCODE                /* cs */
	pushq %rcx                      /* rip, saved by SYSCALL */
	pushq $0                        /* error */
	pushq $VEC_SYSCALL              /* vector: entered by SYSCALL, may leave by SYSRET */
	PUSH_GPRS
	movq %rsp, %rdi
	movq %gs:PCPU_KSTACK, %rsp
	call syscall_from_user          /* never returns */
	ud2
	.size syscall_entry, . - syscall_entry

/*
 * return_to_user(struct regs *r): load r and enter ring 3. Interrupts are off; the caller
 * has checked r->rip is canonical and below USER_TOP (the SYSRET #GP-in-ring-0 pitfall).
 * A frame saved by SYSCALL leaves by SYSRET (RCX/R11 are clobbered by the ABI anyway);
 * any other frame leaves by IRETQ, which restores every register.
 */
	.global return_to_user
	.type return_to_user, @function
return_to_user:
	movq %rdi, %rsp
	POP_GPRS
	cmpq $VEC_SYSCALL, (%rsp)
	jne 1f
	movq 16(%rsp), %rcx             /* rip */
	movq 32(%rsp), %r11             /* rflags */
	movq 40(%rsp), %rsp             /* user rsp */
	USER_TABLES
	swapgs
	sysretq
1:	addq $16, %rsp
#ifdef KPTI
	/* IRETQ reads its frame after the switch: copy it to the trampoline stack first */
	movq %rax, %gs:PCPU_USER_RSP    /* the user's RAX, kept in the scratch slot */
	movq %rsp, %rax                 /* the frame: RIP, CS, RFLAGS, RSP, SS */
	movq %gs:PCPU_TRAMPOLINE, %rsp
	pushq 32(%rax)
	pushq 24(%rax)
	pushq 16(%rax)
	pushq 8(%rax)
	pushq (%rax)
	movq %gs:PCPU_USER_CR3, %rax
	movq %rax, %cr3
	movq %gs:PCPU_USER_RSP, %rax
#endif
	swapgs
	iretq
	.size return_to_user, . - return_to_user
