/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CHECK_PERM against the default policy, for requesters of each class: this driver and
 * init (System by name), the PM ("process", System by decision #50), Permissions
 * (Runtime), and two programs the PM starts for us: "pm_sleeper" (an Application) and
 * one named "storage" (Runtime, and the subject of storage-no-network).
 */
#include "driver.h"

#define GROUP "policy"
#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE

struct expect {
	uint32_t pid;
	const char *who, *type;
	uint8_t rights;
	bool allowed;
	const char *reason, *alternative;
};

static void check_one(const struct expect *e)
{
	orb_msg_check_perm_response_t r;
	char reason[80], alt[80] = "";
	long rc = check_perm(e->pid, e->type, e->rights, &r, reason, sizeof(reason));
	CHECK(rc == 0, "CHECK_PERM %s %s failed: %ld", e->who, e->type, rc);
	if (rc < 0)
		return;
	orb_strcopy(alt, sizeof(alt), r.alternative.ptr, r.alternative.len);
	orb_printf("pm-test: check pid %u (%s) %s rights %u -> allowed %u reason \"%s\" "
		   "alternative \"%s\"\n", e->pid, e->who, e->type, e->rights, r.allowed, reason,
		   alt);
	CHECK(r.allowed == e->allowed && strcmp(reason, e->reason) == 0 &&
	      strcmp(alt, e->alternative) == 0,
	      "%s %s %u: got %u \"%s\" \"%s\"", e->who, e->type, e->rights, r.allowed, reason, alt);
}

static uint32_t start(const char *name)
{
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, W };
	struct spawn_req q = { .name = name, .image = "pm_sleeper", .caps = console, .ncaps = 1 };
	orb_msg_pm_spawn_response_t r;
	long rc = pm_spawn(&q, &r);
	CHECK(rc == 0 && r.ok, "spawning %s: rc %ld ok %u error %u", name, rc, r.ok, r.error);
	return rc == 0 && r.ok ? r.pid : 0;
}

void t_policy(void)
{
	uint32_t app = start("pm_sleeper"), storage = start("storage"), me = orb_pid();
	const char *none = "No policy allows this permission";
	const struct expect cases[] = {
		{ me, "system-pmtest", "spawn", W, true, "Allowed by rule: system-spawn", "" },
		{ me, "system-pmtest", "console", R | W, true, "Allowed by rule: system-any", "" },
		{ 1, "init", "spawn", W, true, "Allowed by rule: system-spawn", "" },
		{ pm_pid, "process", "spawn", W, true, "Allowed by rule: system-spawn", "" },
		{ perm_pid, "permissions", "console", W, true, "Allowed by rule: runtime-console",
		  "" },
		{ perm_pid, "permissions", "spawn", W, false, none, "" },
		{ perm_pid, "permissions", "storage", R, false, none, "" },
		{ app, "pm_sleeper", "storage", R, true, "Allowed by rule: app-storage-ro", "" },
		{ app, "pm_sleeper", "storage", R | W, false, none, "storage:r" },
		{ app, "pm_sleeper", "network", R | W, true, "Allowed by rule: app-network", "" },
		{ app, "pm_sleeper", "spawn", W, false, none, "" },
		{ app, "pm_sleeper", "console", W, false, none, "" },
		{ app, "pm_sleeper", "teleport", R, false, none, "" },
		{ storage, "storage", "network", R, false, "Denied by rule: storage-no-network",
		  "" },
		{ storage, "storage", "console", W, true, "Allowed by rule: runtime-console", "" },
		{ 9999, "nobody", "console", W, false, "No such process: 9999", "" },
	};
	for (size_t i = 0; i < ORB_ARRAY_SIZE(cases); i++)
		if (cases[i].pid)
			check_one(&cases[i]);
	CHECK(pm_kill(app, 1) == 0 && pm_kill(storage, 1) == 0, "killing the policy subjects");
	CHECK(wait_gone(app, 2000) >= 0 && wait_gone(storage, 2000) >= 0,
	      "the policy subjects are gone");
}
