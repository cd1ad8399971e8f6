/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who a process is: its name as the kernel lists it, and the class that name puts it
 * in (spec §4.2; "process" is System by §5.10 #50). Services that decide by class —
 * Permissions' policy, init's supervision API, Storage's namespaces — ask here, so one
 * list decides for all of them.
 */
#include <orbital.h>

static const char *const system_names[] = { "init", "terminal", "supervisor", "shell",
					    "process" };
static const char *const runtime_names[] = { "storage", "network", "identity", "permissions" };

static bool listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

enum orb_class orb_class_of(const char *name)
{
	if (strncmp(name, "system-", 7) == 0 ||
	    listed(name, system_names, ORB_ARRAY_SIZE(system_names)))
		return ORB_CLASS_SYSTEM;
	if (listed(name, runtime_names, ORB_ARRAY_SIZE(runtime_names)))
		return ORB_CLASS_RUNTIME;
	return ORB_CLASS_APPLICATION;
}

long orb_process_name(uint32_t pid, char *name, size_t cap)
{
	static orb_proc_entry_t procs[256];
	long n = orb_process_list(procs, sizeof(procs));
	if (n < 0)
		return n;
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(procs); i++) {
		if (procs[i].pid != pid)
			continue;
		size_t len = strnlen((const char *)procs[i].name, sizeof(procs[i].name));
		if (len >= cap)
			len = cap - 1;
		memcpy(name, procs[i].name, len);
		name[len] = '\0';
		return 0;
	}
	return -ORB_ENOENT;
}
