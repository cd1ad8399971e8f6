/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The 256 interrupt entry stubs isr_0 .. isr_255 and their table.
 * Each pushes a zero error code where the CPU does not push one, then its vector, and
 * joins trap_entry (entry.S). Vectors with a CPU error code: 8 10 11 12 13 14 17 21 29 30.
 */
#include <arch/x86_64/regs.h>

	.altmacro
	.macro ISR n
	.align 16
	.global isr_\n
	.type isr_\n, @function
isr_\n:
	.if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushq $0
	.endif
	pushq $\n
	jmp trap_entry
	.size isr_\n, . - isr_\n
	.endm

	.macro ISR_ADDR n
	.quad isr_\n
	.endm

	.section .text.entry, "ax"   /* with KPTI, user address spaces map it too */
	.set i, 0
	.rept 256
	ISR %i
	.set i, i + 1
	.endr

	.section .rodata
	.align 8
	.global isr_stub_table
isr_stub_table:
	.set i, 0
	.rept 256
	ISR_ADDR %i
	.set i, i + 1
	.endr
