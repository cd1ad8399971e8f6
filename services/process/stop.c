/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How processes end.
 *
 * PM_KILL {pid, signal}: the process that asked for a spawn may kill that child; anyone
 * else needs Permissions to allow it "spawn" (the root Process authority, which is also
 * the authority to kill any process, spec §5.6 #28), i.e. a System process. init and the
 * PM itself are never killed. signal 1 kills at once; signal 0 (term) sends SERVICE_STOP
 * to the child's endpoint and kills it PM_TERM_GRACE_NS later if it is still running. A
 * process the PM did not start has no endpoint of ours, so a term kills it at once. The
 * answer {status} is 0 once the kill is done or the stop is sent, else -E.
 *
 * CHILD_EXITED from the kernel (PID 0; anyone else is refused) ends the PM's record of a
 * child and destroys its endpoint.
 */
#include <orbital.h>
#include <orbital/messages.h>

#include "children.h"
#include "permcheck.h"
#include "pm.h"
#include "procs.h"

#define SIGNAL_TERM 0
#define SIGNAL_KILL 1

static bool may_kill(uint32_t requester, uint32_t pid)
{
	const struct child *c = child_find(pid);
	if (c && c->requester == requester)
		return true;
	char why[80], ctx[32];
	snprintf(ctx, sizeof(ctx), "kill %u", pid);
	if (perm_allows(requester, "spawn", ORB_RIGHT_WRITE, ctx, NULL, why, sizeof(why)))
		return true;
	orb_printf("process: refused kill of pid %u for pid %u: %s\n", pid, requester, why);
	return false;
}

static int32_t kill_request(uint32_t requester, uint32_t pid, uint8_t signal)
{
	if (pid == 1 || pid == orb_pid())
		return -ORB_EPERM;
	procs_snapshot();
	if (!procs_find(pid))
		return -ORB_ENOENT;
	if (!may_kill(requester, pid))
		return -ORB_EPERM;
	struct child *c = child_find(pid);
	if (signal == SIGNAL_TERM && c) {
		long rc = orb_send(c->ep, ORB_MSG_SERVICE_STOP, NULL, 0, NULL, 0);
		if (rc == 0) {
			c->stop_deadline = orb_now_ns() + PM_TERM_GRACE_NS;
			return 0;
		}
	}
	return (int32_t)orb_process_kill(PM_PROC_CAP, pid);
}

long pm_kill(const orb_msg_t *m)
{
	orb_msg_pm_kill_t q;
	if (orb_msg_pm_kill_decode(m->data, m->len, &q) < 0 || q.pid == 0 ||
	    (q.signal != SIGNAL_TERM && q.signal != SIGNAL_KILL))
		return -ORB_EINVAL;
	uint8_t out[8];
	orb_msg_pm_kill_response_t r = { .status = kill_request(m->sender, q.pid, q.signal) };
	long n = orb_msg_pm_kill_response_encode(out, sizeof(out), &r);
	return n < 0 ? n : orb_reply(ORB_MSG_PM_KILL_RESPONSE, out, (size_t)n, NULL, 0);
}

void stop_poll(uint64_t now)
{
	for (uint32_t i = 0; i < PM_MAX_CHILDREN; i++) {
		struct child *c = child_at(i);
		if (!c->used || !c->stop_deadline || now < c->stop_deadline)
			continue;
		c->stop_deadline = 0;
		if (orb_process_kill(PM_PROC_CAP, c->pid) == 0)
			orb_printf("process: %s (pid %u) did not stop within 1 s: killed\n",
				   c->name, c->pid);
	}
}

static const char *reason_name(uint8_t reason)
{
	return reason == ORB_EXIT_REASON_EXIT ? "exit" :
	       reason == ORB_EXIT_REASON_FAULT ? "fault" :
	       reason == ORB_EXIT_REASON_KILLED ? "killed" : "unknown";
}

long pm_child_exited(const orb_msg_t *m)
{
	orb_msg_child_exited_t e;
	if (m->sender != 0)
		return -ORB_EPERM;   /* only the kernel reports exits */
	if (orb_msg_child_exited_decode(m->data, m->len, &e) < 0)
		return -ORB_EINVAL;
	struct child *c = child_find(e.pid);
	if (!c)
		return 0;   /* started by an earlier instance of the PM */
	orb_printf("process: %s (pid %u) ended: %s, code %d\n", c->name, c->pid,
		   reason_name(e.reason), e.exit_code);
	child_forget(c);
	return 0;
}
