/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPC syscalls at global labels for the machine-model tests (tests/emu/test_ipc.py):
 * the test stops at *_insn (the `syscall`) and *_ret (the instruction after it) and
 * reads the registers there. Each wrapper stores what came back in a struct emu_regs
 * { rax, rdi, rsi, rdx, r10, r8, r9 }.
 */
#include <orbital/abi_asm.h>

	.text

	.macro SAVE_OUT
	movq %rax, 0(%r11)
	movq %rdi, 8(%r11)
	movq %rsi, 16(%r11)
	movq %rdx, 24(%r11)
	movq %r10, 32(%r11)
	movq %r8, 40(%r11)
	movq %r9, 48(%r11)
	.endm

/* long emu_call(u64 h, u64 info, const u64 mr[4], struct emu_regs *out) */
	.global emu_call, emu_call_insn, emu_call_ret
	.type emu_call, @function
emu_call:
	pushq %rcx                      /* out: SYSCALL clobbers rcx and r11 */
	movq %rdx, %rax
	movq 0(%rax), %rdx
	movq 8(%rax), %r10
	movq 16(%rax), %r8
	movq 24(%rax), %r9
	movl $ORB_SYS_ENDPOINT_CALL, %eax
emu_call_insn:
	syscall
emu_call_ret:
	popq %r11
	SAVE_OUT
	ret
	.size emu_call, . - emu_call

/* long emu_reply_recv(u64 h, u64 info, const u64 mr[4], struct emu_regs *out) */
	.global emu_reply_recv, emu_rr_insn, emu_rr_ret
	.type emu_reply_recv, @function
emu_reply_recv:
	pushq %rcx
	movq %rdx, %rax
	movq 0(%rax), %rdx
	movq 8(%rax), %r10
	movq 16(%rax), %r8
	movq 24(%rax), %r9
	movl $ORB_SYS_ENDPOINT_REPLY_RECV, %eax
emu_rr_insn:
	syscall
emu_rr_ret:
	popq %r11
	SAVE_OUT
	ret
	.size emu_reply_recv, . - emu_reply_recv

/* long emu_recv_wait(u64 h, u64 timeout_ns, struct emu_regs *out) */
	.global emu_recv_wait, emu_recv_insn, emu_recv_ret
	.type emu_recv_wait, @function
emu_recv_wait:
	pushq %rdx
	movl $ORB_SYS_ENDPOINT_RECEIVE_WAIT, %eax
emu_recv_insn:
	syscall
emu_recv_ret:
	popq %r11
	SAVE_OUT
	ret
	.size emu_recv_wait, . - emu_recv_wait

/* long emu_reply(u64 info, const u64 mr[4]) */
	.global emu_reply
	.type emu_reply, @function
emu_reply:
	movq %rdi, %rax
	movq %rsi, %r11
	xorl %edi, %edi
	movq %rax, %rsi
	movq 0(%r11), %rdx
	movq 8(%r11), %r10
	movq 16(%r11), %r8
	movq 24(%r11), %r9
	movl $ORB_SYS_ENDPOINT_REPLY, %eax
	syscall
	ret
	.size emu_reply, . - emu_reply
