/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process and thread entry. The kernel starts every thread with
 *   RDI = the thread's argument, RSI = its IPC buffer (also its FS base), RSP = stack top.
 * _start clears the frame pointer (end of backtraces), aligns the stack and calls
 * orb_start(arg, ipcbuf), which runs main and exits with its result.
 */
	.section .text.start, "ax"
	.global _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andq $-16, %rsp
	call orb_start
	ud2
	.size _start, . - _start
