/* SPDX-License-Identifier: Apache-2.0 */
/* Processes by name and PID, from the kernel's process list. */
#include "driver.h"

static orb_proc_entry_t list[64];

static uint32_t snapshot(void)
{
	long n = orb_process_list(list, sizeof(list));
	return n < 0 ? 0 : n > 64 ? 64 : (uint32_t)n;
}

uint32_t pid_of(const char *name)
{
	uint32_t n = snapshot();
	for (uint32_t i = 0; i < n; i++)
		if (strncmp((const char *)list[i].name, name, sizeof(list[i].name)) == 0)
			return list[i].pid;
	return 0;
}

bool running(uint32_t pid)
{
	uint32_t n = snapshot();
	for (uint32_t i = 0; i < n; i++)
		if (list[i].pid == pid)
			return true;
	return false;
}

long wait_gone(uint32_t pid, uint64_t timeout_ms)
{
	uint64_t start = orb_now_ns();
	for (uint64_t i = 0; i <= timeout_ms / 5; i++) {
		if (!running(pid))
			return (long)((orb_now_ns() - start) / MS);
		orb_sleep_ms(5);
	}
	return -1;
}
