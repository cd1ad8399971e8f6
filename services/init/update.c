/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Live update: SVC_UPDATE {name, image} replaces the running build of a service with
 * another program of the boot archive, on the same endpoint.
 *
 *  1. init spawns `image` as a second instance of the service, with the same slots
 *     (spawn.c): it registers and says SERVICE_READY like any instance.
 *  2. On its SERVICE_READY init kills the old instance at once (init is the most urgent
 *     thread, so this happens before the new instance takes its first request) and
 *     ignores the old one's exit. A request the old instance held fails in its caller
 *     with -EDEAD; orb_request calls again and the new build answers. Requests still
 *     queued on the endpoint are simply served by the new build.
 *  3. If the new build exits or is not ready within 5 s, it is dropped and the old one
 *     keeps running. If the old one dies during the update, the new one takes over as an
 *     ordinary starting instance.
 *  4. From then on the service runs `image`: later restarts start the new build too.
 *
 * The caller is answered when the update is over (SVC_RESPONSE with the new status, or
 * -EDEAD / -ETIMEDOUT). The kernel keeps one reply capability per thread and drops it
 * when that thread takes another call, and init must take calls meanwhile (the new
 * instance registers with a call). So the thread that received SVC_UPDATE hands the event
 * loop to a new thread and waits on a notification; the loop thread fills in the result
 * and signals; the waiter answers and ends. Only the loop thread ever touches `g`; the
 * slot's `state` (atomic) is the hand-over between the two. If no thread can be made,
 * the caller is answered at once (status 0: update started) and the update goes on.
 */
#include "init.h"

#define UPDATES_MAX 4

enum { U_FREE, U_ACTIVE, U_DONE };

struct update {
	int state;                  /* U_*; read and written with __atomic */
	struct service *s;
	uint32_t old_pid, new_pid;
	char image[32];
	uint64_t started_at, deadline;
	bool waiter;                /* a thread holds the caller's reply capability */
	orb_cptr_t ntfn;            /* ... and waits on this */
	int32_t status;             /* the answer, once U_DONE */
	orb_svc_status_t record;
};

static struct update ups[UPDATES_MAX];

static struct update *active(const struct service *s, uint32_t new_pid)
{
	for (unsigned i = 0; i < UPDATES_MAX; i++) {
		struct update *u = &ups[i];
		if (__atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == U_ACTIVE &&
		    (s ? u->s == s : u->new_pid == new_pid))
			return u;
	}
	return NULL;
}

bool update_active(const struct service *s)
{
	return active(s, 0) != NULL;
}

struct service *update_by_pid(uint32_t pid)
{
	struct update *u = pid ? active(NULL, pid) : NULL;
	return u ? u->s : NULL;
}

/* The update is over: record the answer for the waiting thread (or free the slot). */
static void finish(struct update *u, int32_t status, uint64_t now)
{
	u->status = status;
	status_record(u->s, &u->record, now);
	if (!u->waiter) {
		__atomic_store_n(&u->state, U_FREE, __ATOMIC_RELEASE);
		return;
	}
	__atomic_store_n(&u->state, U_DONE, __ATOMIC_RELEASE);
	orb_notification_signal(u->ntfn, 1);
}

static void leader(void *arg)
{
	(void)arg;
	loop_run();
}

/* On the thread that received SVC_UPDATE, after the loop moved to another thread. */
__attribute__((noreturn)) static void wait_and_answer(struct update *u)
{
	for (unsigned i = 0; i < 1000; i++) {   /* one signal ends it; the bound is a guard */
		if (__atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == U_DONE)
			break;
		orb_notification_wait(u->ntfn, 0);
	}
	uint8_t buf[16 + sizeof(orb_svc_status_t)];
	orb_msg_svc_response_t r = {
		.status = u->status, .count = 1,
		.items = { .ptr = (const uint8_t *)&u->record, .len = sizeof(u->record) },
	};
	long n = orb_msg_svc_response_encode(buf, sizeof(buf), &r);
	if (n >= 0)
		orb_reply(ORB_MSG_SVC_RESPONSE, buf, (size_t)n, NULL, 0);
	orb_cap_delete(u->ntfn);
	__atomic_store_n(&u->state, U_FREE, __ATOMIC_RELEASE);
	orb_thread_exit(0);
	__builtin_unreachable();
}

static bool image_ok(const char *p, size_t len)
{
	if (!len || len > 31)
		return false;
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return false;
	return true;
}

