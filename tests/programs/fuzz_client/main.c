/* SPDX-License-Identifier: Apache-2.0 */
/*
 * system-fuzz: find the services, take their snapshot, run every case in a worker
 * thread while this one watches the clock (a call nobody answers would otherwise block
 * forever: each case gets CASE_TIMEOUT_MS), take the snapshot again and print the
 * verdict:
 *
 *   system-fuzz: summary calls=C refused=R answered=A oneway=O ignored=I unexpected=U
 *                unanswered=N alive=L/3 same_pid=P/3 caps_kept=K/3 restarts=S own_ep=ok
 *
 * (one line): calls refused or answered as each case wants, forgeries ignored (one a
 * service believed is printed as a BELIEVED line), calls that went otherwise (each an
 * UNEXPECTED line), a call nobody answered (an UNANSWERED line); then
 * the services after it all — answering, from the same pid, holding as many
 * capabilities, restarted S times in all — and whether our own endpoint (made by the PM,
 * which a believed CHILD_EXITED forgery would destroy) is still there. Exit code 0 when
 * all is as it should be, 1 otherwise.
 */
#include <orbital/messages.h>
#include <orbital/service.h>

#include "fuzz.h"

#define CASE_TIMEOUT_MS 5000
#define BIT_PROGRESS 1
#define BIT_DONE 2

struct tally tally;
volatile const char *current_case;
volatile enum target_id current_target;
static volatile int own_ep_before_stops = -1;   /* 1 kept, 0 lost, -1 not checked */

/* Whether our endpoint (slot 0, made by the PM) still exists. */
static bool own_endpoint(void)
{
	orb_cap_info_t ci;
	return orb_cap_inspect(ORB_SLOT_SELF, &ci) == 0 && ci.object_type == ORB_OBJ_ENDPOINT;
}

static const uint8_t query_self[4] = { 0, 0, 0, 0 };   /* QUERY_CAPS {pid 0}: the caller */

struct target targets[T_COUNT] = {
	[T_INIT] = { .name = "init", .service = "", .ep = ORB_SLOT_INIT, .cases = init_cases,
		     .probe_tag = ORB_MSG_SVC_LIST, .probe_answer = ORB_MSG_SVC_RESPONSE },
	[T_PROCESS] = { .name = "process", .service = "process", .ep = ORB_CAP_NONE,
			.cases = process_cases, .probe_tag = ORB_MSG_PM_LIST_PROCESSES,
			.probe_answer = ORB_MSG_PM_PROCESS_LIST },
	[T_PERMISSIONS] = { .name = "permissions", .service = "permissions", .ep = ORB_CAP_NONE,
			    .cases = permissions_cases, .probe_tag = ORB_MSG_QUERY_CAPS,
			    .probe_answer = ORB_MSG_QUERY_CAPS_RESPONSE, .probe = query_self,
			    .probe_len = sizeof(query_self) },
};

static orb_cptr_t progress;   /* notification: the worker's heartbeat */

static void worker(void *arg)
{
	(void)arg;
	for (unsigned t = 0; t < T_COUNT; t++) {
		if (targets[t].ep == ORB_CAP_NONE)
			continue;
		current_target = (enum target_id)t;
		for (size_t i = 0; i < targets[t].ncases; i++) {
			current_case = targets[t].cases[i].name;
			/* a forged stop that works ends the PM, and our endpoint with it:
			 * look at the endpoint before the first one */
			if (targets[t].cases[i].tag == ORB_MSG_SERVICE_STOP &&
			    own_ep_before_stops < 0)
				own_ep_before_stops = own_endpoint();
			run_case(&targets[t], &targets[t].cases[i], (uint32_t)i);
			orb_notification_signal(progress, BIT_PROGRESS);
		}
	}
	orb_notification_signal(progress, BIT_DONE);
}

