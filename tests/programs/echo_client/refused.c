/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Run under an Application name (echo-app), this client is not System class: init must
 * refuse it every supervision request, with -EPERM, and leave the services alone.
 */
#include "client.h"

int scenario_refused(void)
{
	int failures = 0;
	long list = svc_call(ORB_MSG_SVC_LIST, NULL, NULL, NULL, 0, NULL);
	long stop = svc_call(ORB_MSG_SVC_STOP, "echo", NULL, NULL, 0, NULL);
	long upd = svc_call(ORB_MSG_SVC_UPDATE, "echo", "echo-v2", NULL, 0, NULL);
	uint8_t buf[16];
	orb_msg_spawn_service_t q = { .name = { .ptr = "echo-v2", .len = 7 } };
	long n = orb_msg_spawn_service_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	orb_msg_spawn_response_t r = { .status = 0 };
	long rc = orb_call(ORB_SLOT_INIT, ORB_MSG_SPAWN_SERVICE, buf, (size_t)n, NULL, 0, &reply);
	bool spawn_refused = rc == 0 && reply.tag == ORB_MSG_SPAWN_RESPONSE &&
			     orb_msg_spawn_response_decode(reply.data, reply.len, &r) == 0 &&
			     r.status == -ORB_EPERM;
	CHECK(list == -ORB_EPERM && stop == -ORB_EPERM && upd == -ORB_EPERM,
	      "SVC_LIST %ld, SVC_STOP %ld, SVC_UPDATE %ld", list, stop, upd);
	CHECK(spawn_refused, "SPAWN_SERVICE: %ld, status %d", rc, r.status);
	orb_printf(ORB_SERVICE_NAME ": supervision refused to an application: %s\n",
		   failures ? "FAIL" : "PASS");
	return failures;
}
