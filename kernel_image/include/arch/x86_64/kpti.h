/* SPDX-License-Identifier: Apache-2.0 */
/*
 * KPTI, for the entry code (entry.S, fastpath.S). With the image option kpti = true every
 * address space has user tables one page above its kernel tables (mmu.c): user mode runs
 * on them, and they map of the kernel only the entry pages. These macros switch between
 * the two on the way in and out of the kernel; without KPTI they are empty.
 */
#pragma once

#include <arch/x86_64/percpu.h>

#define KPTI_USER_TABLES 0x1000   /* CR3 bit 12: the user tables of the same space */

#ifdef __ASSEMBLER__
#ifdef KPTI
/* Just in from user mode by SYSCALL (GS already the kernel's): load the kernel tables,
 * every register kept (RSP borrowed through the per-CPU scratch slot). */
	.macro KERNEL_TABLES_FROM_USER
	movq %rsp, %gs:PCPU_USER_RSP
	movq %cr3, %rsp
	andq $~KPTI_USER_TABLES, %rsp
	movq %rsp, %cr3
	movq %gs:PCPU_USER_RSP, %rsp
	.endm

/* About to leave for user mode with every user register loaded, RSP included, and GS
 * still the kernel's: load the user tables (percpu.user_cr3). After this, only the entry
 * pages are mapped. */
	.macro USER_TABLES
	movq %rsp, %gs:PCPU_USER_RSP
	movq %gs:PCPU_USER_CR3, %rsp
	movq %rsp, %cr3
	movq %gs:PCPU_USER_RSP, %rsp
	.endm
#else
	.macro KERNEL_TABLES_FROM_USER
	.endm
	.macro USER_TABLES
	.endm
#endif
#endif
