/* SPDX-License-Identifier: Apache-2.0 */
/*
 * long sysfuzz_raw(nr, a0, a1, a2, a3, a4, a5): SYSCALL with RAX = nr and the six
 * argument registers as given (the SysV argument order shifted by one: a3 goes from RCX
 * to R10, which SYSCALL needs, and a5 comes from the stack).
 */
	.text
	.global sysfuzz_raw
	.type sysfuzz_raw, @function
sysfuzz_raw:
	movq %rdi, %rax          /* nr */
	movq %rsi, %rdi          /* a0 */
	movq %rdx, %rsi          /* a1 */
	movq %rcx, %rdx          /* a2 */
	movq %r8, %r10           /* a3 */
	movq %r9, %r8            /* a4 */
	movq 8(%rsp), %r9        /* a5 */
	syscall
	ret
	.size sysfuzz_raw, . - sysfuzz_raw