void update_request(struct service *s, const char *image, size_t len)
{
	char img[32];
	if (!image_ok(image, len)) {
		svc_respond(-ORB_EINVAL, NULL);
		return;
	}
	orb_strcopy(img, sizeof(img), image, len);
	struct update *u = NULL;
	for (unsigned i = 0; i < UPDATES_MAX && !u; i++)
		if (__atomic_load_n(&ups[i].state, __ATOMIC_ACQUIRE) == U_FREE)
			u = &ups[i];
	long rc = !archive_program(img) ? -ORB_ENOENT :
		  update_active(s) || !u ? -ORB_EBUSY :
		  s->state != ORB_SVC_RUNNING ? -ORB_EAGAIN : 0;
	uint64_t now = orb_now_ns();
	long pid = rc < 0 ? rc : spawn_instance(s, img);
	if (pid < 0) {
		svc_respond((int32_t)pid, NULL);
		return;
	}
	memset(u, 0, sizeof(*u));
	u->s = s;
	u->old_pid = s->pid;
	u->new_pid = (uint32_t)pid;
	memcpy(u->image, img, sizeof(img));
	u->started_at = now;
	u->deadline = now + READY_TIMEOUT_MS * MS;
	u->ntfn = ORB_CAP_NONE;
	__atomic_store_n(&u->state, U_ACTIVE, __ATOMIC_RELEASE);
	orb_printf("init: updating %s: started %s (pid %u)\n", (const char *)s->d.name, img,
		   u->new_pid);
	long ntfn = orb_notification_create();
	if (ntfn >= 0) {
		u->ntfn = (orb_cptr_t)ntfn;
		u->waiter = true;
		if (orb_thread_start(leader, NULL, g.priority) >= 0)
			wait_and_answer(u);
		u->waiter = false;
		orb_cap_delete(u->ntfn);
	}
	svc_respond(0, s);   /* no thread to wait in: answer now, the update goes on */
}

bool update_ready(uint32_t pid, uint64_t now)
{
	struct update *u = active(NULL, pid);
	if (!u)
		return false;
	struct service *s = u->s;
	uint64_t t0 = orb_now_ns();
	if (s->pid && s->pid == u->old_pid)
		instance_kill(s, u->old_pid, "replaced by its update");
	uint64_t switch_us = (orb_now_ns() - t0) / 1000, ready_us = (now - u->started_at) / 1000;
	s->pid = u->new_pid;
	memcpy(s->image, u->image, sizeof(s->image));   /* restarts run the new build too */
	s->health_pending = false;
	s->exited_at = 0;
	version_update(s);
	instance_ready(s, now);
	orb_printf("init: updated %s to %s (version %s): pid %u -> pid %u; ready %lu.%03lu ms "
		   "after its spawn, old build stopped in %lu us\n", (const char *)s->d.name,
		   u->image, s->version, u->old_pid, u->new_pid, (unsigned long)(ready_us / 1000),
		   (unsigned long)(ready_us % 1000), (unsigned long)switch_us);
	finish(u, 0, now);
	return true;
}

bool update_exit(uint32_t pid, int32_t code, uint8_t reason)
{
	struct update *u = active(NULL, pid);
	if (!u)
		return false;
	orb_printf("init: update of %s to %s failed: pid %u exited (code %d) before it was "
		   "ready; the running build stays\n", (const char *)u->s->d.name, u->image, pid,
		   code);
	finish(u, -ORB_EDEAD, orb_now_ns());
	return true;
}

/* The old instance died while its replacement was starting: the replacement becomes the
 * current instance, an ordinary starting one. */
void update_old_exited(struct service *s)
{
	struct update *u = active(s, 0);
	uint64_t now = orb_now_ns();
	s->pid = u->new_pid;
	memcpy(s->image, u->image, sizeof(s->image));
	s->ready = false;
	s->state = ORB_SVC_STARTING;
	s->deadline = u->deadline;
	s->spawned_at = u->started_at;
	finish(u, 0, now);
}

void update_timers(uint64_t now)
{
	for (unsigned i = 0; i < UPDATES_MAX; i++) {
		struct update *u = &ups[i];
		if (__atomic_load_n(&u->state, __ATOMIC_ACQUIRE) != U_ACTIVE || now < u->deadline)
			continue;
		orb_printf("init: update of %s to %s failed: pid %u not ready after %u ms; the "
			   "running build stays\n", (const char *)u->s->d.name, u->image, u->new_pid,
			   READY_TIMEOUT_MS);
		instance_kill(u->s, u->new_pid, "its update timed out");
		finish(u, -ORB_ETIMEDOUT, now);
	}
}

uint64_t update_next(void)
{
	uint64_t next = 0;
	for (unsigned i = 0; i < UPDATES_MAX; i++)
		if (__atomic_load_n(&ups[i].state, __ATOMIC_ACQUIRE) == U_ACTIVE &&
		    (!next || ups[i].deadline < next))
			next = ups[i].deadline;
	return next;
}
