/* SPDX-License-Identifier: Apache-2.0 */
/*
 * arch_copy_user(dst, src, n): the only instructions in the kernel allowed to touch user
 * memory. Returns 0, or -1 if the copy faulted: the page-fault handler finds the faulting
 * `rep movsb` in .extable and resumes at the fixup. The caller has checked that the user
 * range lies below USER_TOP and opened SMAP (stac) around the call.
 */
	.section .text
	.global arch_copy_user
	.type arch_copy_user, @function
arch_copy_user:
	movq %rdx, %rcx
1:	rep movsb
	xorl %eax, %eax
	ret
2:	movq $-1, %rax
	ret
	.size arch_copy_user, . - arch_copy_user

	.section .extable, "a"
	.quad 1b, 2b
