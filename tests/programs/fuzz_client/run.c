/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One hostile case: build its payload, attach its capabilities, call (or send), and
 * judge what came back against what the case wants. Calls are plain orb_call, never
 * orb_request: a service that dies on a message must show as a failure here, not be
 * papered over by a retry.
 */
#include <orbital/messages.h>

#include "fuzz.h"

#define LONG_STR 3000

static uint8_t payload[ORB_MAX_MSG_SIZE];
static orb_cptr_t own_ep = ORB_CAP_NONE;   /* endpoint whose W|G copies we hand out */

/* Pseudo-random noise, the same on every run (xorshift64). */
static void noise(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull | 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)(x >> 32);
	}
}

static long build(const struct fuzz_case *c, uint32_t index)
{
	switch (c->payload) {
	case P_RAW:
		memcpy(payload, c->raw, c->len);
		return c->len;
	case P_GARBAGE:
		noise(payload, ORB_MAX_MSG_SIZE, index + 1);
		return ORB_MAX_MSG_SIZE;
	case P_LONG_STR:
		payload[0] = LONG_STR & 0xff;
		payload[1] = LONG_STR >> 8;
		memset(payload + 2, 'a', LONG_STR);
		return LONG_STR + 2;
	case P_CHILD_EXITED: {
		uint32_t pid = c->about == T_COUNT ? orb_pid() : targets[c->about].pid_before;
		orb_msg_child_exited_t m = { .pid = pid, .exit_code = 0,
					     .reason = ORB_EXIT_REASON_EXIT };
		return orb_msg_child_exited_encode(payload, sizeof(payload), &m);
	}
	}
	return -ORB_EINVAL;
}

static orb_cptr_t console_cap(void)
{
	static orb_cap_info_t caps[32];
	long n = orb_cap_list(caps, sizeof(caps));
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(caps); i++)
		if (caps[i].object_type == ORB_OBJ_CONSOLE)
			return (orb_cptr_t)caps[i].slot;
	return ORB_CAP_NONE;
}

/* The capabilities a case carries, made fresh (they move to the receiver). */
static long attach(enum caps k, orb_cptr_t *caps, unsigned *n)
{
	*n = 0;
	if (k == C_NONE)
		return 0;
	if (own_ep == ORB_CAP_NONE) {
		long rc = orb_ep_create(&own_ep);
		if (rc < 0)
			return rc;
	}
	unsigned want = k == C_EIGHT ? ORB_MAX_MSG_CAPS : 1;
	for (unsigned i = 0; i < want; i++) {
		long h;
		if (k == C_NOTIFICATION)
			h = orb_notification_create();
		else if (k == C_NOGRANT)
			h = orb_cap_derive(console_cap(), ORB_RIGHT_WRITE, 0, 0);
		else
			h = orb_cap_derive(own_ep, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT, 0, 0);
		if (h < 0)
			return h;
		caps[(*n)++] = (orb_cptr_t)h;
	}
	return 0;
}

/* What an answer says: an error, a refusal, a success, or something else. */
enum verdict { V_ERROR, V_NO, V_YES, V_OTHER };

static enum verdict judge(const orb_msg_t *r, uint32_t *code, long *status)
{
	*code = 0;
	*status = 0;
	union {
		orb_msg_error_t error;
		orb_msg_svc_response_t svc;
		orb_msg_register_response_t reg;
		orb_msg_lookup_response_t lookup;
		orb_msg_spawn_response_t spawn;
		orb_msg_pm_spawn_response_t pm_spawn;
		orb_msg_pm_kill_response_t kill;
		orb_msg_pm_process_list_t list;
		orb_msg_check_perm_response_t check;
		orb_msg_query_caps_response_t caps;
		orb_msg_query_history_response_t history;
	} a;
	const uint8_t *d = r->data;
	switch (r->tag) {
	case ORB_MSG_ERROR:
		if (orb_msg_error_decode(d, r->len, &a.error) < 0)
			return V_OTHER;
		*code = a.error.code;
		return V_ERROR;
	case ORB_MSG_SVC_RESPONSE:
		if (orb_msg_svc_response_decode(d, r->len, &a.svc) < 0)
			return V_OTHER;
		*status = a.svc.status;
		return a.svc.status < 0 ? V_NO : V_YES;
	case ORB_MSG_REGISTER_RESPONSE:
		if (orb_msg_register_response_decode(d, r->len, &a.reg) < 0)
			return V_OTHER;
		*status = a.reg.status;
		return a.reg.status < 0 ? V_NO : V_YES;
	case ORB_MSG_LOOKUP_RESPONSE:
		if (orb_msg_lookup_response_decode(d, r->len, &a.lookup) < 0)
			return V_OTHER;
		return a.lookup.found ? V_YES : V_NO;
	case ORB_MSG_SPAWN_RESPONSE:
		if (orb_msg_spawn_response_decode(d, r->len, &a.spawn) < 0)
			return V_OTHER;
		*status = a.spawn.status;
		return a.spawn.status < 0 ? V_NO : V_YES;
	case ORB_MSG_PM_SPAWN_RESPONSE:
		if (orb_msg_pm_spawn_response_decode(d, r->len, &a.pm_spawn) < 0)
			return V_OTHER;
		*status = a.pm_spawn.error;
		return a.pm_spawn.ok ? V_YES : V_NO;
	case ORB_MSG_PM_KILL_RESPONSE:
		if (orb_msg_pm_kill_response_decode(d, r->len, &a.kill) < 0)
			return V_OTHER;
		*status = a.kill.status;
		return a.kill.status < 0 ? V_NO : V_YES;
	case ORB_MSG_CHECK_PERM_RESPONSE:
		if (orb_msg_check_perm_response_decode(d, r->len, &a.check) < 0)
			return V_OTHER;
		return a.check.allowed ? V_YES : V_NO;
	case ORB_MSG_PM_PROCESS_LIST:
		return orb_msg_pm_process_list_decode(d, r->len, &a.list) < 0 ? V_OTHER : V_YES;
	case ORB_MSG_QUERY_CAPS_RESPONSE:
		return orb_msg_query_caps_response_decode(d, r->len, &a.caps) < 0 ? V_OTHER : V_YES;
	case ORB_MSG_QUERY_HISTORY_RESPONSE:
		return orb_msg_query_history_response_decode(d, r->len, &a.history) < 0 ? V_OTHER :
										    V_YES;
	default:
		return V_OTHER;
	}
}

