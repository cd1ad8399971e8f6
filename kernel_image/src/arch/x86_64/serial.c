/* SPDX-License-Identifier: Apache-2.0 */
/* The 16550 UART on COM1: polled output, polled input. */
#include <arch/arch.h>
#include <arch/x86_64/cpu.h>

#define COM1 0x3F8
#define UART_DATA 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

void arch_console_init(void)
{
	outb(COM1 + UART_IER, 0x00);     /* no UART interrupts: polled */
	outb(COM1 + UART_LCR, 0x80);     /* DLAB on to set the divisor */
	outb(COM1 + 0, 0x01);            /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + UART_LCR, 0x03);     /* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xC7);     /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + UART_MCR, 0x03);     /* DTR, RTS */
}

void arch_console_putc(char c)
{
	/* Bounded wait: a missing UART must not hang the kernel. */
	for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THR_EMPTY); i++)
		;
	outb(COM1 + UART_DATA, (u8)c);
}

bool arch_console_getc(char *c)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return false;
	*c = (char)inb(COM1 + UART_DATA);
	return true;
}
