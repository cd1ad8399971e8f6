/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/arch.h>
#include <kernel/axiom.h>
#include <kernel/panic.h>
#include <kernel/printk.h>

NORETURN void panic_at(const char *file, int line, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("\n*** KERNEL PANIC at %s:%d: %s\n", file, line, buf);
	printk("backtrace:\n");
	void *fp = __builtin_frame_address(0);
	for (int i = 0; i < 16 && fp; i++) {
		void **frame = fp;
		if ((unsigned long)frame[1] < 0xffffffff80000000ul)
			break;
		printk("  #%d %p\n", i, frame[1]);
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	printk("*** kernel halted\n");
	axiom_panic();   /* every commit made so far reaches the host log, sealed */
	arch_exit(false);
}
