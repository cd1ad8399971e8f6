/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shell as a supervised service. init expects SERVICE_READY, calls HEALTH_CHECK on
 * the service endpoint (slot 0) and may send SERVICE_STOP there; the main thread is
 * blocked on the keyboard, so a second thread runs the liborbital service loop on
 * slot 0. The shell serves no requests of its own: every other tag is answered with
 * MSG_ERROR (unknown request). When the loop ends (SERVICE_STOP) the whole shell exits
 * with its code.
 */
#include <orbital/service.h>

#include "shell.h"

static long no_requests(orb_msg_t *req)
{
	(void)req;
	return -ORB_ENOSYS;
}

static void serve(void *arg)
{
	(void)arg;
	static const struct orb_service svc = { .type = NULL, .handle = no_requests };
	orb_exit_process(orb_service_run(&svc));
}

/* The priority of our first thread (a new thread may not be more urgent), or the least
 * urgent one if the process list does not show us. */
static uint32_t own_priority(void)
{
	static orb_proc_entry_t procs[64];
	long n = orb_process_list(procs, sizeof(procs));
	uint32_t me = orb_pid();
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(procs); i++)
		if (procs[i].pid == me)
			return procs[i].priority;
	return 255;
}

long lifecycle_start(void)
{
	orb_cap_info_t ci;
	if (orb_cap_inspect(ORB_SLOT_SELF, &ci) < 0 || ci.object_type != ORB_OBJ_ENDPOINT ||
	    !(ci.rights & ORB_RIGHT_READ))
		return 0;   /* not started by a supervisor: nobody to answer */
	long tid = orb_thread_start(serve, NULL, own_priority());
	return tid < 0 ? tid : 0;
}
