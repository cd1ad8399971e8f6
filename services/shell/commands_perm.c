/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Permission commands, answered by the Permissions service (spec §4.2): caps (the
 * capabilities a process holds, with where each came from) and perm check (would the
 * policy let a process hold a capability type with some rights).
 */
#include <orbital/messages.h>
#include <orbital/service.h>

#include "shell.h"

/* The object a capability names, as text. */
static const char *object_str(uint8_t type, uint64_t id, char *buf, size_t cap)
{
	switch (type) {
	case ORB_OBJ_IOPORT:
		snprintf(buf, cap, "ports %#lx-%#lx", (unsigned long)(id & 0xffff),
			 (unsigned long)((id >> 16) & 0xffff));
		break;
	case ORB_OBJ_IRQ:
		snprintf(buf, cap, "line %lu", (unsigned long)id);
		break;
	case ORB_OBJ_PROCESS:
		if (id == 0)
			snprintf(buf, cap, "all (root)");
		else
			snprintf(buf, cap, "pid %lu", (unsigned long)id);
		break;
	case ORB_OBJ_MEMORY:
		snprintf(buf, cap, "pid %lu @%#lx", (unsigned long)(id >> 48),
			 (unsigned long)(id & 0xffffffffffffull));
		break;
	case ORB_OBJ_CONSOLE:
	case ORB_OBJ_AXIOM:
	case ORB_OBJ_SECRET:
		snprintf(buf, cap, "-");
		break;
	default:
		snprintf(buf, cap, "id %lu", (unsigned long)id);
	}
	return buf;
}

static void cmd_caps(int argc, char **argv)
{
	uint32_t pid = 0;   /* 0: the shell itself */
	if (argc == 2 && !args_pid(argv[1], &pid)) {
		orb_printf("caps: '%s' is not a process id\n", argv[1]);
		return;
	}
	if (pid && !sh_process_listed(pid)) {
		orb_printf("caps: no process %u\n", pid);
		return;
	}
	orb_msg_query_caps_t q = { .pid = pid };
	uint8_t buf[8];
	long len = orb_msg_query_caps_encode(buf, sizeof(buf), &q);
	orb_msg_t r;
	if (len < 0 || sh_call("caps", SH_PERMISSIONS, ORB_MSG_QUERY_CAPS, buf, (size_t)len,
			       ORB_MSG_QUERY_CAPS_RESPONSE, &r) < 0)
		return;
	orb_msg_query_caps_response_t a;
	if (orb_msg_query_caps_response_decode(r.data, r.len, &a) < 0 ||
	    a.items.len != (uint64_t)a.count * sizeof(orb_cap_provenance_t)) {
		sh_bad_answer("caps", SH_PERMISSIONS);
		return;
	}
	orb_printf("pid %u holds %u capabilities\n", a.pid, a.count);
	orb_printf("%4s %-12s %-6s %-22s %10s %14s\n", "SLOT", "TYPE", "RIGHTS", "OBJECT",
		   "GRANTED_BY", "GRANTED_AT");
	for (uint32_t i = 0; i < a.count; i++) {
		orb_cap_provenance_t c;
		memcpy(&c, a.items.ptr + i * sizeof(c), sizeof(c));
		char rights[4], object[32], by[12], at[24];
		if (c.granted_by)
			snprintf(by, sizeof(by), "%u", c.granted_by);
		else
			snprintf(by, sizeof(by), "kernel");
		orb_printf("%4u %-12s %-6s %-22s %10s %13ss\n", c.slot,
			   object_type_name(c.object_type), rights_str(c.rights, rights),
			   object_str(c.object_type, c.object_id, object, sizeof(object)), by,
			   time_str(c.granted_at, at, sizeof(at)));
	}
}

static void cmd_perm(int argc, char **argv)
{
	if (strcmp(argv[1], "check") != 0) {
		orb_printf("perm: unknown subcommand '%s' (only 'check')\n", argv[1]);
		return;
	}
	uint32_t pid;
	uint8_t rights;
	if (!args_pid(argv[2], &pid)) {
		orb_printf("perm: '%s' is not a process id\n", argv[2]);
		return;
	}
	if (!args_name(argv[3])) {
		orb_printf("perm: bad capability type '%s' (e.g. spawn, storage, network)\n",
			   argv[3]);
		return;
	}
	if (!args_rights(argv[4], &rights)) {
		orb_printf("perm: bad rights '%s' (letters from r, w, g)\n", argv[4]);
		return;
	}
	orb_str_t type = { .ptr = argv[3], .len = (uint16_t)strlen(argv[3]) };
	orb_msg_check_perm_t q = { .pid = pid, .cap_type = type, .rights = rights };
	uint8_t buf[64];
	long len = orb_msg_check_perm_encode(buf, sizeof(buf), &q);
	orb_msg_t r;
	if (len < 0 || sh_call("perm", SH_PERMISSIONS, ORB_MSG_CHECK_PERM, buf, (size_t)len,
			       ORB_MSG_CHECK_PERM_RESPONSE, &r) < 0)
		return;
	orb_msg_check_perm_response_t a;
	if (orb_msg_check_perm_response_decode(r.data, r.len, &a) < 0) {
		sh_bad_answer("perm", SH_PERMISSIONS);
		return;
	}
	char reason[160], alt[160];
	orb_strcopy(reason, sizeof(reason), a.reason.ptr, a.reason.len);
	orb_strcopy(alt, sizeof(alt), a.alternative.ptr, a.alternative.len);
	orb_printf("%s: pid %u %s %s: %s%s%s\n", a.allowed ? "allowed" : "denied", pid,
		   argv[3], argv[4], reason[0] ? reason : "(no reason given)",
		   alt[0] ? "; alternative: " : "", alt);
}

const struct command commands_perm[] = {
	{ "caps", "[PID]", "capabilities of a process and where they came from", 0, 1,
	  cmd_caps },
	{ "perm", "check PID TYPE RIGHTS", "ask the policy (e.g. perm check 5 spawn w)", 4, 4,
	  cmd_perm },
};
const size_t commands_perm_count = ORB_ARRAY_SIZE(commands_perm);
