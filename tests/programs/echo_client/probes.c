/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile input to init: requests it must refuse without harm. A payload that does not
 * decode and an unknown tag get MSG_ERROR; a forged exit notice (from us, not the kernel)
 * is refused and changes nothing; an unknown service or image is -ENOENT; SVC_LIST with
 * a payload is -EINVAL. Afterwards echo still runs with the same pid.
 */
#include "client.h"

#define NOT_ERROR(tag) ((long)(tag) | 0x100000)   /* raw_call: a reply other than MSG_ERROR */

/* Call init with raw bytes; the MSG_ERROR code, or -E, or NOT_ERROR(the reply's tag). */
static long raw_call(uint32_t tag, const void *data, size_t len)
{
	orb_msg_t reply;
	long rc = orb_call(ORB_SLOT_INIT, tag, data, len, NULL, 0, &reply);
	if (rc < 0)
		return rc;
	orb_msg_error_t e;
	if (reply.tag != ORB_MSG_ERROR || orb_msg_error_decode(reply.data, reply.len, &e) < 0)
		return NOT_ERROR(reply.tag);
	return e.code;
}

int scenario_probes(void)
{
	int failures = 0;
	orb_svc_status_t before, after;
	CHECK(svc_status("echo", &before) == 0, "SVC_STATUS echo failed");
	static const uint8_t junk[40] = { 0xff, 0xff, 1, 2, 3 };
	long r1 = raw_call(ORB_MSG_SVC_STATUS, junk, sizeof(junk));
	long r2 = raw_call(0x2fff, NULL, 0);
	long r3 = raw_call(ORB_MSG_REGISTER_SERVICE, junk, 3);
	CHECK(r1 == ORB_ERROR_MALFORMED, "malformed SVC_STATUS: %ld", r1);
	CHECK(r2 == ORB_ERROR_UNKNOWN_REQUEST, "unknown tag: %ld", r2);
	CHECK(r3 == ORB_ERROR_MALFORMED, "malformed REGISTER: %ld", r3);
	orb_msg_child_exited_t fake = { .pid = before.pid, .exit_code = 14, .reason = 1 };
	uint8_t buf[16];
	long n = orb_msg_child_exited_encode(buf, sizeof(buf), &fake);
	long r4 = raw_call(ORB_MSG_CHILD_EXITED, buf, (size_t)n);
	CHECK(r4 == (ORB_ERROR_ERRNO | ORB_EPERM), "forged CHILD_EXITED call: %ld", r4);
	CHECK(orb_send(ORB_SLOT_INIT, ORB_MSG_CHILD_EXITED, buf, (size_t)n, NULL, 0) == 0,
	      "cannot send");
	CHECK(orb_send(ORB_SLOT_INIT, ORB_MSG_SERVICE_READY, NULL, 0, NULL, 0) == 0, "cannot send");
	CHECK(svc_status("nope", &after) == -ORB_ENOENT, "SVC_STATUS nope is not ENOENT");
	CHECK(svc_call(ORB_MSG_SVC_UPDATE, "echo", "no-such-image", NULL, 0, NULL) == -ORB_ENOENT,
	      "SVC_UPDATE to a missing image is not ENOENT");
	CHECK(svc_call(ORB_MSG_SVC_UPDATE, "echo", "bad name", NULL, 0, NULL) == -ORB_EINVAL,
	      "SVC_UPDATE to a bad image name is not EINVAL");
	long r5 = raw_call(ORB_MSG_SVC_LIST, junk, 4);
	CHECK(r5 == NOT_ERROR(ORB_MSG_SVC_RESPONSE), "SVC_LIST with a payload: %ld", r5);
	CHECK(svc_status("echo", &after) == 0 && after.pid == before.pid &&
	      after.state == ORB_SVC_RUNNING && after.restart_count == before.restart_count,
	      "echo changed: pid %u -> %u, state %u", before.pid, after.pid, after.state);
	orb_printf(ORB_SERVICE_NAME ": init probes: malformed, unknown, forged and missing "
		   "requests refused, echo untouched: %s\n", failures ? "FAIL" : "PASS");
	return failures;
}
