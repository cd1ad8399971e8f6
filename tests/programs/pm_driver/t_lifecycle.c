/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Spawn, list and kill through the PM: a term stops a well-behaved program at once and a
 * stubborn one after the 1 s grace; a kill is immediate; the errors of spawn (no such
 * program, more memory than there is) and of kill (no such process, init, the PM itself);
 * a storage capability while no storage service is registered leaves its slot empty.
 */
#include "driver.h"

#define GROUP "lifecycle"
#define W ORB_RIGHT_WRITE
#define TERM 0
#define KILL 1

static uint32_t spawn(const char *name, const char *image, const uint8_t *caps, uint32_t n,
		      uint64_t max_memory, orb_msg_pm_spawn_response_t *r)
{
	struct spawn_req q = { .name = name, .image = image, .caps = caps, .ncaps = n,
			       .max_memory = max_memory };
	long rc = pm_spawn(&q, r);
	CHECK(rc == 0, "PM_SPAWN %s: %ld", name, rc);
	return rc == 0 && r->ok ? r->pid : 0;
}

static void listed(uint32_t pid, const char *name)
{
	orb_msg_t reply;
	orb_msg_pm_process_list_t l;
	long rc = raw_call(pm_ep, ORB_MSG_PM_LIST_PROCESSES, NULL, 0, &reply);
	bool ok = rc == ORB_MSG_PM_PROCESS_LIST &&
		  orb_msg_pm_process_list_decode(reply.data, reply.len, &l) == 0 &&
		  l.items.len == l.count * sizeof(orb_proc_entry_t);
	CHECK(ok, "PM_LIST_PROCESSES: %ld", rc);
	bool found = false;
	for (uint32_t i = 0; ok && i < l.count; i++) {
		orb_proc_entry_t e;
		memcpy(&e, l.items.ptr + i * sizeof(e), sizeof(e));
		if (e.pid == pid && strcmp((const char *)e.name, name) == 0 && e.parent == pm_pid)
			found = true;
	}
	CHECK(found, "%s (pid %u) is not in the PM's list", name, pid);
	orb_printf("pm-test: PM_LIST_PROCESSES: %u processes, %s (pid %u) among them\n",
		   ok ? l.count : 0, name, pid);
}

static void stop(uint32_t pid, const char *name, uint8_t signal, long min_ms, long max_ms)
{
	long status = pm_kill(pid, signal);
	long ms = wait_gone(pid, 5000);
	orb_printf("pm-test: %s %s (pid %u): status %ld, gone after %ld ms\n",
		   signal == TERM ? "term" : "kill", name, pid, status, ms);
	CHECK(status == 0 && ms >= min_ms && ms <= max_ms,
	      "%s of %s: status %ld, gone after %ld ms (expected %ld..%ld)",
	      signal == TERM ? "term" : "kill", name, status, ms, min_ms, max_ms);
}

static void errors(void)
{
	orb_msg_pm_spawn_response_t r;
	spawn("ghost", "no-such-program", NULL, 0, 0, &r);
	CHECK(!r.ok && r.error == ORB_SPAWN_ERR_BINARY_NOT_FOUND, "missing program: %u", r.error);
	spawn("greedy", "pm_sleeper", NULL, 0, 1ull << 40, &r);
	CHECK(!r.ok && r.error == ORB_SPAWN_ERR_RESOURCE_LIMIT, "1 TiB of memory: %u", r.error);
	long a = pm_kill(9999, KILL), b = pm_kill(1, KILL), c = pm_kill(pm_pid, TERM);
	orb_printf("pm-test: kill 9999 -> %ld, kill init -> %ld, term the PM -> %ld\n", a, b, c);
	CHECK(a == -ORB_ENOENT && b == -ORB_EPERM && c == -ORB_EPERM, "kill errors");
}

static void missing_storage(void)
{
	static const uint8_t caps[] = { ORB_CAPKIND_STORAGE, ORB_RIGHT_READ,
					ORB_CAPKIND_CONSOLE, W };
	orb_msg_pm_spawn_response_t r;
	uint32_t pid = spawn("sleeper-c", "pm_sleeper", caps, 2, 0, &r);
	static orb_cap_provenance_t held[8];
	long n = pid ? query_caps(pid, held, ORB_ARRAY_SIZE(held)) : -1;
	bool slot2 = false, slot3 = false;
	for (long i = 0; i < n; i++) {
		slot2 |= held[i].slot == 2;
		slot3 |= held[i].slot == 3 && held[i].object_type == ORB_OBJ_CONSOLE;
	}
	orb_printf("pm-test: sleeper-c without a storage service: %ld caps, slot 2 %s, "
		   "slot 3 console %s\n", n, slot2 ? "held" : "empty", slot3 ? "held" : "empty");
	CHECK(pid && !slot2 && slot3, "storage is skipped and console lands in slot 3");
	if (pid)
		stop(pid, "sleeper-c", KILL, 0, 500);
}

void t_lifecycle(void)
{
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, W };
	orb_msg_pm_spawn_response_t r;
	uint32_t a = spawn("sleeper-a", "pm_sleeper", console, 1, 0, &r);
	uint32_t s = spawn("stubborn", "pm_sleeper", console, 1, 0, &r);
	uint32_t b = spawn("sleeper-b", "pm_sleeper", console, 1, 0, &r);
	CHECK(a && s && b, "three sleepers started");
	if (!a || !s || !b)
		return;
	orb_sleep_ms(100);   /* let them print their capabilities */
	listed(a, "sleeper-a");
	stop(a, "sleeper-a", TERM, 0, 900);
	stop(s, "stubborn", TERM, 900, 3000);
	stop(b, "sleeper-b", KILL, 0, 500);
	errors();
	missing_storage();
}
