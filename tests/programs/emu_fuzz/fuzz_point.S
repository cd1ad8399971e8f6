/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fuzz point: a `syscall` at a global label, and the label after it, in a loop. The
 * harness (orbital_build/fuzz/harness.py) stops the thread at emu_fuzz_insn, writes the
 * registers of the syscall it wants, and runs until the thread is at emu_fuzz_ret again;
 * nothing here chooses a syscall itself (left alone, it calls nop forever).
 */
	.text
	.global emu_fuzz_loop, emu_fuzz_insn, emu_fuzz_ret
	.type emu_fuzz_loop, @function
emu_fuzz_loop:
	xorl %eax, %eax
emu_fuzz_insn:
	syscall
emu_fuzz_ret:
	jmp emu_fuzz_loop
	.size emu_fuzz_loop, . - emu_fuzz_loop
