/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot phases (spec §3.3, §5.10 #48). The services marked `start` come up phase by phase
 * (1 core, 2 system, 3 user); inside a phase in image order, each once every service it
 * depends on is ready. A phase is over when each of its services is ready or boot gave up
 * on it; then the next begins. boot_advance() runs after every event of the loop, so the
 * boot is the same state machine as supervision, never a blocking wait.
 *
 * A service that fails before it was ever ready: in phase 1, during phase 1, it is retried
 * after 100·2^k ms (k = 0..4), then boot goes on without it (the spec panics; a log line
 * is more useful on a machine with a console). In phases 2 and 3 boot logs it and goes
 * on; its restart policy still applies. A service whose dependency can no longer become
 * ready in time (stopped, failed, not started at boot, in a later phase, or in a
 * dependency cycle) is not started by boot.
 *
 * When every `start` service has been ready once, init prints exactly one line:
 * `orbital: all services ready: NAME NAME ...` (image order). Drivers of hardware the
 * machine does not have (and what depends on them) are left out of it (caps.c).
 */
#include "init.h"

static bool member(const struct service *s, unsigned phase)
{
	return s->valid && (s->d.flags & ORB_SVC_FLAG_START) && s->d.phase == phase;
}

long boot_failed_start(struct service *s)
{
	if (g.boot_phase > 3)
		return -2;
	if (s->d.phase == 1 && g.boot_phase == 1 && !s->boot_failed) {
		if (s->boot_retries < BOOT_RETRIES)
			return 100l << s->boot_retries++;
		s->boot_failed = true;
		return -1;
	}
	s->boot_failed = true;
	return -2;
}

/* 0: every dependency is ready; 1: some may still become ready; -1: one never will
 * during this phase (*blocker names it). */
static int deps_state(const struct service *s, unsigned phase, const struct service **blocker)
{
	int st = 0;
	for (unsigned j = 0; j < g.nsvc; j++) {
		const struct service *d = &g.svc[j];
		if (!(s->d.deps & (1ull << j)) || (d->valid && d->ready))
			continue;
		*blocker = d;
		if (!d->valid || d->boot_failed || d->state == ORB_SVC_DISABLED)
			return -1;
		if (d->state == ORB_SVC_STARTING || d->state == ORB_SVC_BACKOFF) {
			st = 1;
			continue;
		}
		/* stopped: only a start service of this or an earlier phase, never yet ready,
		 * is still to be started by boot */
		if (d->ever_ready || !(d->d.flags & ORB_SVC_FLAG_START) || d->d.phase > phase)
			return -1;
		st = 1;
	}
	return st;
}

static void say_all_ready(void)
{
	static char line[64 + INIT_MAX_SERVICES * 33];
	size_t n = (size_t)snprintf(line, sizeof(line), "orbital: all services ready:");
	bool all = true;
	for (unsigned i = 0; i < g.nsvc; i++) {
		const struct service *s = &g.svc[i];
		if (!(s->d.flags & ORB_SVC_FLAG_START) || s->absent)
			continue;
		all = all && s->valid && s->ever_ready;
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", (const char *)s->d.name);
	}
	if (!all)
		return;
	snprintf(line + n, sizeof(line) - n, "\n");
	orb_puts(line);
	uint64_t now = orb_now_ns();
	orb_printf("init: all services ready %lu ms after boot, %lu ms after init started\n",
		   (unsigned long)(now / MS), (unsigned long)((now - g.started_at) / MS));
	g.all_ready_said = true;
}

static void say_not_ready(void)
{
	static char line[64 + INIT_MAX_SERVICES * 33];
	size_t n = (size_t)snprintf(line, sizeof(line), "init: boot finished; not ready:");
	for (unsigned i = 0; i < g.nsvc; i++) {
		const struct service *s = &g.svc[i];
		if ((s->d.flags & ORB_SVC_FLAG_START) && !s->absent && !(s->valid && s->ever_ready))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s",
					      (const char *)s->d.name);
	}
	snprintf(line + n, sizeof(line) - n, "\n");
	orb_puts(line);
}

/* Start what phase `phase` can start now; true while some of it is still coming up. */
static bool phase_step(unsigned phase)
{
	bool moving = false, waiting = false;
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		if (!member(s, phase) || s->ever_ready || s->boot_failed)
			continue;
		if (s->state == ORB_SVC_STARTING || s->state == ORB_SVC_BACKOFF) {
			moving = true;
			continue;
		}
		if (s->state != ORB_SVC_STOPPED)
			continue;
		const struct service *blocker = NULL;
		int deps = deps_state(s, phase, &blocker);
		if (deps < 0) {
			s->boot_failed = true;
			orb_printf("init: not starting %s: it depends on %s, which is not running\n",
				   (const char *)s->d.name, (const char *)blocker->d.name);
		} else if (deps > 0) {
			waiting = true;
		} else {
			instance_start(s);
			moving = true;
		}
	}
	if (moving || !waiting)
		return moving;
	/* nothing is coming up, yet some wait: they wait for each other */
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		if (member(s, phase) && !s->ever_ready && !s->boot_failed &&
		    s->state == ORB_SVC_STOPPED) {
			s->boot_failed = true;
			orb_printf("init: not starting %s: dependency cycle\n",
				   (const char *)s->d.name);
		}
	}
	return false;
}

void boot_advance(void)
{
	for (unsigned guard = 0; guard < 3 && g.boot_phase <= 3; guard++) {
		if (phase_step(g.boot_phase))
			return;
		g.boot_phase++;
		if (g.boot_phase > 3) {
			say_all_ready();
			if (!g.all_ready_said)
				say_not_ready();
		}
	}
	if (g.boot_phase > 3 && !g.all_ready_said) {
		bool all = true;
		for (unsigned i = 0; i < g.nsvc; i++)
			if ((g.svc[i].d.flags & ORB_SVC_FLAG_START) && !g.svc[i].absent)
				all = all && g.svc[i].valid && g.svc[i].ever_ready;
		if (all)
			say_all_ready();
	}
}
