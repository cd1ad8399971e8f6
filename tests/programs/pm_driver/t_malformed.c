/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Malformed requests to both services: short payloads, trailing bytes, unknown tags,
 * bogus capability requests, out-of-range fields, a forged exit notice. Each must be
 * answered with MSG_ERROR and the expected code, and both services must keep answering
 * (same PIDs: neither died and was restarted).
 */
#include "driver.h"

#define GROUP "malformed"
#define MALFORMED ORB_ERROR_MALFORMED
#define UNKNOWN ORB_ERROR_UNKNOWN_REQUEST

static uint8_t good_spawn[128], good_check[64];
static long spawn_len, check_len;

static void expect_error(const char *name, orb_cptr_t ep, uint32_t tag, const void *data,
			 size_t len, uint32_t code)
{
	orb_msg_t reply;
	orb_msg_error_t e = { 0 };
	long rc = raw_call(ep, tag, data, len, &reply);
	bool err = rc == ORB_MSG_ERROR && orb_msg_error_decode(reply.data, reply.len, &e) == 0;
	orb_printf("pm-test: malformed %s -> %s code %#x\n", name, err ? "MSG_ERROR" : "no error",
		   e.code);
	CHECK(err && e.code == code && e.request_tag == tag, "%s: reply %ld code %#x", name, rc,
	      e.code);
}

static long spawn_with(const char *name, const uint8_t *caps, uint32_t ncaps, uint8_t *out,
		       size_t cap)
{
	orb_msg_pm_spawn_t q = { .name = { name, (uint16_t)strlen(name) },
				 .image = { "pm_sleeper", 10 }, .caps = { caps, ncaps } };
	return orb_msg_pm_spawn_encode(out, cap, &q);
}

static void process_manager(void)
{
	static const uint8_t odd[] = { ORB_CAPKIND_CONSOLE, 2, 1 };
	static const uint8_t kind[] = { 9, 2 }, rights[] = { ORB_CAPKIND_CONSOLE, 0x80 };
	static const uint8_t zero[] = { ORB_CAPKIND_CONSOLE, 0 };
	uint8_t buf[128];
	expect_error("pm-short", pm_ep, ORB_MSG_PM_SPAWN, good_spawn, 3, MALFORMED);
	expect_error("pm-trailing", pm_ep, ORB_MSG_PM_SPAWN, good_spawn, (size_t)spawn_len + 1,
		     MALFORMED);
	expect_error("pm-wrong-tag", pm_ep, 0x4999, good_spawn, (size_t)spawn_len, UNKNOWN);
	expect_error("pm-check-perm-tag", pm_ep, ORB_MSG_CHECK_PERM, good_check,
		     (size_t)check_len, UNKNOWN);
	long n = spawn_with("x", odd, 3, buf, sizeof(buf));
	expect_error("pm-odd-caps", pm_ep, ORB_MSG_PM_SPAWN, buf, (size_t)n, MALFORMED);
	n = spawn_with("x", kind, 2, buf, sizeof(buf));
	expect_error("pm-bad-kind", pm_ep, ORB_MSG_PM_SPAWN, buf, (size_t)n, MALFORMED);
	n = spawn_with("x", rights, 2, buf, sizeof(buf));
	expect_error("pm-bad-rights", pm_ep, ORB_MSG_PM_SPAWN, buf, (size_t)n, MALFORMED);
	n = spawn_with("x", zero, 2, buf, sizeof(buf));
	expect_error("pm-no-rights", pm_ep, ORB_MSG_PM_SPAWN, buf, (size_t)n, MALFORMED);
	n = spawn_with("", NULL, 0, buf, sizeof(buf));
	expect_error("pm-empty-name", pm_ep, ORB_MSG_PM_SPAWN, buf, (size_t)n, MALFORMED);
	n = spawn_with("bad name", NULL, 0, buf, sizeof(buf));
	expect_error("pm-space-in-name", pm_ep, ORB_MSG_PM_SPAWN, buf, (size_t)n, MALFORMED);
	orb_msg_pm_kill_t k = { .pid = 5, .signal = 7 };
	n = orb_msg_pm_kill_encode(buf, sizeof(buf), &k);
	expect_error("pm-kill-signal", pm_ep, ORB_MSG_PM_KILL, buf, (size_t)n, MALFORMED);
	expect_error("pm-list-payload", pm_ep, ORB_MSG_PM_LIST_PROCESSES, buf, 4, MALFORMED);
	orb_msg_child_exited_t x = { .pid = perm_pid, .exit_code = 0 };
	n = orb_msg_child_exited_encode(buf, sizeof(buf), &x);
	expect_error("pm-forged-exit", pm_ep, ORB_MSG_CHILD_EXITED, buf, (size_t)n,
		     ORB_ERROR_ERRNO | ORB_EPERM);
}

