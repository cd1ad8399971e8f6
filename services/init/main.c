/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init (pid 1): start the services of the image, keep them running, and answer the
 * registry and supervision protocols (docs/services.md; spec §3).
 *
 * One loop over init's endpoint: fire the timers that are due (ready timeouts, restarts,
 * update deadlines, health checks), let boot start what it can, then receive with the
 * next timer as the timeout and dispatch on the tag. Every message is from a process init
 * does not trust: CHILD_EXITED counts only from the kernel (pid 0), everything else is
 * decoded and checked by its handler, and a malformed or unknown request is answered with
 * MSG_ERROR, so no caller is left blocked and nothing a caller sends can stop init.
 */
#include "init.h"

struct init g;

const char *errname(long err)
{
	static const char *const names[] = {
		"0", "EPERM", "ENOENT", "EINVAL", "ENOSYS", "EAGAIN", "ENOMEM", "EBADF",
		"EBUSY", "EEXIST", "EOVERFLOW", "ETIMEDOUT", "EDEAD", "ESTALE",
	};
	long e = err < 0 ? -err : err;
	return e < (long)ORB_ARRAY_SIZE(names) ? names[e] : "E?";
}

static void drop_caps(orb_msg_t *m)
{
	for (uint32_t i = 0; i < m->ncaps && i < ORB_MAX_MSG_CAPS; i++)
		if (m->caps[i] != ORB_CAP_NONE) {
			orb_cap_delete(m->caps[i]);
			m->caps[i] = ORB_CAP_NONE;
		}
}

/* A message from the kernel: only exit notices are expected. */
static void from_kernel(const orb_msg_t *m)
{
	orb_msg_child_exited_t e;
	if (m->tag == ORB_MSG_CHILD_EXITED &&
	    orb_msg_child_exited_decode(m->data, m->len, &e) == 0)
		supervise_exit(e.pid, e.exit_code, e.reason);
}

static void dispatch(orb_msg_t *m)
{
	if (m->tag != ORB_MSG_REGISTER_SERVICE)
		drop_caps(m);   /* no other request carries a capability init keeps */
	if (m->sender == 0) {
		from_kernel(m);
		return;
	}
	switch (m->tag) {
	case ORB_MSG_SERVICE_READY:
		supervise_ready(m->sender);
		break;
	case ORB_MSG_HEALTH_OK:
		health_ok(m->sender);
		break;
	case ORB_MSG_REGISTER_SERVICE:
		registry_register(m);
		drop_caps(m);
		return;
	case ORB_MSG_LOOKUP_SERVICE:
		registry_lookup(m);
		return;
	case ORB_MSG_SVC_START:
	case ORB_MSG_SVC_STOP:
	case ORB_MSG_SVC_RESTART:
	case ORB_MSG_SVC_STATUS:
	case ORB_MSG_SVC_LIST:
	case ORB_MSG_SVC_UPDATE:
	case ORB_MSG_SPAWN_SERVICE:
		control_request(m);
		return;
	case ORB_MSG_CHILD_EXITED:   /* forged: only the kernel reports exits */
		orb_reply_error(m->tag, ORB_ERROR_ERRNO | ORB_EPERM);
		return;
	default:
		orb_reply_error(m->tag, ORB_ERROR_UNKNOWN_REQUEST);
		return;
	}
	/* READY and HEALTH_OK are sends; if one came as a call, do not leave its caller
	 * blocked (without a pending call this answer goes nowhere: -ENOENT). */
	orb_reply_error(m->tag, ORB_ERROR_ERRNO | ORB_EINVAL);
}

static void fire_timers(uint64_t now)
{
	supervise_timers(now);
	update_timers(now);
	health_timers(now);
}

static uint64_t next_timer(void)
{
	uint64_t next = health_next(), t;
	if ((t = supervise_next()) && t < next)
		next = t;
	if ((t = update_next()) && t < next)
		next = t;
	return next;
}

void loop_run(void)
{
	for (;;) {
		fire_timers(orb_now_ns());
		boot_advance();
		uint64_t now = orb_now_ns(), next = next_timer();
		orb_msg_t m;
		long rc = next <= now ? orb_try_recv(g.ep, &m) :
			  orb_recv(g.ep, &m, next - now);
		if (rc == -ORB_ETIMEDOUT || rc == -ORB_EAGAIN)
			continue;
		if (rc < 0) {
			orb_printf("init: receive failed: %s\n", errname(rc));
			orb_sleep_ms(10);
			continue;
		}
		dispatch(&m);
	}
}

int main(void)
{
	g.started_at = orb_now_ns();
	g.boot_phase = 1;
	orb_printf("init: pid %u starting\n", orb_pid());
	long rc = caps_setup();
	if (rc < 0 || orb_ep_create(&g.ep) < 0) {
		orb_printf("init: no root Process capability or no endpoint (%s); stopping\n",
			   errname(rc));
		return 1;
	}
	manifest_load();
	if (!g.nsvc) {   /* a kernel-only image: nothing to do, stop the machine cleanly */
		orb_printf("init: no services to supervise; stopping\n");
		return 0;
	}
	orb_printf("init: supervising %u services\n", g.nsvc);
	g.next_health = orb_now_ns() + HEALTH_PERIOD_MS * MS;
	loop_run();
}
