// SPDX-License-Identifier: Apache-2.0
/*
 * Whose data a request reaches (spec §4.4, §5.10 #55; decision D200).
 *
 * The namespace comes from the PID the kernel stamped on the message, never from the
 * payload: the kernel's process list names that PID, and the name's class (spec §4.2,
 * orb_class_of) decides — System and Runtime processes share `system`, every other
 * process has `app:<its name>`. PIDs are never reused and a process cannot rename
 * itself, so an answer is remembered (a small table, oldest entry replaced first) and the
 * process list, 16 KiB of copying, is read once per new caller.
 */
#include "storage.h"

#define CACHE 32

static struct {
	uint32_t pid;
	struct caller who;
} cache[CACHE];
static unsigned next_slot;

long caller_lookup(uint32_t pid, struct caller *out)
{
	for (unsigned i = 0; i < CACHE; i++) {
		if (cache[i].pid == pid && pid != 0) {
			*out = cache[i].who;
			return 0;
		}
	}
	char name[ORB_PROCESS_NAME_MAX + 1];
	if (pid == 0 || orb_process_name(pid, name, sizeof(name)) < 0)
		return -ORB_ENOENT;
	enum orb_class cls = orb_class_of(name);
	memset(out, 0, sizeof(*out));
	out->system = cls == ORB_CLASS_SYSTEM;
	if (cls == ORB_CLASS_APPLICATION)
		snprintf(out->ns, sizeof(out->ns), "app:%s", name);
	else
		snprintf(out->ns, sizeof(out->ns), "system");
	cache[next_slot].pid = pid;
	cache[next_slot].who = *out;
	next_slot = (next_slot + 1) % CACHE;
	return 0;
}