/* The priority of our first thread, or the least urgent one if the list misses us. */
static uint32_t own_priority(void)
{
	static orb_proc_entry_t procs[64];
	long n = orb_process_list(procs, sizeof(procs));
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(procs); i++)
		if (procs[i].pid == orb_pid())
			return procs[i].priority;
	return 255;
}

/* Run the worker; false if a case went unanswered. */
static bool run_all(void)
{
	long n = orb_notification_create();
	if (n < 0 || orb_thread_start(worker, NULL, own_priority()) < 0) {
		orb_printf("system-fuzz: cannot start the worker thread\n");
		return false;
	}
	progress = (orb_cptr_t)n;
	size_t total = init_ncases + process_ncases + permissions_ncases;
	for (size_t step = 0; step <= total; step++) {   /* one heartbeat per case */
		long bits = orb_notification_wait(progress, CASE_TIMEOUT_MS * 1000000ull);
		if (bits < 0) {
			orb_printf("system-fuzz: UNANSWERED %s '%s': no answer within %u ms\n",
				   targets[current_target].name, (const char *)current_case,
				   CASE_TIMEOUT_MS);
			return false;
		}
		if (bits & BIT_DONE)
			return true;
	}
	return true;
}

static void report(const struct target *t, unsigned *alive, unsigned *same, unsigned *kept)
{
	bool up = t->pid_after != 0, same_pid = up && t->pid_after == t->pid_before;
	bool caps_kept = same_pid && t->caps_before >= 0 && t->caps_after == t->caps_before;
	*alive += up;
	*same += same_pid;
	*kept += caps_kept;
	orb_printf("system-fuzz: %s: pid %u -> %u, capabilities %ld -> %ld, restarts %ld -> %ld\n",
		   t->name, t->pid_before, t->pid_after, t->caps_before, t->caps_after,
		   t->restarts_before, t->restarts_after);
}

int main(void)
{
	targets[T_INIT].ncases = init_ncases;
	targets[T_PROCESS].ncases = process_ncases;
	targets[T_PERMISSIONS].ncases = permissions_ncases;
	for (unsigned t = T_PROCESS; t < T_COUNT; t++) {
		long rc = orb_lookup_service(targets[t].name, &targets[t].ep, NULL, 0);
		if (rc < 0)
			orb_printf("system-fuzz: cannot look up '%s': %ld\n", targets[t].name, rc);
	}
	snapshot(false);
	orb_printf("system-fuzz: pid %u, %lu cases against init, process and permissions\n",
		   orb_pid(), (unsigned long)(init_ncases + process_ncases + permissions_ncases));
	bool finished = run_all();
	if (finished) {   /* a hung service would hang the snapshot too */
		orb_sleep_ms(300);   /* let a service a forgery stopped be seen as stopped */
		snapshot(true);
	}

	unsigned alive = 0, same = 0, kept = 0;
	long restarts = 0;
	for (unsigned t = 0; t < T_COUNT; t++) {
		report(&targets[t], &alive, &same, &kept);
		if (targets[t].restarts_after > targets[t].restarts_before)
			restarts += targets[t].restarts_after - targets[t].restarts_before;
	}
	bool own_ep = own_ep_before_stops < 0 ? own_endpoint() : own_ep_before_stops == 1;
	uint32_t unanswered = finished ? 0 : 1;
	orb_printf("system-fuzz: summary calls=%u refused=%u answered=%u oneway=%u ignored=%u "
		   "unexpected=%u unanswered=%u alive=%u/%u same_pid=%u/%u caps_kept=%u/%u "
		   "restarts=%ld own_ep=%s\n", tally.calls, tally.refused, tally.answered,
		   tally.oneway, tally.ignored, tally.unexpected, unanswered, alive, T_COUNT, same,
		   T_COUNT, kept, T_COUNT, restarts, own_ep ? "ok" : "lost");
	bool ok = finished && !tally.unexpected && !tally.believed && alive == T_COUNT &&
		  same == T_COUNT && kept == T_COUNT && restarts == 0 && own_ep;
	orb_exit_process(ok ? 0 : 1);
}
