/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live update under load: one thread calls ECHO 300 times; after the 150th answer the
 * main thread asks init for SVC_UPDATE {echo, echo-v2} while the calls go on. Every call
 * must be answered exactly once, and the versions, in the order the answers came, must
 * be 1 … 1 then 2 … 2: never back to the old build once the new one answered. One thread
 * only, so that "the order the answers came" is the order of the calls.
 *
 * Call 150 is slow (ECHO_SLOW): the old build holds it while the update happens, so it is
 * killed holding it. orb_request sees -EDEAD and calls again; the new build answers. So
 * that call must be answered by version 2 (and echo's log shows the old pid held it).
 */
#include "client.h"

#define CALLS 300

static struct load l;

int scenario_update(void)
{
	int failures = 0;
	orb_svc_status_t before, rec, after;
	CHECK(svc_status("echo", &before) == 0, "SVC_STATUS echo failed");
	long ntfn = orb_notification_create();
	CHECK(ntfn >= 0, "no notification: %ld", ntfn);
	l = (struct load){ .ep = ECHO_SLOT, .total = CALLS, .threads = 1, .notify_at = CALLS / 2,
			   .slow_seq = CALLS / 2, .ntfn = (orb_cptr_t)ntfn };
	CHECK(load_start(&l) == 0, "cannot start the worker");
	CHECK(orb_notification_wait((orb_cptr_t)ntfn, 10000 * 1000000ull) > 0,
	      "the worker never reached call %u", CALLS / 2);
	uint32_t at = __atomic_load_n(&l.done, __ATOMIC_ACQUIRE), n = 0;
	uint64_t t0 = orb_now_ns();
	long rc = svc_call(ORB_MSG_SVC_UPDATE, "echo", "echo-v2", &rec, 1, &n);
	uint64_t us = (orb_now_ns() - t0) / 1000;
	CHECK(rc == 0 && n == 1, "SVC_UPDATE failed: %ld", rc);
	CHECK(!strcmp((const char *)rec.version, "2") && rec.pid != before.pid &&
	      rec.state == ORB_SVC_RUNNING, "after SVC_UPDATE: version '%s', pid %u (was %u)",
	      (const char *)rec.version, rec.pid, before.pid);
	CHECK(load_finish(&l, 20000), "worker still calling after 20 s");
	CHECK(svc_status("echo", &after) == 0 && !strcmp((const char *)after.version, "2"),
	      "SVC_STATUS echo: version '%s'", (const char *)after.version);
	uint32_t v1 = 0, v2 = 0, backwards = 0, wrong_pid = 0;
	for (uint32_t i = 0; i < l.done && i < CALLS; i++) {
		uint32_t s = l.order[i], v = l.version[s];
		v1 += v == 1;
		v2 += v == 2;
		backwards += v == 1 && v2 > 0;
		wrong_pid += l.pid[s] != (v == 1 ? before.pid : rec.pid);
	}
	uint32_t once = load_answered_once(&l);
	CHECK(once == CALLS, "%u of %u calls answered exactly once", once, CALLS);
	CHECK(l.errors == 0 && l.mismatches == 0, "%u calls failed (first: %ld), %u mismatched",
	      l.errors, l.first_error, l.mismatches);
	CHECK(v1 && v2 && v1 + v2 == CALLS && !backwards,
	      "versions: %u x 1, %u x 2, %u answers from 1 after 2", v1, v2, backwards);
	CHECK(!wrong_pid, "%u answers came from an unexpected pid", wrong_pid);
	CHECK(l.version[CALLS / 2] == 2, "the call held across the update got version %u",
	      l.version[CALLS / 2]);
	orb_printf(ORB_SERVICE_NAME ": live update: %u/%u answered once, versions 1 x %u then "
		   "2 x %u, call %u held across the switch answered by version %u, update asked "
		   "at call %u took %lu.%03lu ms: %s\n", once, CALLS, v1, v2, CALLS / 2,
		   l.version[CALLS / 2], at, (unsigned long)(us / 1000), (unsigned long)(us % 1000),
		   failures ? "FAIL" : "PASS");
	if (ntfn >= 0)
		orb_cap_delete((orb_cptr_t)ntfn);
	return failures;
}
