/* SPDX-License-Identifier: Apache-2.0 */
/*
 * COM1 input: the shell is the user-space receive driver of the 16550 UART.
 *
 * The kernel owns COM1's output (polled writes to THR) and set the line up (115200 8N1,
 * FIFO on); it never reads RBR. With its IoPort capability (ports 0x3F8-0x3FF) the shell
 * sets the receive FIFO to interrupt at one byte, raises OUT2 (which gates the UART's
 * interrupt onto the ISA line) and enables the "received data available" interrupt;
 * with its Irq capability it binds IRQ 4 to a notification.
 *
 * The kernel masks the line when it fires and signals the notification; uart_read
 * waits, acknowledges (unmasking) and then drains RBR while LSR says data is ready. The
 * line is edge-triggered, so an edge that came while it was masked is lost: draining
 * after the acknowledgement, and before every wait, is what keeps a byte that arrived
 * in that window from sitting in the FIFO unseen.
 */
#include "shell.h"

#define COM1_IRQ 4
#define UART_RBR 0            /* receive buffer (read) */
#define UART_IER 1            /* interrupt enable */
#define UART_FCR 2            /* FIFO control (write) */
#define UART_MCR 4            /* modem control */
#define UART_LSR 5            /* line status */
#define IER_RX_DATA 0x01      /* interrupt when received data is available */
#define FCR_FIFO_TRIGGER1 0x01 /* FIFO on (unchanged, so not cleared), trigger at 1 byte */
#define MCR_DTR_RTS_OUT2 0x0B
#define LSR_DATA_READY 0x01

static orb_cptr_t port = ORB_CAP_NONE;
static orb_cptr_t ntfn = ORB_CAP_NONE;

long uart_open(orb_cptr_t port_cap, orb_cptr_t irq_cap)
{
	long n = orb_notification_create();
	if (n < 0)
		return n;
	long rc = orb_irq_register(COM1_IRQ, (orb_cptr_t)n, irq_cap);
	if (rc < 0) {
		orb_cap_delete((orb_cptr_t)n);
		return rc;
	}
	port = port_cap;
	ntfn = (orb_cptr_t)n;
	if ((rc = orb_io_out8(port, UART_FCR, FCR_FIFO_TRIGGER1)) < 0 ||
	    (rc = orb_io_out8(port, UART_MCR, MCR_DTR_RTS_OUT2)) < 0 ||
	    (rc = orb_io_out8(port, UART_IER, IER_RX_DATA)) < 0)
		return rc;
	return 0;
}

/* Move what the FIFO holds (at most cap bytes) into buf; returns the count or -E. */
static long drain(char *buf, size_t cap)
{
	size_t n = 0;
	while (n < cap) {
		long lsr = orb_io_in8(port, UART_LSR);
		if (lsr < 0)
			return lsr;
		if (!(lsr & LSR_DATA_READY))
			break;
		long c = orb_io_in8(port, UART_RBR);
		if (c < 0)
			return c;
		buf[n++] = (char)c;
	}
	return (long)n;
}

long uart_read(char *buf, size_t cap)
{
	if (ntfn == ORB_CAP_NONE || cap == 0)
		return -ORB_EINVAL;
	for (;;) {   /* each round blocks until IRQ 4 fires */
		long n = drain(buf, cap);
		if (n != 0)
			return n;
		long bits = orb_notification_wait(ntfn, ORB_TIMEOUT_FOREVER);
		if (bits < 0)
			return bits;
		long rc = orb_irq_ack(COM1_IRQ);
		if (rc < 0)
			return rc;
	}
}