static bool wanted(enum want w, enum verdict v, uint32_t code, long status)
{
	switch (w) {
	case WANT_MALFORMED:
		return (v == V_ERROR && (code == ORB_ERROR_MALFORMED ||
					 code == (ORB_ERROR_ERRNO | ORB_EINVAL))) ||
		       (v == V_NO && status == -ORB_EINVAL);
	case WANT_UNKNOWN:
		return v == V_ERROR && (code == ORB_ERROR_UNKNOWN_REQUEST ||
					code == (ORB_ERROR_ERRNO | ORB_ENOSYS));
	case WANT_REFUSED:
		return v == V_ERROR || v == V_NO;
	case WANT_ANSWER:
		return v == V_YES;
	default:
		return false;
	}
}

static const char *const want_names[] = {
	[WANT_MALFORMED] = "MSG_ERROR malformed", [WANT_UNKNOWN] = "MSG_ERROR unknown request",
	[WANT_REFUSED] = "a refusal",            [WANT_ANSWER] = "the normal answer",
	[WANT_NOGRANT] = "-EPERM from the kernel", [WANT_ONEWAY] = "the forgery ignored",
};

static void unexpected(const struct target *t, const struct fuzz_case *c, uint32_t index,
		       const char *got)
{
	bool forgery = c->want == WANT_ONEWAY;
	if (forgery)
		tally.believed++;
	else
		tally.unexpected++;
	orb_printf("system-fuzz: %s %s #%u '%s': %s, wanted %s\n",
		   forgery ? "BELIEVED" : "UNEXPECTED", t->name, index, c->name, got,
		   want_names[c->want]);
}

/* Whether service t still answers from the pid it had before the cases. */
static bool unmoved(struct target *t, char *got, size_t cap)
{
	long pid = probe(t);
	if (pid == (long)t->pid_before)
		return true;
	snprintf(got, cap, "%s now answers from pid %ld instead of %u", t->name, pid,
		 t->pid_before);
	return false;
}

/* A forgery is a send: nothing answers it. The next call on the same endpoint is served
 * after it (one queue), so a probe then shows whether the service, or the service the
 * forgery speaks about, believed it. */
static void oneway(struct target *t, const struct fuzz_case *c, uint32_t index, size_t len,
		   const orb_cptr_t *caps, unsigned ncaps)
{
	char got[96];
	tally.oneway++;
	long rc = orb_send(t->ep, c->tag, payload, len, caps, ncaps);
	if (rc < 0) {
		snprintf(got, sizeof(got), "the send failed (%ld)", rc);
		unexpected(t, c, index, got);
		return;
	}
	bool about_other = c->payload == P_CHILD_EXITED && c->about != T_COUNT;
	if (!unmoved(t, got, sizeof(got)) ||
	    (about_other && !unmoved(&targets[c->about], got, sizeof(got)))) {
		unexpected(t, c, index, got);
		return;
	}
	tally.ignored++;
}

void run_case(struct target *t, const struct fuzz_case *c, uint32_t index)
{
	char got[96];
	long len = build(c, index);
	orb_cptr_t caps[ORB_MAX_MSG_CAPS];
	unsigned ncaps = 0;
	long rc = len < 0 ? len : attach(c->caps, caps, &ncaps);
	if (rc < 0) {
		snprintf(got, sizeof(got), "could not build the case (%ld)", rc);
		unexpected(t, c, index, got);
		return;
	}
	if (c->want == WANT_ONEWAY) {
		oneway(t, c, index, (size_t)len, caps, ncaps);
		return;
	}
	tally.calls++;
	orb_msg_t r;
	r.tag = 0;
	r.ncaps = 0;
	rc = orb_call(t->ep, c->tag, payload, (size_t)len, caps, ncaps, &r);
	for (unsigned i = 0; i < ncaps; i++)
		orb_cap_delete(caps[i]);   /* still ours only if the kernel refused the call */
	for (uint32_t i = 0; rc == 0 && i < r.ncaps && i < ORB_MAX_MSG_CAPS; i++)
		orb_cap_delete(r.caps[i]);
	if (c->want == WANT_NOGRANT) {
		if (rc == -ORB_EPERM) {
			tally.refused++;
			return;
		}
		snprintf(got, sizeof(got), "call returned %ld", rc);
		unexpected(t, c, index, got);
		return;
	}
	if (rc < 0) {
		snprintf(got, sizeof(got), "the call failed (%ld)", rc);
		unexpected(t, c, index, got);
		return;
	}
	uint32_t code;
	long status;
	enum verdict v = judge(&r, &code, &status);
	if (wanted(c->want, v, code, status)) {
		if (c->want == WANT_ANSWER)
			tally.answered++;
		else
			tally.refused++;
		return;
	}
	if (v == V_ERROR)
		snprintf(got, sizeof(got), "MSG_ERROR code %#x", code);
	else
		snprintf(got, sizeof(got), "answer tag %#x (%s, status %ld)", r.tag,
			 v == V_YES ? "success" : v == V_NO ? "refusal" : "undecodable", status);
	unexpected(t, c, index, got);
}
