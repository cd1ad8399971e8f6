/* SPDX-License-Identifier: Apache-2.0 */
/*
 * COM1 input for the host's commands, polled: the receive half of the 16550 through this
 * program's IoPort capability (ports 0x3F8-0x3FF). The kernel owns the transmit side and
 * never reads RBR. QEMU hands the UART a byte only when its FIFO has room, so polling
 * every millisecond loses nothing; a test program needs no interrupt for that.
 */
#include "crypto_test.h"

#define UART_RBR 0
#define UART_LSR 5
#define LSR_DATA_READY 0x01

static orb_cptr_t port = ORB_CAP_NONE;

long serial_open(orb_cptr_t port_cap)
{
	long lsr = orb_io_in8(port_cap, UART_LSR);
	if (lsr < 0)
		return lsr;
	port = port_cap;
	return 0;
}

static long getc_polled(void)
{
	for (;;) {
		long lsr = orb_io_in8(port, UART_LSR);
		if (lsr < 0)
			return lsr;
		if (lsr & LSR_DATA_READY)
			return orb_io_in8(port, UART_RBR);
		orb_sleep_ms(1);
	}
}

long serial_read_line(char *buf, size_t cap)
{
	size_t n = 0;
	for (;;) {
		long c = getc_polled();
		if (c < 0)
			return c;
		if (c == '\r' || c == '\n') {
			if (n == 0)
				continue;   /* the other half of a CR LF */
			buf[n] = '\0';
			return (long)n;
		}
		if (n + 1 >= cap)
			return -ORB_EOVERFLOW;
		buf[n++] = (char)c;
	}
}
