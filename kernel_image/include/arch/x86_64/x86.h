/* SPDX-License-Identifier: Apache-2.0 */
/* Interfaces between the x86_64 files of the arch layer. */
#pragma once

#include <arch/x86_64/regs.h>
#include <kernel/types.h>

/* Interrupt vectors past the exceptions: the LAPIC timer, I/O APIC pin n at 0x30 + n
 * (apic.c), MSI IRQ n at VEC_MSI_BASE + n - ORB_IRQ_MSI_FIRST (pci.c), spurious at 0xFF. */
#define VEC_MSI_BASE 0x50

/* The data the CPU and the entry code touch before the kernel's page tables are loaded: a
 * section of whole pages that, with KPTI, every user address space maps too. */
#define ENTRY_DATA __attribute__((section(".data.entry")))
#define KPTI_STACK_SIZE 512   /* the trampoline stack: one interrupt frame, with room */

#ifdef KPTI
/* Map [va, end) of the kernel into the kernel half of every user address space. */
void kpti_map(u64 va, u64 end);
#endif

void gdt_init(void);
void idt_init(void);
struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} PACKED;
extern struct tss tss;
extern u64 user_fs_loaded;   /* the FS base in the MSR now */

static inline void tss_set_rsp0(u64 rsp0)
{
	tss.rsp[0] = rsp0;
}
u64 kernel_stack_top(void);
void cpu_features_init(void);
void time_init(void);

NORETURN void kernel_fault(const struct regs *r, const char *why);
void trap_from_kernel(struct regs *r);
NORETURN void trap_from_user(struct regs *r);
NORETURN void syscall_from_user(struct regs *r);
NORETURN void return_to_user(struct regs *r);

/* CPU features found at boot. */
extern bool cpu_has_smep, cpu_has_smap, cpu_has_pcid, cpu_has_invpcid, cpu_has_umip;
extern bool cpu_has_rdrand, cpu_has_rdseed;
