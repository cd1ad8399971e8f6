/* SPDX-License-Identifier: Apache-2.0 */
/* liborbital on x86_64: the IPC buffer through FS (the kernel sets FS base to it) and the
 * time-stamp counter. */
#include <orbital.h>

orb_ipc_buffer_t *orb_ipcbuf(void)
{
	orb_ipc_buffer_t *b;
	__asm__("movq %%fs:%c1, %0" : "=r"(b) : "i"(offsetof(orb_ipc_buffer_t, self)));
	return b;
}

uint64_t orb_cycles(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
