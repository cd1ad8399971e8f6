/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Figures: the latency of a spawn through the PM (PM_SPAWN to its answer: two CHECK_PERM
 * round trips to Permissions plus the kernel's process_spawn), and the round trip of one
 * CHECK_PERM from a client.
 */
#include "driver.h"

#define GROUP "bench"
#define SPAWNS 5
#define CHECKS 200

static void spawn_latency(void)
{
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, ORB_RIGHT_WRITE };
	uint64_t us[SPAWNS];
	int n = 0;
	for (int i = 0; i < SPAWNS; i++) {
		struct spawn_req q = { .name = "bench-app", .image = "pm_sleeper", .caps = console,
				       .ncaps = 1 };
		orb_msg_pm_spawn_response_t r;
		uint64_t t0 = orb_now_ns();
		long rc = pm_spawn(&q, &r);
		uint64_t dt = (orb_now_ns() - t0) / 1000;
		CHECK(rc == 0 && r.ok, "bench spawn %d: %ld", i, rc);
		if (rc < 0 || !r.ok)
			continue;
		int j = n++;
		for (; j > 0 && us[j - 1] > dt; j--)   /* keep us[] sorted */
			us[j] = us[j - 1];
		us[j] = dt;
		pm_kill(r.pid, 1);
		wait_gone(r.pid, 2000);
	}
	if (n)
		orb_printf("pm-test: bench spawn through the PM: median %lu us, min %lu us, "
			   "max %lu us (n=%d)\n", (unsigned long)us[n / 2], (unsigned long)us[0],
			   (unsigned long)us[n - 1], n);
}

/* CHECK_PERM next to the cheapest answer the same service gives: MSG_ERROR for an
 * unknown tag (a bare IPC round trip through its service loop). */
static void check_round_trip(void)
{
	orb_msg_check_perm_response_t r;
	orb_msg_t reply;
	uint64_t t0 = orb_now_ns();
	int ok = 0;
	for (int i = 0; i < CHECKS; i++)
		ok += raw_call(perm_ep, 0x5999, NULL, 0, &reply) == ORB_MSG_ERROR;
	uint64_t bare = orb_now_ns() - t0;
	t0 = orb_now_ns();
	for (int i = 0; i < CHECKS; i++)
		ok += check_perm(orb_pid(), "console", ORB_RIGHT_WRITE, &r, NULL, 0) == 0;
	uint64_t dt = orb_now_ns() - t0;
	CHECK(ok == 2 * CHECKS, "%d of %d requests answered", ok, 2 * CHECKS);
	orb_printf("pm-test: bench CHECK_PERM round trip: avg %lu ns (n=%d); a bare round trip "
		   "to Permissions: avg %lu ns\n", (unsigned long)(dt / CHECKS), CHECKS,
		   (unsigned long)(bare / CHECKS));
}

void t_bench(void)
{
	spawn_latency();
	check_round_trip();
}
