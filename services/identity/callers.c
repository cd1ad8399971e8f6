/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who a caller is: the class (spec §4.2, liborbital's orb_class_of) of the name the
 * kernel lists for the PID it stamped on the request — never a name a message claims.
 * Registering a service needs System or Runtime; creating the first user needs System.
 * A PID that is gone by the time we look has no authority.
 */
#include "identity.h"

static enum orb_class class_of(uint32_t pid)
{
	char name[ORB_PROCESS_NAME_MAX + 1];
	return orb_process_name(pid, name, sizeof(name)) == 0 ? orb_class_of(name)
								: ORB_CLASS_APPLICATION;
}

bool caller_is_system(uint32_t pid)
{
	return class_of(pid) == ORB_CLASS_SYSTEM;
}

bool caller_is_system_or_runtime(uint32_t pid)
{
	return class_of(pid) != ORB_CLASS_APPLICATION;
}
