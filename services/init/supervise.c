/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Supervision (spec §3.6, §5.10 #43-#47): instances start, become ready, exit; the restart
 * policy decides what follows an exit.
 *
 *   STOPPED --start--> STARTING --SERVICE_READY--> RUNNING
 *   STARTING/RUNNING --exit--> BACKOFF (restart at `deadline`) | STOPPED | DISABLED
 *   BACKOFF --timer--> STARTING
 *
 * Exit notices come from the kernel only (sender pid 0; main.c drops forged ones) and are
 * matched by pid, never by anything a process says. Instances init kills on purpose (stop,
 * manual restart, the old build after a live update) are "retired" first, so that their
 * exit is logged but not treated as a crash.
 *
 * Policies: Never; OnFailure (exit code != 0 or a fault or a kill); Always; WithBackoff
 * while restart_count < max_attempts, after min(initial × 2^min(attempt, 10), max) ms with
 * attempt = restart_count before this restart. More than max_restarts restarts within 60 s
 * disables the service (counted in one-second buckets). A restart never calls spawn from
 * the exit handler: it arms a timer (possibly due at once) that the loop fires, so a
 * service whose spawn keeps failing cannot recurse; the storm limit ends it.
 */
#include "init.h"

#define RETIRED_MAX 16

static struct {
	uint32_t pid;
	struct service *s;
	const char *why;
} retired[RETIRED_MAX];

struct service *service_by_name(const char *name, size_t len)
{
	for (unsigned i = 0; i < g.nsvc; i++) {
		const char *n = (const char *)g.svc[i].d.name;
		if (g.svc[i].valid && strnlen(n, 32) == len && !memcmp(n, name, len))
			return &g.svc[i];
	}
	return NULL;
}

struct service *service_by_pid(uint32_t pid)
{
	for (unsigned i = 0; pid && i < g.nsvc; i++)
		if (g.svc[i].valid && g.svc[i].pid == pid)
			return &g.svc[i];
	return NULL;
}

bool service_live(const struct service *s)
{
	return s->valid && s->state != ORB_SVC_STOPPED && s->state != ORB_SVC_DISABLED;
}

static const char *reason_name(uint8_t reason)
{
	switch (reason) {
	case ORB_EXIT_REASON_EXIT: return "exit";
	case ORB_EXIT_REASON_FAULT: return "fault";
	case ORB_EXIT_REASON_KILLED: return "killed";
	default: return "unknown";
	}
}

/* ---- the restart-storm window ---------------------------------------------------------- */

static uint32_t storm_count(const struct storm *st, uint32_t now_s)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < STORM_WINDOW_S; i++)
		if (st->count[i] && now_s - st->second[i] < STORM_WINDOW_S)
			n += st->count[i];
	return n;
}

static void storm_note(struct storm *st, uint32_t now_s)
{
	unsigned i = now_s % STORM_WINDOW_S;
	if (st->second[i] != now_s || !st->count[i]) {
		st->second[i] = now_s;
		st->count[i] = 0;
	}
	st->count[i]++;
}

/* ---- policy ---------------------------------------------------------------------------- */

static uint32_t backoff_delay_ms(const orb_service_desc_t *d, uint32_t attempt)
{
	if (d->restart != ORB_RESTART_BACKOFF)
		return 0;
	uint64_t v = (uint64_t)d->backoff_initial_ms << (attempt < 10 ? attempt : 10);
	return v < d->backoff_max_ms ? (uint32_t)v : d->backoff_max_ms;
}

static bool wants_restart(const struct service *s, bool failed)
{
	switch (s->d.restart) {
	case ORB_RESTART_ON_FAILURE: return failed;
	case ORB_RESTART_ALWAYS: return true;
	case ORB_RESTART_BACKOFF: return s->restart_count < s->d.backoff_max_attempts;
	default: return false;
	}
}

/* s has no instance any more (it exited, or could not be spawned): print `head` with the
 * decision, and arm the restart timer or stop the service. */
static void decide(struct service *s, const char *head, bool failed, uint64_t now)
{
	uint32_t now_s = (uint32_t)(now / (1000 * MS));
	uint32_t limit = s->d.max_restarts ? s->d.max_restarts : STORM_DEFAULT;
	long delay = s->ever_ready ? -2 : boot_failed_start(s);
	bool disabled = false, boot_gave_up = delay == -1;
	if (delay == -2) {
		delay = -1;
		if (wants_restart(s, failed)) {
			if (storm_count(&s->storm, now_s) >= limit) {
				disabled = true;
			} else {
				delay = backoff_delay_ms(&s->d, s->restart_count);
				s->restart_count++;
				storm_note(&s->storm, now_s);
			}
		}
	}
	s->pid = 0;
	s->ready = false;
	s->health_pending = false;
	if (delay >= 0) {
		s->state = ORB_SVC_BACKOFF;
		s->deadline = now + (uint64_t)delay * MS;
		orb_printf("%s; restarting in %ld ms\n", head, delay);
		return;
	}
	s->state = disabled ? ORB_SVC_DISABLED : ORB_SVC_STOPPED;
	s->deadline = 0;
	registry_drop(s);
	orb_printf("%s; not restarting\n", head);
	if (disabled)
		orb_printf("init: %s disabled: more than %u restarts in %u s\n",
			   (const char *)s->d.name, limit, STORM_WINDOW_S);
	else if (boot_gave_up)
		orb_printf("init: %s failed to start after %u retries; boot continues without it\n",
			   (const char *)s->d.name, BOOT_RETRIES);
}

