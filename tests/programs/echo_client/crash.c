/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Crash loop: 400 ECHO calls from two threads while echo is crashed 20 times, spread
 * through the calls. init restarts it every time (policy `always`) on the same endpoint,
 * so every call is answered exactly once, by some instance, with its own seq; the crash
 * calls themselves fail with -EDEAD; echo's restart count grows by exactly 20; and no
 * other service was touched (same pids before and after).
 */
#include "client.h"

#define CALLS 400
#define CRASHES 20

static struct load l;

static bool others_unchanged(const orb_svc_status_t *a, uint32_t na, const orb_svc_status_t *b,
			     uint32_t nb)
{
	if (na != nb)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (strcmp((const char *)a[i].name, "echo") &&
		    (strcmp((const char *)a[i].name, (const char *)b[i].name) || a[i].pid != b[i].pid))
			return false;
	return true;
}

static uint32_t distinct_pids(void)
{
	uint32_t seen[CRASHES + 8], n = 0;
	for (uint32_t s = 0; s < CALLS; s++) {
		bool dup = false;
		for (uint32_t k = 0; k < n && !dup; k++)
			dup = seen[k] == l.pid[s];
		if (!dup && n < ORB_ARRAY_SIZE(seen))
			seen[n++] = l.pid[s];
	}
	return n;
}

int scenario_crash_loop(void)
{
	int failures = 0;
	static orb_svc_status_t before[16], after[16];
	uint32_t nb = 0, na = 0;
	orb_svc_status_t st;
	CHECK(svc_call(ORB_MSG_SVC_LIST, NULL, NULL, before, 16, &nb) == 0, "SVC_LIST failed");
	CHECK(svc_status("echo", &st) == 0, "SVC_STATUS echo failed");
	uint32_t restarts0 = st.restart_count;
	l = (struct load){ .ep = ECHO_SLOT, .total = CALLS, .threads = 2,
			   .crash_every = CALLS / CRASHES, .ntfn = ORB_CAP_NONE };
	CHECK(load_start(&l) == 0, "cannot start the workers");
	bool finished = load_finish(&l, 20000);
	CHECK(finished, "workers still calling after 20 s (%u calls done)", l.done);
	long rc = svc_wait_state("echo", ORB_SVC_RUNNING, 2000, &st);
	CHECK(rc == 0, "echo not running again: %ld", rc);
	CHECK(svc_call(ORB_MSG_SVC_LIST, NULL, NULL, after, 16, &na) == 0, "SVC_LIST failed");
	uint32_t once = load_answered_once(&l), restarts = st.restart_count - restarts0;
	bool same = others_unchanged(before, nb, after, na);
	CHECK(once == CALLS, "%u of %u calls answered exactly once", once, CALLS);
	CHECK(l.errors == 0, "%u calls failed, the first with %ld", l.errors, l.first_error);
	CHECK(l.mismatches == 0, "%u answers did not match their call", l.mismatches);
	CHECK(l.crashes == CRASHES && l.crash_edead == CRASHES,
	      "%u crash calls, %u of them got EDEAD", l.crashes, l.crash_edead);
	CHECK(restarts == CRASHES, "echo restarted %u times", restarts);
	CHECK(same, "another service's pid changed");
	orb_printf(ORB_SERVICE_NAME ": crash loop: %u/%u answered once, %u/%u crash calls got "
		   "EDEAD, %u restarts, %u echo instances answered, other pids %s: %s\n", once,
		   CALLS, l.crash_edead, l.crashes, restarts, distinct_pids(),
		   same ? "unchanged" : "CHANGED", failures ? "FAIL" : "PASS");
	return failures;
}
