/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emu-fault-*: one user page fault each, for tests/emu/test_kernel_core.py. The image
 * names each instance after its fault; the kernel must kill it and carry on.
 */
#include <orbital.h>

#ifndef ORB_SERVICE_NAME
#define ORB_SERVICE_NAME "emu-fault-write"
#endif

int main(void)
{
	const char *what = ORB_SERVICE_NAME;
	if (!strcmp(what, "emu-fault-write"))
		*(volatile uint64_t *)0x1000 = 1;                     /* not mapped: error 6 */
	else if (!strcmp(what, "emu-fault-kread"))
		(void)*(volatile uint64_t *)0xffffffff80100000ull;     /* kernel page: error 5 */
	orb_printf("%s: still alive: the kernel did not stop it\n", what);
	return 0;
}
