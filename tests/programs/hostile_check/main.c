/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostile-check (images/hostile.toml): starts once every attack of tests/programs/hostile
 * has been refused and its attacker holds all it got, and shows that the rest of the
 * system is unaffected: registry lookups, sends (to an endpoint of its own and requests to
 * the Process Manager), spawns through the PM and the exit notices the PM gets for them
 * (the PM logs "process: NAME (pid P) ended", which tests/e2e/test_hostile.py reads). It
 * also prints each attacker's usage against its limits as the kernel lists them (what the
 * shell's `ps` shows). Ends with "hostile-check: N passed, M failed" and exit code 0 when
 * M is 0.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#define ROUNDS 20u
#define SPAWNS 5u
#define CHILD "hostile-child"
#define CHILD_CODE 42   /* tests/programs/hostile/attack.h's HOSTILE_CHILD_CODE */
#define MS 1000000ull

static unsigned passed, failed;
static uint8_t buf[ORB_MAX_MSG_SIZE];
static orb_proc_entry_t list[64];

static void check(bool ok, const char *what, long detail)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	orb_printf("hostile-check: FAIL %s (%ld)\n", what, detail);
}

static unsigned snapshot(void)
{
	long n = orb_process_list(list, sizeof(list));
	return n < 0 ? 0 : n > 64 ? 64 : (unsigned)n;
}

static bool running(uint32_t pid)
{
	unsigned n = snapshot();
	for (unsigned i = 0; i < n; i++)
		if (list[i].pid == pid)
			return true;
	return false;
}

static void attackers(void)
{
	unsigned n = snapshot(), found = 0;
	for (unsigned i = 0; i < n; i++) {
		const orb_proc_entry_t *e = &list[i];
		if (strncmp((const char *)e->name, "hostile-", 8) || !strcmp((const char *)e->name,
									       CHILD))
			continue;
		found++;
		orb_printf("hostile-check: %s (pid %u): endpoints %lu/%lu messages %lu/%lu "
			   "msg_bytes %lu/%lu processes %lu/%lu\n", e->name, e->pid,
			   (unsigned long)e->usage[ORB_RES_ENDPOINTS],
			   (unsigned long)e->limits[ORB_RES_ENDPOINTS],
			   (unsigned long)e->usage[ORB_RES_MESSAGES],
			   (unsigned long)e->limits[ORB_RES_MESSAGES],
			   (unsigned long)e->usage[ORB_RES_MSG_BYTES],
			   (unsigned long)e->limits[ORB_RES_MSG_BYTES],
			   (unsigned long)e->usage[ORB_RES_PROCESSES],
			   (unsigned long)e->limits[ORB_RES_PROCESSES]);
	}
	check(found > 0, "the attackers are still there", found);
}

static void lookups(void)
{
	static const char *const types[] = { "process", "permissions" };
	unsigned ok = 0;
	for (unsigned i = 0; i < ROUNDS; i++) {
		for (unsigned t = 0; t < ORB_ARRAY_SIZE(types); t++) {
			orb_cptr_t ep;
			long rc = orb_lookup_service(types[t], &ep, NULL, 0);
			check(rc == 0, "registry lookup", rc);
			if (rc == 0) {
				ok++;
				orb_cap_delete(ep);
			}
		}
	}
	orb_printf("hostile-check: %u registry lookups answered\n", ok);
}

static void sends(orb_cptr_t pm)
{
	unsigned queued = 0, got = 0, answered = 0;
	for (unsigned round = 0; round < 2; round++) {
		orb_cptr_t ep;
		long rc = orb_ep_create(&ep);
		check(rc >= 0, "endpoint_create", rc);
		if (rc < 0)
			continue;
		for (unsigned i = 0; i < ROUNDS; i++) {
			rc = orb_send(ep, 0x77, buf, 512, NULL, 0);
			check(rc == 0, "send to our own endpoint", rc);
			queued += rc == 0;
		}
		orb_msg_t m;
		while (orb_try_recv(ep, &m) >= 0)
			got += m.tag == 0x77 && m.len == 512 && m.sender == orb_pid();
		orb_ep_destroy(ep);
	}
	for (unsigned i = 0; i < ROUNDS; i++) {
		orb_msg_t reply;
		long rc = orb_request(pm, ORB_MSG_PM_LIST_PROCESSES, NULL, 0, &reply);
		check(rc >= 0 && reply.tag == ORB_MSG_PM_PROCESS_LIST, "PM_LIST_PROCESSES", rc);
		answered += rc >= 0 && reply.tag == ORB_MSG_PM_PROCESS_LIST;
	}
	check(got == queued, "every queued message received", got);
	orb_printf("hostile-check: %u messages queued and %u received; %u PM requests answered\n",
		   queued, got, answered);
}

static void spawns(orb_cptr_t pm)
{
	unsigned started = 0, ended = 0;
	for (unsigned i = 0; i < SPAWNS; i++) {
		char name[16];
		snprintf(name, sizeof(name), "hc-%u", i);
		orb_msg_pm_spawn_t q = { .name = { name, (uint16_t)strlen(name) },
					 .image = { CHILD, sizeof(CHILD) - 1 } };
		orb_msg_t reply;
		orb_msg_pm_spawn_response_t r = { 0 };
		long len = orb_msg_pm_spawn_encode(buf, sizeof(buf), &q);
		long rc = len < 0 ? len : orb_request(pm, ORB_MSG_PM_SPAWN, buf, (size_t)len, &reply);
		if (rc >= 0)
			rc = reply.tag == ORB_MSG_PM_SPAWN_RESPONSE ?
				     orb_msg_pm_spawn_response_decode(reply.data, reply.len, &r) :
				     -ORB_EINVAL;
		check(rc >= 0 && r.ok, "PM_SPAWN " CHILD, rc < 0 ? rc : r.error);
		if (rc < 0 || !r.ok)
			continue;
		started++;
		orb_printf("hostile-check: spawned %s (pid %u)\n", name, r.pid);
		uint64_t start = orb_now_ns();
		while (running(r.pid) && orb_now_ns() - start < 10000 * MS)
			orb_sleep_ms(10);
		check(!running(r.pid), "the child ends", r.pid);
		ended += !running(r.pid);
	}
	orb_printf("hostile-check: %u spawned through the PM, %u ended\n", started, ended);
}

int main(void)
{
	orb_printf("hostile-check: pid %u\n", orb_pid());
	attackers();
	lookups();
	orb_cptr_t pm;
	long rc = orb_lookup_service("process", &pm, NULL, 0);
	check(rc == 0, "the PM's endpoint", rc);
	if (rc == 0) {
		sends(pm);
		spawns(pm);
	}
	orb_printf("hostile-check: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
