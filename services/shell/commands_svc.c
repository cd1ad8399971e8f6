/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Service commands, answered by init's supervision API (spec §3.6, docs/services.md):
 * services (SVC_LIST), restart (SVC_RESTART), update (SVC_UPDATE). Every answer is an
 * SVC_RESPONSE {status, count, svc_status items}.
 */
#include <orbital/messages.h>

#include "shell.h"

#define SVC_MAX 64
#define SETTLE_POLLS 100   /* restart: wait up to 100 × 20 ms for the new instance */

static orb_svc_status_t items[SVC_MAX];

/* Send a supervision request; the status items land in items[]. Returns their count,
 * or -E after printing why (including a negative status, named after `what`; -ENOENT
 * in the words `missing`, since what is missing depends on the request). */
static long supervise(const char *cmd, uint32_t tag, const void *req, size_t len,
		      const char *what, const char *missing)
{
	orb_msg_t r;
	long rc = sh_call(cmd, SH_INIT, tag, req, len, ORB_MSG_SVC_RESPONSE, &r);
	if (rc < 0)
		return rc;
	orb_msg_svc_response_t a;
	if (orb_msg_svc_response_decode(r.data, r.len, &a) < 0 ||
	    a.items.len != (uint64_t)a.count * sizeof(orb_svc_status_t))
		return sh_bad_answer(cmd, SH_INIT);
	if (a.status < 0) {
		orb_printf("%s: %s: %s (%s)\n", cmd, what, a.status == -ORB_ENOENT ?
			   missing : orb_errno_text(a.status), orb_errno_name(a.status));
		return a.status;
	}
	size_t n = a.count < SVC_MAX ? a.count : SVC_MAX;
	memcpy(items, a.items.ptr, n * sizeof(orb_svc_status_t));
	return (long)n;
}

/* A request whose payload is one service name. */
static long by_name(const char *cmd, uint32_t tag, const char *name)
{
	orb_msg_svc_status_t m = { .name = { .ptr = name, .len = (uint16_t)strlen(name) } };
	uint8_t buf[64];
	long len = orb_msg_svc_status_encode(buf, sizeof(buf), &m);   /* same layout for all */
	return len < 0 ? len : supervise(cmd, tag, buf, (size_t)len, name, "no such service");
}

static void fixed_str(const uint8_t *src, size_t size, char *out)
{
	size_t n = strnlen((const char *)src, size);
	memcpy(out, src, n);
	out[n] = '\0';
}

bool sh_wait_all_ready(void)
{
	for (int poll = 0; poll < 500; poll++) {   /* at most 5 s */
		orb_msg_t r;
		orb_msg_svc_response_t a;
		if (sh_call("shell", SH_INIT, ORB_MSG_SVC_LIST, NULL, 0, ORB_MSG_SVC_RESPONSE, &r) < 0 ||
		    orb_msg_svc_response_decode(r.data, r.len, &a) < 0 || a.status < 0 ||
		    a.items.len != (uint64_t)a.count * sizeof(orb_svc_status_t))
			return false;
		bool settled = true;
		for (uint32_t i = 0; i < a.count && i < SVC_MAX; i++) {
			orb_svc_status_t st;
			memcpy(&st, a.items.ptr + i * sizeof(st), sizeof(st));
			if (st.state == ORB_SVC_STARTING || (st.state == ORB_SVC_RUNNING && !st.ready))
				settled = false;
		}
		if (settled)
			return true;
		orb_sleep_ms(10);
	}
	return false;
}

static void cmd_services(int argc, char **argv)
{
	long n = supervise("services", ORB_MSG_SVC_LIST, NULL, 0, "list", "no such service");
	if (n < 0)
		return;
	orb_printf("%-16s %-9s %5s %8s %12s  %s\n", "NAME", "STATE", "PID", "RESTARTS",
		   "UPTIME", "VERSION");
	for (long i = 0; i < n; i++) {
		const orb_svc_status_t *s = &items[i];
		char name[33], version[17], up[24];
		fixed_str(s->name, sizeof(s->name), name);
		fixed_str(s->version, sizeof(s->version), version);
		snprintf(up, sizeof(up), "%lu.%03lus", (unsigned long)(s->uptime_ms / 1000),
			 (unsigned long)(s->uptime_ms % 1000));
		orb_printf("%-16s %-9s %5u %8u %12s  %s\n", name, svc_state_name(s->state),
			   s->pid, s->restart_count, up, version);
	}
}

