/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the shell asks the kernel directly, without any service: the capabilities it
 * holds (cap_list) and whether a process exists (process_list needs no capability).
 */
#include "shell.h"

orb_cptr_t sh_find_cap(uint8_t type, uint64_t object, bool any_object, uint8_t rights)
{
	static orb_cap_info_t caps[64];
	long n = orb_cap_list(caps, sizeof(caps));
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(caps); i++) {
		const orb_cap_info_t *c = &caps[i];
		if (c->object_type == type && (any_object || c->object_id == object) &&
		    (c->rights & rights) == rights)
			return (orb_cptr_t)c->slot;   /* a slot never emptied: generation 0 */
	}
	return ORB_CAP_NONE;
}

bool sh_process_listed(uint32_t pid)
{
	static orb_proc_entry_t procs[64];
	long n = orb_process_list(procs, sizeof(procs));
	if (n > (long)ORB_ARRAY_SIZE(procs))
		return true;   /* more than we can see: assume it may be there */
	for (long i = 0; i < n; i++)
		if (procs[i].pid == pid)
			return true;
	return false;
}
