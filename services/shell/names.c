/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names for the numbers the shell prints: syscalls (with how many argument registers
 * each uses), error codes, object types, states, commit types. The tables follow
 * docs/abi.md; tests/e2e/test_shell.py checks them against the ABI definitions
 * (orbital_build/generated/abi.py), so a new syscall or error shows up there.
 */
#include "shell.h"

struct syscall_name {
	uint16_t nr;
	uint8_t nargs;
	const char *name;
};

static const struct syscall_name syscalls[] = {
	{ 0x00, 0, "nop" },
	{ 0x01, 2, "debug_write" },
	{ 0x02, 0, "clock_get" },
	{ 0x03, 0, "process_self" },
	{ 0x04, 2, "cap_list" },
	{ 0x05, 2, "process_list" },
	{ 0x08, 2, "system_info" },
	{ 0x10, 4, "thread_create" },
	{ 0x11, 1, "exit" },
	{ 0x12, 0, "yield" },
	{ 0x13, 1, "sleep" },
	{ 0x14, 1, "thread_join" },
	{ 0x15, 2, "process_spawn" },
	{ 0x16, 2, "process_kill" },
	{ 0x17, 1, "thread_exit" },
	{ 0x20, 4, "mem_map" },
	{ 0x21, 2, "mem_unmap" },
	{ 0x22, 3, "mem_protect" },
	{ 0x30, 3, "cap_grant" },
	{ 0x31, 1, "cap_revoke" },
	{ 0x32, 1, "cap_delete" },
	{ 0x33, 2, "cap_inspect" },
	{ 0x34, 4, "cap_derive" },
	{ 0x35, 0, "endpoint_create" },
	{ 0x36, 1, "endpoint_destroy" },
	{ 0x37, 1, "cap_copy" },
	{ 0x38, 2, "cap_move" },
	{ 0x39, 0, "notification_create" },
	{ 0x40, 6, "endpoint_send" },
	{ 0x41, 1, "endpoint_receive" },
	{ 0x42, 6, "endpoint_call" },
	{ 0x43, 6, "endpoint_reply" },
	{ 0x45, 2, "endpoint_receive_wait" },
	{ 0x46, 6, "endpoint_reply_recv" },
	{ 0x47, 2, "notification_signal" },
	{ 0x48, 2, "notification_wait" },
	{ 0x49, 1, "notification_poll" },
	{ 0x50, 3, "irq_register" },
	{ 0x51, 1, "irq_ack" },
	{ 0x52, 1, "irq_mask" },
	{ 0x53, 1, "irq_unmask" },
	{ 0x60, 2, "io_in8" },
	{ 0x61, 2, "io_in16" },
	{ 0x62, 2, "io_in32" },
	{ 0x63, 3, "io_out8" },
	{ 0x64, 3, "io_out16" },
	{ 0x65, 3, "io_out32" },
	{ 0xF0, 4, "axiom_syslog_read" },
	{ 0xF1, 4, "axiom_commits_read" },
};

const char *syscall_name(unsigned nr, unsigned *nargs)
{
	for (size_t i = 0; i < ORB_ARRAY_SIZE(syscalls); i++) {
		if (syscalls[i].nr == nr) {
			if (nargs)
				*nargs = syscalls[i].nargs;
			return syscalls[i].name;
		}
	}
	if (nargs)
		*nargs = 4;
	return NULL;
}

struct errno_name {
	const char *name, *text;
};

static const struct errno_name errnos[] = {
	[ORB_EPERM] = { "EPERM", "permission denied" },
	[ORB_ENOENT] = { "ENOENT", "not found" },
	[ORB_EINVAL] = { "EINVAL", "invalid argument" },
	[ORB_ENOSYS] = { "ENOSYS", "not implemented" },
	[ORB_EAGAIN] = { "EAGAIN", "would block" },
	[ORB_ENOMEM] = { "ENOMEM", "out of memory" },
	[ORB_EBADF] = { "EBADF", "bad capability" },
	[ORB_EBUSY] = { "EBUSY", "busy" },
	[ORB_EEXIST] = { "EEXIST", "already exists" },
	[ORB_EOVERFLOW] = { "EOVERFLOW", "buffer too small" },
	[ORB_ETIMEDOUT] = { "ETIMEDOUT", "timed out" },
	[ORB_EDEAD] = { "EDEAD", "the peer died" },
	[ORB_ESTALE] = { "ESTALE", "stale handle" },
};

const char *errno_name(long e)
{
	if (e < 0)
		e = -e;
	return e > 0 && e < (long)ORB_ARRAY_SIZE(errnos) ? errnos[e].name : "E?";
}

const char *errno_text(long e)
{
	if (e < 0)
		e = -e;
	return e > 0 && e < (long)ORB_ARRAY_SIZE(errnos) ? errnos[e].text : "unknown error";
}

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

static const char *const object_types[] = {
	[ORB_OBJ_ENDPOINT] = "endpoint", [ORB_OBJ_PROCESS] = "process",
	[ORB_OBJ_MEMORY] = "memory",     [ORB_OBJ_IRQ] = "irq",
	[ORB_OBJ_IOPORT] = "ioport",     [ORB_OBJ_CONSOLE] = "console",
	[ORB_OBJ_NOTIFICATION] = "notification", [ORB_OBJ_AXIOM] = "axiom",
};

const char *object_type_name(unsigned t)
{
	return t < ORB_ARRAY_SIZE(object_types) && object_types[t] ? object_types[t] : "?";
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

static const char *const commit_types[] = {
	[0x00] = "genesis",           [0x01] = "process_created",
	[0x02] = "process_exited",    [0x03] = "cap_inserted",
	[0x04] = "cap_removed",       [0x06] = "endpoint_created",
	[0x07] = "endpoint_destroyed", [0x08] = "cap_updated",
	[0x09] = "memory_mapped",     [0x0A] = "memory_unmapped",
	[0x0B] = "checkpoint",        [0x0C] = "process_faulted",
	[0x0E] = "notification_created", [0x0F] = "notification_destroyed",
};

const char *commit_type_name(unsigned t)
{
	return t < ORB_ARRAY_SIZE(commit_types) ? commit_types[t] : NULL;
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
