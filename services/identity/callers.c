/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who a caller is: the class of the process the kernel stamped on the request, by the
 * name the kernel holds for it (spec §4.2, §5.10 #50): System (init, terminal,
 * supervisor, shell, process, names starting with "system-"), Runtime (storage,
 * network, identity, permissions), Application (every other name). Registering a
 * service needs System or Runtime; creating the first user needs System.
 */
#include "identity.h"

#define MAX_PROCS 128

enum cls { APPLICATION, RUNTIME, SYSTEM };

static enum cls class_of(uint32_t pid)
{
	static orb_proc_entry_t list[MAX_PROCS];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < MAX_PROCS; i++) {
		if (list[i].pid != pid)
			continue;
		char name[sizeof(list[i].name) + 1];
		size_t len = strnlen((const char *)list[i].name, sizeof(list[i].name));
		memcpy(name, list[i].name, len);
		name[len] = '\0';
		static const char *const system[] = { "init", "terminal", "supervisor", "shell",
						      "process" };
		static const char *const runtime[] = { "storage", "network", "identity",
						       "permissions" };
		if (strncmp(name, "system-", 7) == 0)
			return SYSTEM;
		for (size_t k = 0; k < ORB_ARRAY_SIZE(system); k++)
			if (strcmp(name, system[k]) == 0)
				return SYSTEM;
		for (size_t k = 0; k < ORB_ARRAY_SIZE(runtime); k++)
			if (strcmp(name, runtime[k]) == 0)
				return RUNTIME;
		return APPLICATION;
	}
	return APPLICATION;   /* gone already: no authority */
}

bool caller_is_system(uint32_t pid)
{
	return class_of(pid) == SYSTEM;
}

bool caller_is_system_or_runtime(uint32_t pid)
{
	return class_of(pid) != APPLICATION;
}
