/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP's system layer for NO_SYS (lwIP doc "Porting: NO_SYS"): a millisecond clock for the
 * timers, diagnostics and assertions, and random numbers. With NO_SYS there are no
 * threads, semaphores or mailboxes to provide: one thread of the Network service runs the
 * whole stack.
 *
 * Random numbers (DNS transaction ids and source ports, DHCP xids, TCP initial sequence
 * numbers) come from the machine's entropy source through orb_entropy(), read 64 bytes at
 * a time. With no entropy source the service cannot pick unguessable ids and stops.
 */
#include <orbital.h>

#include "lwip/arch.h"
#include "lwip/sys.h"
#include "lwip_hooks.h"

u32_t sys_now(void)
{
	return (u32_t)(orb_now_ns() / 1000000u);
}

void lwip_orbital_diag(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	orb_printf("lwip: %s", line);
}

void lwip_orbital_assert(const char *msg, const char *file, int line)
{
	orb_printf("lwip: assertion failed: %s (%s:%d)\n", msg, file, line);
	orb_exit_process(134);
}

static uint8_t pool[64];
static unsigned pool_left;

static uint32_t random_u32(void)
{
	if (pool_left < 4) {
		if (orb_entropy(pool, sizeof(pool)) != 0) {
			orb_printf("lwip: no entropy source: cannot choose unguessable ids\n");
			orb_exit_process(1);
		}
		pool_left = sizeof(pool);
	}
	pool_left -= 4;
	uint32_t v;
	memcpy(&v, pool + pool_left, 4);
	memset(pool + pool_left, 0, 4);
	return v;
}

unsigned int lwip_orbital_rand(void)
{
	return random_u32();
}

u32_t lwip_orbital_tcp_isn(void)
{
	return random_u32();
}
