/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Health checks (spec §3.6, optional; timeout 5 s, spec §5.7). Every 5 s init sends
 * HEALTH_CHECK to each running service that registered a type: those run liborbital's
 * service loop, which answers a HEALTH_CHECK that is not a call by sending HEALTH_OK to
 * init (slot 1). The check is a send, never a call, so a hung service cannot block init;
 * one check per service is outstanding at a time. No HEALTH_OK from the current instance
 * within 5 s (or a send that fails: its queue is full) means unhealthy: init kills the
 * instance and its restart policy takes over, as for a crash.
 *
 * Services that never registered are not checked: nothing says they run the service loop
 * (a shell reading the serial line would never answer).
 */
#include "init.h"

static bool checked(const struct service *s)
{
	return s->valid && s->state == ORB_SVC_RUNNING && s->ready && s->registered &&
	       !update_active(s);
}

void health_ok(uint32_t pid)
{
	struct service *s = service_by_pid(pid);
	if (s)
		s->health_pending = false;
}

static void unhealthy(struct service *s, const char *why)
{
	orb_printf("init: %s (pid %u) is unhealthy: %s; killing it\n", (const char *)s->d.name,
		   s->pid, why);
	s->health_pending = false;
	orb_process_kill(g.proc, s->pid);   /* its exit notice goes through the restart policy */
}

void health_timers(uint64_t now)
{
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		if (checked(s) && s->health_pending &&
		    now - s->health_sent_at >= HEALTH_TIMEOUT_MS * MS)
			unhealthy(s, "no HEALTH_OK within 5000 ms");
	}
	if (now < g.next_health)
		return;
	g.next_health = now + HEALTH_PERIOD_MS * MS;
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		if (!checked(s) || s->health_pending)
			continue;
		long rc = orb_send(s->ep, ORB_MSG_HEALTH_CHECK, NULL, 0, NULL, 0);
		if (rc < 0) {
			unhealthy(s, errname(rc));
			continue;
		}
		s->health_pending = true;
		s->health_sent_at = now;
	}
}

uint64_t health_next(void)
{
	uint64_t next = g.next_health;
	for (unsigned i = 0; i < g.nsvc; i++) {
		const struct service *s = &g.svc[i];
		uint64_t d = s->health_sent_at + HEALTH_TIMEOUT_MS * MS;
		if (checked(s) && s->health_pending && d < next)
			next = d;
	}
	return next;
}