/* ---- instances ------------------------------------------------------------------------- */

/* The version of the running build: what the image description gives the program it runs,
 * else what the instance said when it registered. */
void version_update(struct service *s)
{
	const char *v = image_version(s->image);
	if (!v)
		v = s->registered ? s->reg_version : "?";
	orb_strcopy(s->version, sizeof(s->version), v, strlen(v));
}

void instance_start(struct service *s)
{
	uint64_t now = orb_now_ns();
	long pid = spawn_instance(s, NULL);
	if (pid < 0) {
		char head[96];
		snprintf(head, sizeof(head), "init: cannot start %s: spawn failed: %s",
			 (const char *)s->d.name, errname(pid));
		decide(s, head, true, now);
		return;
	}
	s->pid = (uint32_t)pid;
	s->ready = false;
	s->state = ORB_SVC_STARTING;
	s->spawned_at = now;
	s->deadline = now + READY_TIMEOUT_MS * MS;
	version_update(s);
	orb_printf("init: started %s (pid %u)\n", (const char *)s->d.name, s->pid);
}

void instance_kill(struct service *s, uint32_t pid, const char *why)
{
	for (unsigned i = 0; i < RETIRED_MAX; i++) {
		if (!retired[i].pid) {
			retired[i].pid = pid;
			retired[i].s = s;
			retired[i].why = why;
			break;
		}
	}
	long rc = orb_process_kill(g.proc, pid);
	if (rc < 0 && rc != -ORB_ENOENT)
		orb_printf("init: cannot kill %s (pid %u): %s\n", (const char *)s->d.name, pid,
			   errname(rc));
}

void instance_ready(struct service *s, uint64_t now)
{
	if (!s->ever_ready) {
		uint64_t us = (now - s->spawned_at) / 1000;
		orb_printf("init: %s (pid %u) ready %lu.%03lu ms after its spawn\n",
			   (const char *)s->d.name, s->pid, (unsigned long)(us / 1000),
			   (unsigned long)(us % 1000));
	}
	s->ready = true;
	s->ever_ready = true;
	s->state = ORB_SVC_RUNNING;
	s->ready_at = now;
	s->deadline = 0;
	if (s->exited_at) {
		uint64_t us = (now - s->exited_at) / 1000;
		orb_printf("init: %s (pid %u) ready %lu.%03lu ms after the last instance exited\n",
			   (const char *)s->d.name, s->pid, (unsigned long)(us / 1000),
			   (unsigned long)(us % 1000));
		s->exited_at = 0;
	}
}

void supervise_ready(uint32_t pid)
{
	uint64_t now = orb_now_ns();
	if (update_ready(pid, now))
		return;
	struct service *s = service_by_pid(pid);
	if (s && !s->ready)
		instance_ready(s, now);
}

void supervise_exit(uint32_t pid, int32_t code, uint8_t reason)
{
	uint64_t now = orb_now_ns();
	for (unsigned i = 0; i < RETIRED_MAX; i++) {
		if (retired[i].pid == pid) {
			orb_printf("init: %s (pid %u) exited: code %d, reason %s; %s\n",
				   (const char *)retired[i].s->d.name, pid, code,
				   reason_name(reason), retired[i].why);
			retired[i].pid = 0;
			return;
		}
	}
	if (update_exit(pid, code, reason))
		return;
	struct service *s = service_by_pid(pid);
	if (!s)
		return;   /* not an instance of ours (a spawn that failed half-way) */
	char head[128];
	snprintf(head, sizeof(head), "init: %s (pid %u) exited: code %d, reason %s",
		 (const char *)s->d.name, pid, code, reason_name(reason));
	s->exited_at = now;
	if (update_active(s)) {
		orb_printf("%s; its update takes over\n", head);
		update_old_exited(s);
		return;
	}
	decide(s, head, code != 0 || reason != ORB_EXIT_REASON_EXIT, now);
}

void supervise_stop(struct service *s)
{
	if (s->pid)
		instance_kill(s, s->pid, "stopped on request");
	s->pid = 0;
	s->ready = false;
	s->health_pending = false;
	s->state = ORB_SVC_STOPPED;
	s->deadline = 0;
	registry_drop(s);
}

/* Ready timeouts and due restarts. */
void supervise_timers(uint64_t now)
{
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		if (!s->valid || !s->deadline || now < s->deadline)
			continue;
		if (s->state == ORB_SVC_STARTING) {
			orb_printf("init: %s (pid %u) not ready after %u ms; killing it\n",
				   (const char *)s->d.name, s->pid, READY_TIMEOUT_MS);
			s->deadline = 0;   /* its exit notice decides what follows */
			orb_process_kill(g.proc, s->pid);
		} else if (s->state == ORB_SVC_BACKOFF) {
			s->deadline = 0;
			instance_start(s);
		}
	}
}

uint64_t supervise_next(void)
{
	uint64_t next = 0;
	for (unsigned i = 0; i < g.nsvc; i++) {
		uint64_t d = g.svc[i].valid ? g.svc[i].deadline : 0;
		if (d && (!next || d < next))
			next = d;
	}
	return next;
}
