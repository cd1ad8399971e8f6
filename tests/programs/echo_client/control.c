/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stop, start, restart (after the live update, so echo runs the echo-v2 build):
 *   - SVC_STOP: echo has no instance, and its registration is gone (lookup finds nothing);
 *   - SVC_START: a new instance on the same endpoint, registered again, answering;
 *   - SVC_RESTART: another new instance, restart count + 1;
 * and every instance started after the update runs the new build (version 2).
 */
#include "client.h"

/* One ECHO through our slot-2 capability: the answering version, or -E. */
static long echo_version(uint32_t *pid)
{
	uint8_t buf[8];
	orb_msg_echo_t q = { .seq = 7 };
	long n = orb_msg_echo_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	orb_msg_echo_response_t r;
	long rc = orb_request(ECHO_SLOT, ORB_MSG_ECHO, buf, (size_t)n, &reply);
	if (rc < 0)
		return rc;
	if (reply.tag != ORB_MSG_ECHO_RESPONSE ||
	    orb_msg_echo_response_decode(reply.data, reply.len, &r) < 0 || r.seq != 7)
		return -ORB_EINVAL;
	*pid = r.pid;
	return r.version;
}

static bool registered(void)
{
	orb_cptr_t ep;
	bool found = orb_lookup_service("echo", &ep, NULL, 0) == 0;
	if (found)
		orb_cap_delete(ep);
	return found;
}

int scenario_control(void)
{
	int failures = 0;
	orb_svc_status_t before, st;
	uint32_t n = 0, pid = 0;
	CHECK(svc_status("echo", &before) == 0, "SVC_STATUS echo failed");
	long rc = svc_call(ORB_MSG_SVC_STOP, "echo", NULL, &st, 1, &n);
	CHECK(rc == 0 && st.state == ORB_SVC_STOPPED && st.pid == 0, "SVC_STOP: %ld, state %u",
	      rc, st.state);
	CHECK(!registered(), "a stopped echo is still registered");
	rc = svc_call(ORB_MSG_SVC_START, "echo", NULL, &st, 1, &n);
	CHECK(rc == 0 && st.pid && st.pid != before.pid, "SVC_START: %ld, pid %u", rc, st.pid);
	rc = svc_wait_state("echo", ORB_SVC_RUNNING, 2000, &st);
	uint32_t started = st.pid;
	long v_start = echo_version(&pid);
	CHECK(rc == 0 && v_start == 2 && pid == started && registered(),
	      "after SVC_START: %ld, version %ld from pid %u (expected %u)", rc, v_start, pid,
	      started);
	rc = svc_call(ORB_MSG_SVC_RESTART, "echo", NULL, &st, 1, &n);
	CHECK(rc == 0 && st.pid != started, "SVC_RESTART: %ld, pid %u", rc, st.pid);
	rc = svc_wait_state("echo", ORB_SVC_RUNNING, 2000, &st);
	long v_restart = echo_version(&pid);
	CHECK(rc == 0 && v_restart == 2 && pid == st.pid && !strcmp((const char *)st.version, "2"),
	      "after SVC_RESTART: %ld, version %ld ('%s') from pid %u", rc, v_restart,
	      (const char *)st.version, pid);
	CHECK(st.restart_count == before.restart_count + 1, "restart count %u -> %u",
	      before.restart_count, st.restart_count);
	orb_printf(ORB_SERVICE_NAME ": stop, start, restart: echo pid %u -> stopped -> %u -> %u, "
		   "version %ld after each: %s\n", before.pid, started, st.pid, v_restart,
		   failures ? "FAIL" : "PASS");
	return failures;
}
