/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shell's main loop: take COM1's input, answer init from a second thread, then
 * prompt, read a line, run it — forever. A UART failure ends the shell with code 1 (its
 * supervisor restarts it).
 */
#include "shell.h"

#define COM1_PORTS (0x3F8ull | 0x3FFull << 16) /* IoPort object id: first | last << 16 */
#define COM1_IRQ 4

int main(void)
{
	orb_cptr_t port = sh_find_cap(ORB_OBJ_IOPORT, COM1_PORTS, false,
				      ORB_RIGHT_READ | ORB_RIGHT_WRITE);
	orb_cptr_t irq = sh_find_cap(ORB_OBJ_IRQ, COM1_IRQ, false, ORB_RIGHT_WRITE);
	if (port == ORB_CAP_NONE || irq == ORB_CAP_NONE) {
		orb_printf("shell: no capability for COM1's ports (rw) or IRQ 4 (w)\n");
		return 1;
	}
	long rc = uart_open(port, irq);
	if (rc < 0) {
		orb_printf("shell: cannot take COM1 input: %s (%s)\n", orb_errno_text(rc),
			   orb_errno_name(rc));
		return 1;
	}
	rc = lifecycle_start();
	if (rc < 0)
		orb_printf("shell: cannot answer init: %s (%s)\n", orb_errno_text(rc), orb_errno_name(rc));
	sh_wait_all_ready();
	orb_printf("shell: pid %u on COM1; type 'help' for the commands\n", orb_pid());
	for (;;) {   /* one command line per round */
		orb_puts("orbital> ");
		char line[SH_LINE_MAX];
		long n = line_read(line, sizeof(line));
		if (n == LINE_CANCELLED)
			continue;
		if (n < 0) {
			orb_printf("shell: COM1 input failed: %s (%s)\n", orb_errno_text(n),
				   orb_errno_name(n));
			return 1;
		}
		commands_run(line);
	}
}
