/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal kernel for testing the machine model without the real one: a GDT with a TSS,
 * 256 interrupt gates, SYSCALL, and a user snippet that takes one trap of each kind.
 * Every trap is recorded in trap_log (vector, CR2, error, RIP, CS, RFLAGS, RSP, SS); the
 * handler steps over the faulting instruction. Vector 0x20 ends the run with
 * isa-debug-exit 0x10, a double fault with 0x11.
 */
	.section .text
	.global __kernel_start, kernel_entry64, isr_base, isr_common, syscall_entry
	.global user_code, user_syscall, user_after_syscall, user_spin
__kernel_start:
kernel_entry64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movabsq $stack_top, %rsp
	movl %edi, boot_magic(%rip)
	movl %esi, boot_info(%rip)
	movb $'m', %al
	movw $0x3F8, %dx
	outb %al, %dx

	/* the TSS descriptor (base split over the descriptor), then GDT, CS, TR */
	movabsq $tss, %rax
	movq %rax, %rdx
	andq $0xFFFFFF, %rdx
	shlq $16, %rdx
	orq $0x67, %rdx
	movabsq $0x0000890000000000, %rcx
	orq %rcx, %rdx
	movq %rax, %rcx
	shrq $24, %rcx
	andq $0xFF, %rcx
	shlq $56, %rcx
	orq %rcx, %rdx
	movq %rdx, gdt+0x28(%rip)
	shrq $32, %rax
	movq %rax, gdt+0x30(%rip)
	movabsq $gdt, %rax
	movq %rax, gdtr+2(%rip)
	lgdt gdtr(%rip)
	pushq $0x08
	leaq 1f(%rip), %rax
	pushq %rax
	lretq
1:	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw $0x28, %ax
	ltr %ax

	/* IDT: gate N -> isr_base + 16 * N, interrupt gates, DPL 0; #DF on IST1 */
	leaq idt(%rip), %rdi
	movabsq $isr_base, %rsi
	xorl %ecx, %ecx
2:	movq %rsi, %rax
	movw %ax, (%rdi)
	movw $0x08, 2(%rdi)
	movb $0, 4(%rdi)
	movb $0x8E, 5(%rdi)
	shrq $16, %rax
	movw %ax, 6(%rdi)
	shrq $16, %rax
	movl %eax, 8(%rdi)
	movl $0, 12(%rdi)
	addq $16, %rdi
	addq $16, %rsi
	incl %ecx
	cmpl $256, %ecx
	jb 2b
	movb $1, idt + 8 * 16 + 4(%rip)
	movabsq $idt, %rax
	movq %rax, idtr+2(%rip)
	lidt idtr(%rip)

	/* SYSCALL: kernel CS 0x08, SYSRET base 0x10 (SS 0x1b, CS 0x23); FMASK IF|TF|DF */
	movl $0xC0000081, %ecx
	xorl %eax, %eax
	movl $0x00100008, %edx
	wrmsr
	movl $0xC0000082, %ecx
	movabsq $syscall_entry, %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	movl $0xC0000084, %ecx
	movl $0x700, %eax
	xorl %edx, %edx
	wrmsr
	movl $0xC0000080, %ecx
	rdmsr
	orl $1, %eax
	wrmsr

	movabsq $kstack_top, %rax
	movq %rax, tss+4(%rip)
	movabsq $ist1_top, %rax
	movq %rax, tss+0x24(%rip)

	/* make 0x400000-0x5fffff user-accessible in the boot tables (reachable through the
	   identity map), copy the user snippet there, and enter ring 3 */
	movq %cr3, %rax
	orq $4, (%rax)
	movq (%rax), %rbx
	andq $-4096, %rbx
	orq $4, (%rbx)
	movq (%rbx), %rbx
	andq $-4096, %rbx
	orq $4, 16(%rbx)
	movq %rax, %cr3
	leaq user_code(%rip), %rsi
	movl $0x400000, %edi
	movl $(user_code_end - user_code), %ecx
	rep movsb
	pushq $0x1b
	pushq $0x600000
	pushq $0x202
	pushq $0x23
	pushq $0x400000
	iretq

	.align 16
