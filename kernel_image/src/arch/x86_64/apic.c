/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interrupt controllers: the local APIC (timer, EOI) and the I/O APIC (device lines).
 *
 * The legacy 8259 PICs are masked entirely. The LAPIC timer runs periodic on vector 0x20,
 * its count calibrated against the TSC (itself calibrated against the PIT) for the
 * requested period. I/O APIC pin n raises vector 0x30 + n, edge-triggered, starting
 * masked; ISA IRQ 0 arrives on pin 2 on PC machines and is not used. MSI-X messages
 * arrive on VEC_MSI_BASE + n (pci.c composes them). Spurious interrupts arrive on 0xFF and
 * need no EOI.
 */
#include <arch/arch.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/x86.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <memlayout.h>

#define LAPIC_PHYS 0xFEE00000ul
#define IOAPIC_PHYS 0xFEC00000ul
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0
#define VEC_TIMER 0x20
#define VEC_IRQ_BASE 0x30
#define VEC_SPURIOUS 0xFF
#define TIMER_PERIODIC (1u << 17)
#define LVT_MASKED (1u << 16)

static volatile u32 *lapic(u32 reg)
{
	return (volatile u32 *)((u8 *)KERNEL_VIRT(LAPIC_PHYS) + reg);
}

static void ioapic_write(u32 reg, u32 v)
{
	volatile u32 *base = KERNEL_VIRT(IOAPIC_PHYS);
	base[0] = reg;
	base[4] = v;
}

static u64 unexpected_count;

void arch_timer_init(u64 period_ns)
{
	outb(0x21, 0xFF);   /* mask both 8259s */
	outb(0xA1, 0xFF);
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1ul << 11));
	*lapic(LAPIC_SVR) = 0x100 | VEC_SPURIOUS;
	*lapic(LAPIC_TIMER_DIV) = 0x3;   /* divide by 16 */
	/* Count LAPIC ticks over 10 ms of TSC time (bounded: an emulator may not tick). */
	*lapic(LAPIC_LVT_TIMER) = LVT_MASKED | VEC_TIMER;
	*lapic(LAPIC_TIMER_INIT) = 0xFFFFFFFF;
	u64 t0 = arch_now_ns();
	for (u32 spin = 0; arch_now_ns() - t0 < 10000000 && spin < 100000000; spin++)
		;
	u32 ticks = 0xFFFFFFFF - *lapic(LAPIC_TIMER_CUR);
	if (ticks < 1000)
		ticks = 1000000;   /* no usable count: some default */
	u64 count = (u64)ticks * period_ns / 10000000;
	*lapic(LAPIC_LVT_TIMER) = VEC_TIMER | TIMER_PERIODIC;
	*lapic(LAPIC_TIMER_INIT) = (u32)(count ? count : 1);
}

void arch_irq_init(void)
{
	for (unsigned pin = 0; pin < IRQ_LINES; pin++) {
		ioapic_write(0x10 + 2 * pin + 1, 0);                     /* to APIC 0 */
		ioapic_write(0x10 + 2 * pin, LVT_MASKED | (VEC_IRQ_BASE + pin));
	}
}

void arch_irq_set_masked(unsigned irq, bool masked)
{
	if (irq < IRQ_LINES)
		ioapic_write(0x10 + 2 * irq, (masked ? LVT_MASKED : 0) | (VEC_IRQ_BASE + irq));
}

static void eoi(void)
{
	*lapic(LAPIC_EOI) = 0;
}

void irq_dispatch(u64 vector)
{
	if (vector == VEC_TIMER) {
		eoi();
		timer_tick();
	} else if (vector >= VEC_IRQ_BASE && vector < VEC_IRQ_BASE + IRQ_LINES) {
		arch_irq_set_masked(vector - VEC_IRQ_BASE, true);   /* until the owner acks */
		eoi();
		irq_fire(vector - VEC_IRQ_BASE);
	} else if (vector >= VEC_MSI_BASE && vector < VEC_MSI_BASE + ORB_IRQ_MSI_COUNT) {
		eoi();   /* MSI-X: irq_fire masks the table entry until the owner acks */
		irq_fire(ORB_IRQ_MSI_FIRST + (unsigned)(vector - VEC_MSI_BASE));
	} else if (vector != VEC_SPURIOUS) {
		eoi();
		if (unexpected_count++ < 8)
			printk("kernel: unexpected interrupt vector %lu\n", vector);
	}
}

u32 arch_port_in(u16 port, unsigned width)
{
	return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
}

void arch_port_write(u16 port, const void *buf, size_t len)
{
	__asm__ volatile("rep outsb" : "+S"(buf), "+c"(len) : "d"(port) : "memory");
}

void arch_port_out(u16 port, unsigned width, u32 value)
{
	if (width == 1)
		outb(port, (u8)value);
	else if (width == 2)
		outw(port, (u16)value);
	else
		outl(port, value);
}
