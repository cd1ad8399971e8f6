/* SPDX-License-Identifier: Apache-2.0 */
/* A CPU-bound process that never yields: it prints a numbered line every so often.
 * Two of them interleaving on the console shows preemption between processes. */
#include <orbital.h>

#ifndef ORB_SERVICE_NAME
#define ORB_SERVICE_NAME "spinner"
#endif

int main(void)
{
	for (int i = 0; i < 6; i++) {
		uint64_t t0 = orb_now_ns();
		while (orb_now_ns() - t0 < 40000000ull)   /* 40 ms of pure computation */
			;
		orb_printf("%s %d\n", ORB_SERVICE_NAME, i);
	}
	return 0;
}