isr_base:
	.altmacro
	.macro ISR n
	.align 16
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp isr_common
	.endm
	.set i, 0
	.rept 256
	ISR %i
	.set i, i + 1
	.endr

isr_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	movq trap_count(%rip), %rbx
	shlq $6, %rbx
	leaq trap_log(%rip), %rcx
	addq %rcx, %rbx
	movq 32(%rsp), %rax
	movq %rax, 0(%rbx)
	movq %cr2, %rax
	movq %rax, 8(%rbx)
	movq 40(%rsp), %rax
	movq %rax, 16(%rbx)
	movq 48(%rsp), %rax
	movq %rax, 24(%rbx)
	movq 56(%rsp), %rax
	movq %rax, 32(%rbx)
	movq 64(%rsp), %rax
	movq %rax, 40(%rbx)
	movq 72(%rsp), %rax
	movq %rax, 48(%rbx)
	movq 80(%rsp), %rax
	movq %rax, 56(%rbx)
	incq trap_count(%rip)
	movq 32(%rsp), %rax
	cmpq $0x20, %rax
	je exit_ok
	cmpq $8, %rax
	je exit_fail
	/* step over the faulting user instruction: hlt 1, int/ud2 2, movl imm to (%rcx) 6,
	   anything else (a movq to an absolute address) 8 bytes */
	movq 48(%rsp), %rbx
	movzbl (%rbx), %ecx
	movl $1, %edx
	cmpl $0xF4, %ecx
	je 3f
	movl $2, %edx
	cmpl $0xCD, %ecx
	je 3f
	cmpl $0x0F, %ecx
	je 3f
	movl $6, %edx
	cmpl $0xC7, %ecx
	je 3f
	movl $8, %edx
3:	addq %rdx, 48(%rsp)
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

syscall_entry:
	incq syscall_count(%rip)
	movq %rcx, syscall_rcx(%rip)
	movq %r11, syscall_r11(%rip)
	movq %rsp, syscall_rsp(%rip)
	movq %cr3, %rdx            /* privileged: proves CPL 0 */
	incq %rax
	sysretq

exit_ok:
	movb $0x10, %al
	outb %al, $0xF4
4:	hlt
	jmp 4b
exit_fail:
	movb $0x11, %al
	outb %al, $0xF4
	jmp 4b

user_code:
	movq $0x1234, %rbx
	movl $7, %eax
user_syscall:
	syscall
user_after_syscall:
	ud2
	movq %rax, 0x700000        /* supervisor page: #PF error 7 */
	movq $0x100000000, %rcx
	movl $1, (%rcx)            /* beyond the mapped 4 GiB: #PF error 6 */
	hlt                        /* privileged: #GP(0) */
	int $0x80                  /* DPL 0 gate: #GP(0x402) */
user_spin:
	incq %r12
	jmp user_spin
user_code_end:

	.section .data
	.align 16
gdt:
	.quad 0
	.quad 0x00209A0000000000
	.quad 0x0000920000000000
	.quad 0x0000F20000000000
	.quad 0x0020FA0000000000
	.quad 0, 0
gdtr:
	.word 7 * 8 - 1
	.quad 0
	.align 16
idtr:
	.word 256 * 16 - 1
	.quad 0

	.section .bss
	.align 4096
	.global trap_log, trap_count, syscall_count, syscall_rcx, syscall_r11, syscall_rsp
	.global boot_magic, boot_info, tss
idt:	.skip 256 * 16
tss:	.skip 0x68
	.align 16
trap_log:	.skip 64 * 32
trap_count:	.quad 0
syscall_count:	.quad 0
syscall_rcx:	.quad 0
syscall_r11:	.quad 0
syscall_rsp:	.quad 0
boot_magic:	.long 0
boot_info:	.long 0
	.align 16
	.skip 8192
stack_top:
	.skip 8192
kstack_top:
	.skip 8192
ist1_top:
