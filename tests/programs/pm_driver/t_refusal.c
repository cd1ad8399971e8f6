/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An Application asks the PM to spawn and is refused (Permissions: no policy allows it
 * "spawn"), then calls process_spawn itself without a Process capability and is refused
 * by the kernel. The kernel's refusal is in the SysLog with the application's PID: this
 * driver reads the SysLog from just before the application started and prints its
 * process_spawn records.
 */
#include "driver.h"

#define GROUP "refusal"
#define CHUNK 64
#define MAX_READS 256

static uint32_t print_spawn_records(uint32_t pid, uint64_t from)
{
	static orb_syslog_record_t recs[CHUNK];
	uint32_t refused = 0;
	for (int i = 0; i < MAX_READS; i++) {
		long n = orb_axiom_syslog_read(DRV_AXIOM_CAP, recs, sizeof(recs), from);
		CHECK(n >= 0, "axiom_syslog_read: %ld", n);
		if (n <= 0)
			break;
		uint32_t k = (uint32_t)((size_t)n / sizeof(recs[0]));
		for (uint32_t j = 0; j < k; j++) {
			if (recs[j].pid != pid || recs[j].nr != ORB_SYS_PROCESS_SPAWN)
				continue;
			orb_printf("pm-test: syslog seq %lu pid %u nr %#x result %ld\n",
				   (unsigned long)recs[j].seq, recs[j].pid, recs[j].nr,
				   (long)recs[j].result);
			refused += recs[j].result < 0;
		}
		from = recs[k - 1].seq + 1;
	}
	return refused;
}

void t_refusal(void)
{
	orb_sys_info_t info;
	CHECK(orb_system_info(&info, sizeof(info)) > 0, "system_info");
	uint64_t from = info.syslog_records + 1;
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, ORB_RIGHT_WRITE };
	struct spawn_req q = { .name = "pm_noperm", .image = "pm_noperm", .caps = console,
			       .ncaps = 1 };
	orb_msg_pm_spawn_response_t r;
	long rc = pm_spawn(&q, &r);
	CHECK(rc == 0 && r.ok, "spawning pm_noperm: %ld", rc);
	if (rc < 0 || !r.ok)
		return;
	long ms = wait_gone(r.pid, 10000);
	CHECK(ms >= 0, "pm_noperm did not finish");
	uint32_t refused = print_spawn_records(r.pid, from);
	orb_printf("pm-test: pm_noperm (pid %u): %u refused process_spawn calls in the SysLog\n",
		   r.pid, refused);
	CHECK(refused >= 1, "the kernel's refusal is not in the SysLog");
	CHECK(pid_of("evil") == 0, "the PM started 'evil' for an Application");
}
