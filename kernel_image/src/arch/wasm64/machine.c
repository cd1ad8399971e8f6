/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wasm64 machine: a browser host (orbital_build/wasm/site/kernel.js) in place of the
 * CPU, timer, serial port and debug-exit device. Time is the host's monotonic clock in
 * ns, so "cycles" are ns. Interrupts arrive only while the kernel waits for them (idle,
 * or while a user thread runs in its worker): the host calls wasm_interrupt, which runs
 * the same generic handlers as the x86_64 vectors do (timer_tick, irq_fire). A running
 * user thread is never preempted mid-instruction; a reschedule the tick asks for happens
 * at its next syscall.
 *
 * The serial port: COM1's registers (0x3F8..0x3FF), the ones the shell's driver uses
 * through its IoPort capability, are emulated on the page's terminal, and IRQ 4 fires
 * while input waits and the driver enabled receive interrupts.
 */
#include <arch/arch.h>
#include <arch/wasm64/host.h>
#include <kernel/bootinfo.h>
#include <kernel/irq.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <memlayout.h>

#define COM1 0x3F8
#define COM1_IRQ 4
#define STREAM_PORT 0xE9

struct thread *wasm_current;
static u32 irq_masked = ~0u;
static u8 uart_ier, uart_lcr;
static i64 uart_next = -1;   /* a byte read from the host, not yet taken */

void arch_console_init(void)
{
}

void arch_console_putc(char c)
{
	host_console_write(&c, 1);
}

bool arch_console_getc(char *c)
{
	i64 b = uart_next >= 0 ? uart_next : host_console_read();
	uart_next = -1;
	if (b < 0)
		return false;
	*c = (char)b;
	return true;
}

NORETURN void arch_exit(bool success)
{
	host_halt(success);
}

NORETURN void arch_halt(void)
{
	host_halt(0);
}

void arch_crash(const char *what)
{
	if (!strcmp(what, "ud2"))
		__builtin_trap();   /* a wasm trap: the host reports the kernel stopped */
}

/* The host passes the size of kernel memory in pages and nothing else. */
bool arch_bootinfo(u32 pages, u32 unused)
{
	(void)unused;
	u64 top = (u64)pages * PAGE_SIZE;
	bootinfo.usable[0] = (struct mem_range){ PAGE_SIZE, top - PAGE_SIZE };
	bootinfo.nusable = 1;
	bootinfo.mem_total = top - PAGE_SIZE;
	bootinfo.mem_top = top;
	return top > BOOT_ARCHIVE_PHYS();
}

void arch_init(void)
{
}

void arch_stacks_init(void)
{
}

const char *arch_cpu_features(void)
{
	return " wasm64 memory64";
}

u64 arch_now_ns(void)
{
	return host_now_ns();
}

/* The browser's random source stands where RDSEED does on x86_64. */
long arch_entropy_u64(u64 *out)
{
	*out = host_entropy();
	return 0;
}

u64 arch_tsc_hz(void)
{
	return 1000000000ull;
}

u64 arch_cycles_to_ns(u64 cycles)
{
	return cycles;
}

u64 arch_stamp_to_ns(u64 stamp)
{
	return stamp;
}

void arch_timer_init(u64 period_ns)
{
	host_timer_start(period_ns);
}

/* COM1 has input for the driver: IRQ 4 fires (irq_fire masks it until irq_ack). */
static void uart_poll(void)
{
	if (!(uart_ier & 1) || (irq_masked & (1u << COM1_IRQ)))
		return;
	if (uart_next < 0)
		uart_next = host_console_read();
	if (uart_next >= 0)
		irq_fire(COM1_IRQ);
}

static void interrupt(u32 events)
{
	if (events & WASM_EV_TICK)
		timer_tick();
	if (events & WASM_EV_CONSOLE)
		uart_poll();
	if (events & WASM_EV_KILL)
		wasm_kills();
}

void arch_idle_wait(void)
{
	interrupt(host_idle());
}

/* The host calls this while a user thread runs: handlers only, no switch. True when the
 * running thread is gone (killed): the host then calls wasm_resume. */
__attribute__((export_name("wasm_interrupt"))) u32 wasm_interrupt(u32 events)
{
	struct thread *was = current();
	interrupt(events);
	return was && current() != was;
}

void arch_irq_init(void)
{
}

void arch_irq_set_masked(unsigned irq, bool masked)
{
	if (irq >= 32)
		return;
	if (masked)
		irq_masked |= 1u << irq;
	else
		irq_masked &= ~(1u << irq);
}

u32 arch_port_in(u16 port, unsigned width)
{
	(void)width;
	switch (port - COM1) {
	case 0:   /* RBR */
		if (uart_lcr & 0x80)
			return 0;
		if (uart_next < 0)
			uart_next = host_console_read();
		if (uart_next < 0)
			return 0;
		u32 b = (u32)uart_next;
		uart_next = -1;
		return b;
	case 1:
		return uart_ier;
	case 2:   /* IIR: a receive interrupt pending, else none */
		return uart_next >= 0 ? 0x04 : 0x01;
	case 3:
		return uart_lcr;
	case 5:   /* LSR: transmitter empty, data ready when a byte waits */
		if (uart_next < 0)
			uart_next = host_console_read();
		return 0x60 | (uart_next >= 0 ? 1 : 0);
	default:
		return 0;
	}
}

void arch_port_out(u16 port, unsigned width, u32 value)
{
	(void)width;
	char c = (char)value;
	switch (port - COM1) {
	case 0:
		if (!(uart_lcr & 0x80))
			host_console_write(&c, 1);
		break;
	case 1:
		if (!(uart_lcr & 0x80))
			uart_ier = (u8)value;
		break;
	case 3:
		uart_lcr = (u8)value;
		break;
	default:
		break;
	}
}

void arch_port_write(u16 port, const void *buf, size_t len)
{
	if (port == STREAM_PORT)
		host_stream_write(buf, len);
}
