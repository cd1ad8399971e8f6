/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Backoff and the restart-storm limit: echo-noperm is an echo build whose image entry may
 * register no type, so each instance exits at once (code 2) when init refuses it. Its
 * policy is WithBackoff {10 ms, max 40 ms} with max_restarts 5: init restarts it after
 * 10, 20, 40, 40, 40 ms (the delays appear in init's log) and disables it at the sixth
 * exit. Here: start it, wait for DISABLED, check the restart count.
 */
#include "client.h"

int scenario_backoff(void)
{
	int failures = 0;
	orb_svc_status_t st;
	uint32_t n = 0;
	long rc = svc_call(ORB_MSG_SVC_START, "echo-noperm", NULL, &st, 1, &n);
	CHECK(rc == 0 && n == 1, "SVC_START echo-noperm: %ld", rc);
	rc = svc_wait_state("echo-noperm", ORB_SVC_DISABLED, 5000, &st);
	CHECK(rc == 0, "echo-noperm not disabled: %ld (state %u)", rc, st.state);
	CHECK(st.restart_count == 5 && st.pid == 0, "echo-noperm: %u restarts, pid %u",
	      st.restart_count, st.pid);
	orb_printf(ORB_SERVICE_NAME ": backoff: echo-noperm disabled after %u restarts: %s\n",
		   st.restart_count, failures ? "FAIL" : "PASS");
	return failures;
}
