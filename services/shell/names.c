/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names for the numbers the shell prints that the ABI's generated name tables
 * (<orbital/abi_names.h>: syscalls, errors, object types, commit kinds) do not cover:
 * spawn errors, service and process states, rights, times.
 */
#include "shell.h"

static const char *const spawn_errors[] = {
	[ORB_SPAWN_ERR_BINARY_NOT_FOUND] = "BinaryNotFound",
	[ORB_SPAWN_ERR_PERMISSION_DENIED] = "PermissionDenied",
	[ORB_SPAWN_ERR_RESOURCE_LIMIT] = "ResourceLimitExceeded",
	[ORB_SPAWN_ERR_INVALID_BINARY] = "InvalidBinary",
};

const char *spawn_error_name(unsigned e)
{
	return e < ORB_ARRAY_SIZE(spawn_errors) ? spawn_errors[e] : "UnknownSpawnError";
}

const char *object_type_name(unsigned t)
{
	const char *name = orb_object_type_name(t);
	return name ? name : "?";
}

static const char *const svc_states[] = {
	[ORB_SVC_STARTING] = "starting", [ORB_SVC_RUNNING] = "running",
	[ORB_SVC_STOPPED] = "stopped",   [ORB_SVC_BACKOFF] = "backoff",
	[ORB_SVC_DISABLED] = "disabled",
};

const char *svc_state_name(unsigned s)
{
	return s < ORB_ARRAY_SIZE(svc_states) ? svc_states[s] : "?";
}

/* The kernel's process states (proc_entry.state). */
const char *proc_state_name(unsigned s)
{
	return s == 1 ? "alive" : s == 2 ? "dying" : "?";
}

const char *rights_str(uint8_t rights, char buf[4])
{
	buf[0] = rights & ORB_RIGHT_READ ? 'r' : '-';
	buf[1] = rights & ORB_RIGHT_WRITE ? 'w' : '-';
	buf[2] = rights & ORB_RIGHT_GRANT ? 'g' : '-';
	buf[3] = '\0';
	return buf;
}

const char *time_str(uint64_t ns, char *buf, size_t cap)
{
	snprintf(buf, cap, "%lu.%06lu", (unsigned long)(ns / 1000000000ull),
		 (unsigned long)(ns / 1000ull % 1000000ull));
	return buf;
}
