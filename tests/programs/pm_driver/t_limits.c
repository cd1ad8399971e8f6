/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource limits: a CPU hog with a 300 ms limit is warned three times and then killed
 * by the PM; a program limited to 6 capabilities is refused the 7th by the kernel, and
 * one limited to 1 MiB of memory a 2 MiB mapping, and one whose IPC queue is limited to 4
 * messages the 5th (pm_hog prints what it sees). A limit below what a program starts
 * with fails the spawn.
 */
#include "driver.h"

#define GROUP "limits"

static void run(const char *name, uint64_t max_memory, uint64_t max_cpu_ms, uint32_t max_caps,
		uint32_t max_ipc_queue, long max_ms)
{
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, ORB_RIGHT_WRITE };
	struct spawn_req q = { .name = name, .image = "pm_hog", .caps = console, .ncaps = 1,
			       .max_memory = max_memory, .max_cpu_ms = max_cpu_ms,
			       .max_caps = max_caps, .max_ipc_queue = max_ipc_queue };
	orb_msg_pm_spawn_response_t r;
	long rc = pm_spawn(&q, &r);
	CHECK(rc == 0 && r.ok, "spawning %s: %ld", name, rc);
	if (rc < 0 || !r.ok)
		return;
	long ms = wait_gone(r.pid, (uint64_t)max_ms);
	orb_printf("pm-test: %s (pid %u) gone after %ld ms\n", name, r.pid, ms);
	CHECK(ms >= 0, "%s (pid %u) still runs after %ld ms", name, r.pid, max_ms);
}

static void too_few_caps(void)
{
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, ORB_RIGHT_WRITE };
	struct spawn_req q = { .name = "cramped", .image = "pm_sleeper", .caps = console,
			       .ncaps = 1, .max_caps = 2 };   /* it starts with 3 */
	orb_msg_pm_spawn_response_t r;
	long rc = pm_spawn(&q, &r);
	orb_printf("pm-test: cramped (max_caps 2, starts with 3): ok %u error %u\n", r.ok,
		   r.error);
	CHECK(rc == 0 && !r.ok && r.error == ORB_SPAWN_ERR_RESOURCE_LIMIT,
	      "spawn below the starting capabilities: %ld ok %u error %u", rc, r.ok, r.error);
}

void t_limits(void)
{
	run("pm_hog", 0, 300, 0, 0, 15000);
	run("caphog", 0, 0, 6, 0, 15000);
	run("memhog", 1 << 20, 0, 0, 0, 15000);
	run("queuehog", 0, 0, 0, 4, 15000);
	too_few_caps();
}