static void permissions(void)
{
	uint8_t buf[64];
	expect_error("perm-short", perm_ep, ORB_MSG_CHECK_PERM, good_check, 2, MALFORMED);
	expect_error("perm-trailing", perm_ep, ORB_MSG_CHECK_PERM, good_check,
		     (size_t)check_len + 1, MALFORMED);
	orb_msg_check_perm_t q = { .pid = 1, .cap_type = { "console", 7 }, .rights = 0x40 };
	long n = orb_msg_check_perm_encode(buf, sizeof(buf), &q);
	expect_error("perm-bad-rights", perm_ep, ORB_MSG_CHECK_PERM, buf, (size_t)n, MALFORMED);
	q = (orb_msg_check_perm_t){ .pid = 1, .cap_type = { "", 0 }, .rights = 1 };
	n = orb_msg_check_perm_encode(buf, sizeof(buf), &q);
	expect_error("perm-empty-type", perm_ep, ORB_MSG_CHECK_PERM, buf, (size_t)n, MALFORMED);
	expect_error("perm-caps-short", perm_ep, ORB_MSG_QUERY_CAPS, buf, 3, MALFORMED);
	memset(buf, 0, 9);
	expect_error("perm-history-trailing", perm_ep, ORB_MSG_QUERY_HISTORY, buf, 9, MALFORMED);
	expect_error("perm-wrong-tag", perm_ep, 0x5999, good_check, (size_t)check_len, UNKNOWN);
	expect_error("perm-spawn-tag", perm_ep, ORB_MSG_PM_SPAWN, good_spawn, (size_t)spawn_len,
		     UNKNOWN);
	orb_msg_query_caps_t c = { .pid = 4242 };
	n = orb_msg_query_caps_encode(buf, sizeof(buf), &c);
	expect_error("perm-unknown-pid", perm_ep, ORB_MSG_QUERY_CAPS, buf, (size_t)n,
		     ORB_ERROR_ERRNO | ORB_ENOENT);
}

static void still_answering(void)
{
	orb_msg_check_perm_response_t r;
	char reason[80];
	long a = check_perm(orb_pid(), "console", ORB_RIGHT_WRITE, &r, reason, sizeof(reason));
	orb_msg_t reply;
	long b = raw_call(pm_ep, ORB_MSG_PM_LIST_PROCESSES, NULL, 0, &reply);
	uint32_t pm = pid_of("process"), perm = pid_of("permissions");
	orb_printf("pm-test: after malformed requests: CHECK_PERM %ld, PM_LIST_PROCESSES %#lx, "
		   "process pid %u, permissions pid %u\n", a, b, pm, perm);
	CHECK(a == 0 && r.allowed && b == ORB_MSG_PM_PROCESS_LIST, "the services answer");
	CHECK(pm == pm_pid && perm == perm_pid, "neither service was restarted");
}

void t_malformed(void)
{
	spawn_len = spawn_with("x", NULL, 0, good_spawn, sizeof(good_spawn));
	orb_msg_check_perm_t q = { .pid = 1, .cap_type = { "console", 7 }, .rights = 2,
				   .context = { "c", 1 } };
	check_len = orb_msg_check_perm_encode(good_check, sizeof(good_check), &q);
	CHECK(spawn_len > 0 && check_len > 0, "encoding the good requests");
	process_manager();
	permissions();
	still_answering();
}
