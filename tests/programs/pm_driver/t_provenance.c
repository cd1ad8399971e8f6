/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QUERY_CAPS and QUERY_HISTORY: the capabilities Permissions rebuilt from the CommitLog
 * must be exactly what the kernel says this driver holds (cap_list), and a program the PM
 * starts must hold slot 0 its endpoint (R|W), slot 1 init's endpoint (W) and slot 2 the
 * console (W), each granted by the PM during the spawn call. Its history shows the three
 * insertions by the PM, and after a term the removals made by its own exit. The granter
 * stays right when the SysLog record of the spawn is gone before Permissions reads it.
 */
#include "driver.h"

#define GROUP "provenance"
#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE

static orb_cap_provenance_t caps[85];
static orb_history_entry_t hist[102];

static void print_caps(uint32_t pid, long n)
{
	for (long i = 0; i < n; i++)
		orb_printf("pm-test: caps of pid %u: slot %u type %u rights %u object %lu "
			   "granted_by %u granted_at %lu\n", pid, caps[i].slot, caps[i].object_type,
			   caps[i].rights, (unsigned long)caps[i].object_id, caps[i].granted_by,
			   (unsigned long)caps[i].granted_at);
}

static long print_history(uint32_t pid, uint32_t limit)
{
	long n = query_history(pid, limit, hist, ORB_ARRAY_SIZE(hist));
	for (long i = 0; i < n; i++)
		orb_printf("pm-test: history of pid %u: seq %lu op %u pid %u slot %u rights %u "
			   "actor %u\n", pid, (unsigned long)hist[i].seq, hist[i].operation,
			   hist[i].pid, hist[i].slot, hist[i].rights, hist[i].actor);
	return n;
}

/* The ledger against the kernel's own list of this driver's capabilities. */
static void self_matches_kernel(void)
{
	static orb_cap_info_t mine[64];
	long n = query_caps(0, caps, ORB_ARRAY_SIZE(caps));
	long k = orb_cap_list(mine, sizeof(mine));
	CHECK(n > 0 && n == k, "QUERY_CAPS of myself: %ld capabilities, the kernel says %ld", n, k);
	for (long i = 0; i < n && n == k; i++) {
		const orb_cap_info_t *c = NULL;
		for (long j = 0; j < k; j++)
			if (mine[j].slot == caps[i].slot)
				c = &mine[j];
		CHECK(c && c->cap_id == caps[i].cap_id && c->object_type == caps[i].object_type &&
		      c->rights == caps[i].rights && c->object_id == caps[i].object_id,
		      "slot %u differs from the kernel's", caps[i].slot);
	}
	orb_printf("pm-test: QUERY_CAPS of myself matches cap_list: %ld capabilities\n", n);
}

static void spawned_app(uint32_t app, uint64_t t0, uint64_t t1)
{
	static const uint8_t want_type[] = { ORB_OBJ_ENDPOINT, ORB_OBJ_ENDPOINT, ORB_OBJ_CONSOLE };
	static const uint8_t want_rights[] = { R | W, W, W };
	long n = query_caps(app, caps, ORB_ARRAY_SIZE(caps));
	print_caps(app, n);
	CHECK(n == 3, "QUERY_CAPS of the app: %ld capabilities, expected 3", n);
	for (long i = 0; i < n && n == 3; i++)
		CHECK(caps[i].slot == (uint32_t)i && caps[i].object_type == want_type[i] &&
		      caps[i].rights == want_rights[i] && caps[i].granted_by == pm_pid &&
		      caps[i].granted_at >= t0 && caps[i].granted_at <= t1,
		      "slot %ld: type %u rights %u granted_by %u at %lu", i, caps[i].object_type,
		      caps[i].rights, caps[i].granted_by, (unsigned long)caps[i].granted_at);
	orb_printf("pm-test: prov-app pid %u spawned between %lu and %lu\n", app,
		   (unsigned long)t0, (unsigned long)t1);
}

static void history(uint32_t app)
{
	long n = print_history(app, 10);
	long inserted = 0;
	for (long i = 0; i < n; i++)
		if (hist[i].operation == 3 && hist[i].pid == app && hist[i].actor == pm_pid)
			inserted++;
	CHECK(inserted == 3, "history: %ld insertions by the PM, expected 3", inserted);

	CHECK(pm_kill(app, 0) == 0 && wait_gone(app, 2000) >= 0, "term of prov-app");
	n = print_history(app, 10);
	long removed = 0;
	for (long i = 0; i < n; i++)
		if (hist[i].operation == 4 && hist[i].pid == app && hist[i].actor == app)
			removed++;
	CHECK(removed == 3, "history: %ld removals by its own exit, expected 3", removed);
	CHECK(query_caps(app, caps, ORB_ARRAY_SIZE(caps)) == 0, "an ended process holds nothing");
}

/* The granter is right even when the SysLog record of the spawn has left the kernel's
 * ring (4096 records) before Permissions read it: it then falls back to the holder of
 * each capability's parent, which for these is the PM as well. */
static void after_the_syslog_moved_on(void)
{
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, W };
	struct spawn_req q = { .name = "prov-burst", .image = "pm_sleeper", .caps = console,
			       .ncaps = 1 };
	orb_msg_pm_spawn_response_t r;
	orb_sys_info_t before, after;
	orb_system_info(&before, sizeof(before));
	long rc = pm_spawn(&q, &r);
	CHECK(rc == 0 && r.ok, "spawning prov-burst: %ld", rc);
	if (rc < 0 || !r.ok)
		return;
	uint64_t t0 = orb_now_ns();
	for (int i = 0; i < 5000; i++)
		orb_nop();
	uint64_t burst_us = (orb_now_ns() - t0) / 1000;
	orb_system_info(&after, sizeof(after));
	long n = query_caps(r.pid, caps, ORB_ARRAY_SIZE(caps));
	bool by_pm = n == 3;
	for (long i = 0; i < n; i++)
		by_pm &= caps[i].granted_by == pm_pid;
	orb_printf("pm-test: prov-burst (pid %u): %lu syscalls since its spawn (%lu us), %ld caps, "
		   "granted by the PM: %s\n", r.pid,
		   (unsigned long)(after.syslog_records - before.syslog_records),
		   (unsigned long)burst_us, n, by_pm ? "yes" : "no");
	CHECK(by_pm, "prov-burst: granted_by after the SysLog moved on");
	pm_kill(r.pid, 1);
	wait_gone(r.pid, 2000);
}

void t_provenance(void)
{
	self_matches_kernel();
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, W };
	struct spawn_req q = { .name = "prov-app", .image = "pm_sleeper", .caps = console,
			       .ncaps = 1 };
	orb_msg_pm_spawn_response_t r;
	uint64_t t0 = orb_now_ns();
	long rc = pm_spawn(&q, &r);
	uint64_t t1 = orb_now_ns();
	CHECK(rc == 0 && r.ok, "spawning prov-app: %ld", rc);
	if (rc < 0 || !r.ok)
		return;
	spawned_app(r.pid, t0, t1);
	history(r.pid);
	CHECK(query_caps(4242, caps, ORB_ARRAY_SIZE(caps)) == -ORB_EINVAL,
	      "QUERY_CAPS of an unknown pid is refused");
	after_the_syslog_moved_on();
}
