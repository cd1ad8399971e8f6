/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The supervision API on init's endpoint (spec §3.6; docs/services.md):
 *
 *   SVC_START / SVC_STOP / SVC_RESTART / SVC_STATUS {name}, SVC_LIST, SVC_UPDATE {name, image}
 *   -> SVC_RESPONSE {status, count, items = orb_svc_status_t records}
 *   SPAWN_SERVICE {name} -> SPAWN_RESPONSE {status, pid}   (spec §5.10 #49: start by name)
 *
 * Only System processes may ask (spec §4.2 classification, §5.10 #50): init, terminal,
 * supervisor, shell, process, and names starting with "system-". A caller's name is the
 * one the kernel holds for its PID (process_list), never one it claims. Refusals are
 * answered, not dropped: status -EPERM, -ENOENT (no such service), -EBUSY (an update is
 * in progress), -EINVAL (a malformed name); a payload that does not decode gets MSG_ERROR.
 */
#include "init.h"

static uint8_t out[ORB_MAX_MSG_SIZE];

static bool caller_is_system(uint32_t pid)
{
	const struct service *s = service_by_pid(pid);
	if (s)
		return orb_class_of((const char *)s->d.name) == ORB_CLASS_SYSTEM;
	char name[ORB_PROCESS_NAME_MAX + 1];
	return orb_process_name(pid, name, sizeof(name)) == 0 &&
	       orb_class_of(name) == ORB_CLASS_SYSTEM;
}

void status_record(const struct service *s, orb_svc_status_t *r, uint64_t now)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->name, s->d.name, sizeof(r->name));
	memcpy(r->version, s->version, sizeof(r->version));
	r->version[sizeof(r->version) - 1] = '\0';
	r->pid = s->pid;
	r->restart_count = s->restart_count;
	r->state = s->state;
	r->ready = s->ready;
	r->uptime_ms = s->ready && s->pid ? (now - s->ready_at) / MS : 0;
}

/* Answer SVC_RESPONSE: status and `one`'s record; with no `one` and status 0, every service. */
void svc_respond(int32_t status, const struct service *one)
{
	static orb_svc_status_t items[(ORB_MAX_MSG_SIZE - 12) / sizeof(orb_svc_status_t)];
	uint64_t now = orb_now_ns();
	uint32_t count = 0;
	if (one) {
		status_record(one, &items[count++], now);
	} else if (status == 0) {
		for (unsigned i = 0; i < g.nsvc && count < ORB_ARRAY_SIZE(items); i++)
			if (g.svc[i].valid)
				status_record(&g.svc[i], &items[count++], now);
	}
	orb_msg_svc_response_t r = {
		.status = status, .count = count,
		.items = { .ptr = (const uint8_t *)items, .len = count * sizeof(items[0]) },
	};
	long n = orb_msg_svc_response_encode(out, sizeof(out), &r);
	if (n >= 0)
		orb_reply(ORB_MSG_SVC_RESPONSE, out, (size_t)n, NULL, 0);
}

static void spawn_response(int32_t status, uint32_t pid)
{
	uint8_t buf[16];
	orb_msg_spawn_response_t r = { .status = status, .pid = pid };
	long n = orb_msg_spawn_response_encode(buf, sizeof(buf), &r);
	orb_reply(ORB_MSG_SPAWN_RESPONSE, buf, (size_t)n, NULL, 0);
}

/* Start a stopped, disabled or waiting service now; a running one is left alone. */
static void start(struct service *s)
{
	if (s->state == ORB_SVC_RUNNING || s->state == ORB_SVC_STARTING)
		return;
	if (s->state == ORB_SVC_DISABLED)
		memset(&s->storm, 0, sizeof(s->storm));   /* a person re-enabled it */
	s->deadline = 0;
	instance_start(s);
}

static void restart(struct service *s)
{
	if (s->pid)
		instance_kill(s, s->pid, "restarted on request");
	s->pid = 0;
	s->ready = false;
	s->health_pending = false;
	s->restart_count++;
	s->state = ORB_SVC_STOPPED;
	start(s);
}

/* Decode a {name} payload of the given tag into the service it names. */
static long named(const orb_msg_t *m, struct service **s)
{
	orb_msg_svc_status_t q;   /* START, STOP, RESTART, STATUS, SPAWN_SERVICE: one str */
	if (orb_msg_svc_status_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	*s = service_by_name(q.name.ptr, q.name.len);
	return *s ? 0 : -ORB_ENOENT;
}

static void update(const orb_msg_t *m)
{
	orb_msg_svc_update_t q;
	if (orb_msg_svc_update_decode(m->data, m->len, &q) < 0) {
		orb_reply_error(m->tag, ORB_ERROR_MALFORMED);
		return;
	}
	struct service *s = service_by_name(q.name.ptr, q.name.len);
	if (!s) {
		svc_respond(-ORB_ENOENT, NULL);
		return;
	}
	update_request(s, q.image.ptr, q.image.len);   /* answers, now or once it is done */
}

void control_request(orb_msg_t *m)
{
	bool spawn = m->tag == ORB_MSG_SPAWN_SERVICE;
	if (!caller_is_system(m->sender)) {
		if (spawn)
			spawn_response(-ORB_EPERM, 0);
		else
			svc_respond(-ORB_EPERM, NULL);
		return;
	}
	if (m->tag == ORB_MSG_SVC_LIST) {
		svc_respond(m->len ? -ORB_EINVAL : 0, NULL);
		return;
	}
	if (m->tag == ORB_MSG_SVC_UPDATE) {
		update(m);
		return;
	}
	struct service *s = NULL;
	long rc = named(m, &s);
	if (rc == -ORB_EINVAL) {
		orb_reply_error(m->tag, ORB_ERROR_MALFORMED);
		return;
	}
	if (rc == 0 && update_active(s) && m->tag != ORB_MSG_SVC_STATUS)
		rc = -ORB_EBUSY;
	if (rc == 0) {
		switch (m->tag) {
		case ORB_MSG_SVC_START:
		case ORB_MSG_SPAWN_SERVICE:
			start(s);
			break;
		case ORB_MSG_SVC_STOP:
			supervise_stop(s);
			break;
		case ORB_MSG_SVC_RESTART:
			restart(s);
			break;
		default:   /* SVC_STATUS */
			break;
		}
	}
	if (spawn)
		spawn_response((int32_t)rc, rc == 0 ? s->pid : 0);
	else
		svc_respond((int32_t)rc, rc == 0 ? s : NULL);
}