static bool check_name(const char *cmd, const char *what, const char *name)
{
	if (args_name(name))
		return true;
	orb_printf("%s: bad %s name '%s' (a-z first, then a-z 0-9 - _, at most 31)\n", cmd,
		   what, name);
	return false;
}

/* After a restart: the status once the new instance runs (bounded wait). */
static bool settled(const char *cmd, const char *name, orb_svc_status_t *st)
{
	for (int i = 0; i < SETTLE_POLLS; i++) {
		if (st->state == ORB_SVC_RUNNING && st->pid != 0)
			return true;
		if (st->state == ORB_SVC_DISABLED || st->state == ORB_SVC_STOPPED)
			return false;
		orb_sleep_ms(20);
		if (by_name(cmd, ORB_MSG_SVC_STATUS, name) != 1)
			return false;
		*st = items[0];
	}
	return false;
}

static void cmd_restart(int argc, char **argv)
{
	const char *name = argv[1];
	if (!check_name("restart", "service", name))
		return;
	if (by_name("restart", ORB_MSG_SVC_STATUS, name) != 1)
		return;
	uint32_t old_pid = items[0].pid;
	if (by_name("restart", ORB_MSG_SVC_RESTART, name) < 1)
		return;
	orb_svc_status_t st = items[0];
	if (!settled("restart", name, &st)) {
		orb_printf("restart: %s did not come back: state %s\n", name,
			   svc_state_name(st.state));
		return;
	}
	orb_printf("restarted %s: pid %u -> %u, restarts %u\n", name, old_pid, st.pid,
		   st.restart_count);
}

static void cmd_update(int argc, char **argv)
{
	const char *name = argv[1];
	char image[40];
	if (!check_name("update", "service", name) ||
	    (argc == 3 && !check_name("update", "image", argv[2])))
		return;
	snprintf(image, sizeof(image), argc == 3 ? "%s" : "%s-v2", argc == 3 ? argv[2] : name);
	if (!check_name("update", "image", image))   /* NAME-v2 may pass 31 characters */
		return;
	if (by_name("update", ORB_MSG_SVC_STATUS, name) != 1)
		return;
	uint32_t old_pid = items[0].pid;
	orb_msg_svc_update_t m = { .name = { .ptr = name, .len = (uint16_t)strlen(name) },
				   .image = { .ptr = image, .len = (uint16_t)strlen(image) } };
	uint8_t buf[96];
	long len = orb_msg_svc_update_encode(buf, sizeof(buf), &m);
	/* the service exists (its status came back), so -ENOENT can only name the image */
	char missing[80];
	snprintf(missing, sizeof(missing), "no program '%s' in the boot archive", image);
	if (len < 0 || supervise("update", ORB_MSG_SVC_UPDATE, buf, (size_t)len, name,
				 missing) < 1)
		return;
	char version[17];
	fixed_str(items[0].version, sizeof(items[0].version), version);
	orb_printf("updated %s to %s: pid %u -> %u, version %s, state %s\n", name, image,
		   old_pid, items[0].pid, version, svc_state_name(items[0].state));
}

const struct command commands_svc[] = {
	{ "services", "", "list supervised services (init)", 0, 0, cmd_services },
	{ "restart", "SERVICE", "stop and start a service", 1, 1, cmd_restart },
	{ "update", "SERVICE [IMAGE]", "replace a service by IMAGE (default SERVICE-v2)", 1, 2,
	  cmd_update },
};
const size_t commands_svc_count = ORB_ARRAY_SIZE(commands_svc);
