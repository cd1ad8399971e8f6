/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The echo client (images/svc-test.toml): says ready, then runs its scenarios one after
 * the other and prints "NAME: done: P passed, F failed". Under a System name
 * (system-echo-client) it exercises the registry, init's input checks, crash restarts,
 * a live update, stop/start/restart and backoff; under any other name it checks that
 * init refuses it.
 */
#include "client.h"

uint8_t client_priority(void)
{
	static orb_proc_entry_t procs[64];
	long n = orb_process_list(procs, sizeof(procs));
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(procs); i++)
		if (procs[i].pid == orb_pid())
			return procs[i].priority;
	return 255;
}

int main(void)
{
	orb_send_ready();
	static int (*const system_scenarios[])(void) = {
		scenario_registry, scenario_probes, scenario_crash_loop, scenario_update,
		scenario_control, scenario_backoff,
	};
	static int (*const app_scenarios[])(void) = { scenario_refused };
	bool system = !strncmp(ORB_SERVICE_NAME, "system-", 7);
	int (*const *list)(void) = system ? system_scenarios : app_scenarios;
	unsigned count = system ? ORB_ARRAY_SIZE(system_scenarios) : ORB_ARRAY_SIZE(app_scenarios);
	unsigned passed = 0;
	for (unsigned i = 0; i < count; i++)
		passed += list[i]() == 0;
	orb_printf(ORB_SERVICE_NAME ": done: %u passed, %u failed\n", passed, count - passed);
	return passed == count ? 0 : 1;
}
