/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Probes for the Unicorn machine-model tests (tests/emu): each puts known values in the
 * registers around one `syscall` at a global label, so the test can stop there and at
 * the next instruction and compare. Nothing here checks anything itself.
 */
#include <orbital/abi_asm.h>

	.text

/* void emu_null_syscall(void): nop with every callee-saved register and CF set. */
	.global emu_null_syscall, emu_null_syscall_insn, emu_null_syscall_ret
	.type emu_null_syscall, @function
emu_null_syscall:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movabsq $0x1111111111111111, %rbx
	movabsq $0x2222222222222222, %rbp
	movabsq $0x3333333333333333, %r12
	movabsq $0x4444444444444444, %r13
	movabsq $0x5555555555555555, %r14
	movabsq $0x6666666666666666, %r15
	movabsq $0x7777777777777771, %rdi   /* arguments: nop has none, none may leak */
	movabsq $0x7777777777777772, %rsi
	movabsq $0x7777777777777773, %rdx
	movabsq $0x7777777777777774, %r10
	movabsq $0x7777777777777775, %r8
	movabsq $0x7777777777777776, %r9
	movl $ORB_SYS_NOP, %eax
	stc                                 /* CF: user flags must come back as they went */
emu_null_syscall_insn:
	syscall
emu_null_syscall_ret:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret
	.size emu_null_syscall, . - emu_null_syscall

/* long emu_raw_syscall(u64 nr): a syscall with number nr and no arguments. */
	.global emu_raw_syscall, emu_raw_syscall_insn, emu_raw_syscall_ret
	.type emu_raw_syscall, @function
emu_raw_syscall:
	movq %rdi, %rax
	xorl %edi, %edi
emu_raw_syscall_insn:
	syscall
emu_raw_syscall_ret:
	ret
	.size emu_raw_syscall, . - emu_raw_syscall

/* void emu_spin_a(void), emu_spin_b(void): never return; the test preempts them. */
	.global emu_spin_a, emu_spin_b
	.type emu_spin_a, @function
emu_spin_a:
	incq %r12
	jmp emu_spin_a
	.size emu_spin_a, . - emu_spin_a
	.type emu_spin_b, @function
emu_spin_b:
	incq %r13
	jmp emu_spin_b
	.size emu_spin_b, . - emu_spin_b
