/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Machine-level services: bring-up order, CPU protections, time, and leaving QEMU.
 */
#include <arch/arch.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/x86.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define DEBUG_EXIT_PORT 0xF4
#define DEBUG_EXIT_SUCCESS 0x10   /* QEMU exits with (0x10 << 1) | 1 = 33 */
#define DEBUG_EXIT_FAILURE 0x11   /* 35 */

bool cpu_has_smep, cpu_has_smap, cpu_has_pcid, cpu_has_invpcid, cpu_has_umip;
bool cpu_has_rdrand, cpu_has_rdseed;
static bool cpu_has_apic;
static u64 tsc_hz = 1000000000;   /* replaced by the PIT calibration */
static u64 tsc_boot;
static char features[64];

NORETURN void arch_halt(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

NORETURN void arch_exit(bool success)
{
	outb(DEBUG_EXIT_PORT, success ? DEBUG_EXIT_SUCCESS : DEBUG_EXIT_FAILURE);
	arch_halt();   /* no isa-debug-exit device: stay halted */
}

void arch_crash(const char *what)
{
	if (!strcmp(what, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(what, "pagefault"))
		*(volatile u64 *)0xdead0000 = 1;
	else if (!strcmp(what, "gp"))
		__asm__ volatile("movq %0, %%rax; movq (%%rax), %%rax" : : "r"(0x8000000000000000ul) : "rax");
}

void cpu_features_init(void)
{
	u32 a, b, c, d, max;
	cpuid(0, 0, &max, &b, &c, &d);
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		cpu_has_smep = b & (1u << 7);
		cpu_has_smap = b & (1u << 20);
		cpu_has_invpcid = b & (1u << 10);
		cpu_has_umip = c & (1u << 2);
		cpu_has_rdseed = b & (1u << 18);
	}
	cpuid(1, 0, &a, &b, &c, &d);
	cpu_has_apic = d & (1u << 9);
	cpu_has_pcid = c & (1u << 17);
	cpu_has_rdrand = c & (1u << 30);

	u64 cr4 = read_cr4() | CR4_PGE;
	if (cpu_has_smep)
		cr4 |= CR4_SMEP;
	if (cpu_has_smap)
		cr4 |= CR4_SMAP;
	if (cpu_has_umip)
		cr4 |= CR4_UMIP;
	write_cr4(cr4);
	/* No FPU/SSE state is kept for user threads (they are built -mgeneral-regs-only):
	 * CR0.EM makes any x87/SSE instruction fault instead of silently sharing state. */
	write_cr0((read_cr0() | CR0_WP | CR0_EM) & ~CR0_MP);
	snprintf(features, sizeof(features), "%s%s%s%s%s%s", cpu_has_smep ? " smep" : "",
		 cpu_has_smap ? " smap" : "", cpu_has_pcid ? " pcid" : "",
		 cpu_has_umip ? " umip" : "", cpu_has_rdrand ? " rdrand" : "",
		 cpu_has_rdseed ? " rdseed" : "");
}

const char *arch_cpu_features(void)
{
	return features;
}

/*
 * Calibrate the TSC against PIT channel 2 over 10 ms (gate via port 0x61). Under an
 * emulator without a PIT the wait is bounded and the 1 GHz default stays.
 */
void time_init(void)
{
	const u32 pit_hz = 1193182, ticks = pit_hz / 100;
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);   /* gate on, speaker off */
	outb(0x43, 0xB0);                          /* channel 2, lo/hi, mode 0 */
	outb(0x42, ticks & 0xFF);
	outb(0x42, ticks >> 8);
	u64 t0 = rdtsc();
	u32 spins = 0;
	while (!(inb(0x61) & 0x20) && ++spins < 50000000)
		;
	u64 t1 = rdtsc();
	if (spins < 50000000 && t1 > t0)
		tsc_hz = (t1 - t0) * 100;
	tsc_boot = t0;
}

u64 arch_cycles_to_ns(u64 dt)
{
	/* No 128-bit division in a freestanding kernel: split whole seconds off first. */
	return dt / tsc_hz * 1000000000u + (dt % tsc_hz) * 1000000000u / tsc_hz;
}

u64 arch_stamp_to_ns(u64 stamp)
{
	return stamp > tsc_boot ? arch_cycles_to_ns(stamp - tsc_boot) : 0;
}

u64 arch_now_ns(void)
{
	return arch_cycles_to_ns(rdtsc() - tsc_boot);
}

u64 arch_tsc_hz(void)
{
	return tsc_hz;
}

void arch_init(void)
{
	gdt_init();
	idt_init();
	cpu_features_init();
	/* The timer and every interrupt go through the local APIC (apic.c); without one the
	 * scheduler would wait for a tick that never comes. Say so and stop instead. */
	if (!cpu_has_apic) {
		printk("cpu: no local APIC (CPUID.01H:EDX.APIC[bit 9] = 0); Orbital needs one "
		       "for its timer and interrupts; stopping\n");
		arch_exit(false);
	}
	time_init();
}
