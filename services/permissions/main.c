/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Permissions service (spec §4.2): grant policy and capability provenance. It answers
 *
 *   CHECK_PERM    may process pid hold a capability type with these rights? (policy.c)
 *                 The user it acts for, and that user's roles, are heeded only from a
 *                 System caller (the Process Manager); from anyone else they are dropped.
 *   QUERY_CAPS    the capabilities a process holds, each with who granted it and when
 *   QUERY_HISTORY the latest capability changes that concern a process
 *
 * from a ledger it rebuilds by following the CommitLog (commitlog.c) with the Axiom
 * reader capability in slot 2. Every request first brings the ledger up to date; so does
 * an idle tick, so that SysLog records (the callers of commits) are read while the
 * kernel's ring still holds them. Every payload is decoded strictly; a malformed one is
 * answered with MSG_ERROR (the service loop does that for a -EINVAL return).
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#include "commitlog.h"
#include "history.h"
#include "ledger.h"
#include "policy.h"

#define CONTEXT_MAX 255
#define CAPS_PER_REPLY ((ORB_MAX_MSG_SIZE - 12) / sizeof(orb_cap_provenance_t))
#define HISTORY_PER_REPLY ((ORB_MAX_MSG_SIZE - 8) / sizeof(orb_history_entry_t))

static uint8_t out[ORB_MAX_MSG_SIZE];

/* A capability type: 1..31 printable ASCII bytes, no spaces. */
static bool type_ok(orb_str_t t)
{
	if (t.len == 0 || t.len >= PERM_NAME_MAX)
		return false;
	for (uint16_t i = 0; i < t.len; i++)
		if (t.ptr[i] < 0x21 || t.ptr[i] > 0x7e)
			return false;
	return true;
}

void decide(uint32_t pid, const char *type, uint8_t rights, const char *user, uint8_t roles,
	    struct decision *d)
{
	const struct lproc *p = ledger_process(pid);
	if (!p || !p->alive) {
		*d = (struct decision){ .allowed = false };
		snprintf(d->reason, sizeof(d->reason), "No such process: %u", pid);
		return;
	}
	const struct lproc *parent = ledger_process(p->parent);
	struct requester who = { .name = p->name, .parent_name = parent ? parent->name : "",
				 .user = user, .roles = roles };
	policy_decide(&who, type, rights, d);
}

static orb_str_t str(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

static long reply(uint32_t tag, long n)
{
	return n < 0 ? n : orb_reply(tag, out, (size_t)n, NULL, 0);
}

static bool system_caller(uint32_t pid)
{
	const struct lproc *p = ledger_process(pid);
	return p && p->alive && orb_class_of(p->name) == ORB_CLASS_SYSTEM;
}

static long check_perm(const orb_msg_t *m)
{
	orb_msg_check_perm_t q;
	if (orb_msg_check_perm_decode(m->data, m->len, &q) < 0 || !type_ok(q.cap_type) ||
	    (q.rights & ~ORB_RIGHTS_ALL) || q.context.len > CONTEXT_MAX)
		return -ORB_EINVAL;
	if (q.user.len > ORB_IDENTITY_NAME_MAX || (q.roles & ~ORB_IDENTITY_ROLES_ALL))
		return -ORB_EINVAL;
	char type[PERM_NAME_MAX], user[ORB_IDENTITY_NAME_MAX + 1];
	orb_strcopy(type, sizeof(type), q.cap_type.ptr, q.cap_type.len);
	orb_strcopy(user, sizeof(user), q.user.ptr, q.user.len);
	commitlog_sync();
	if (!system_caller(m->sender))
		user[0] = '\0';   /* only the PM (a System process) says whom a process acts for */
	struct decision d;
	decide(q.pid, type, q.rights, user, user[0] ? q.roles : 0, &d);
	orb_msg_check_perm_response_t r = { .allowed = d.allowed, .reason = str(d.reason),
					    .alternative = str(d.alternative) };
	return reply(ORB_MSG_CHECK_PERM_RESPONSE,
		     orb_msg_check_perm_response_encode(out, sizeof(out), &r));
}

static long query_caps(const orb_msg_t *m)
{
	static orb_cap_provenance_t items[CAPS_PER_REPLY];
	orb_msg_query_caps_t q;
	if (orb_msg_query_caps_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint32_t pid = q.pid ? q.pid : m->sender;
	commitlog_sync();
	if (!ledger_process(pid))
		return -ORB_ENOENT;
	uint32_t n = ledger_caps(pid, items, CAPS_PER_REPLY);
	orb_msg_query_caps_response_t r = {
		.pid = pid, .count = n,
		.items = { .ptr = (const uint8_t *)items, .len = n * (uint32_t)sizeof(items[0]) },
	};
	return reply(ORB_MSG_QUERY_CAPS_RESPONSE,
		     orb_msg_query_caps_response_encode(out, sizeof(out), &r));
}

static long query_history(const orb_msg_t *m)
{
	static orb_history_entry_t items[HISTORY_PER_REPLY];
	orb_msg_query_history_t q;
	if (orb_msg_query_history_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint32_t max = q.limit && q.limit < HISTORY_PER_REPLY ? q.limit : HISTORY_PER_REPLY;
	commitlog_sync();
	uint32_t n = history_latest(q.pid, items, max);
	orb_msg_query_history_response_t r = {
		.count = n,
		.items = { .ptr = (const uint8_t *)items, .len = n * (uint32_t)sizeof(items[0]) },
	};
	return reply(ORB_MSG_QUERY_HISTORY_RESPONSE,
		     orb_msg_query_history_response_encode(out, sizeof(out), &r));
}

static long handle(orb_msg_t *m)
{
	switch (m->tag) {
	case ORB_MSG_CHECK_PERM:
		return check_perm(m);
	case ORB_MSG_QUERY_CAPS:
		return query_caps(m);
	case ORB_MSG_QUERY_HISTORY:
		return query_history(m);
	case ORB_MSG_AUDIT_SYSLOG:
		commitlog_sync();
		return audit_syslog(m);
	case ORB_MSG_AUDIT_COMMITS:
		commitlog_sync();
		return audit_commits(m);
	default:
		return -ORB_ENOSYS;
	}
}

static const struct orb_service service = {
	.type = "permissions",
	.version = "1",
	.handle = handle,
	.idle = commitlog_sync,
	.idle_ns = 50 * 1000000ull,
};

int main(void)
{
	commitlog_sync();   /* the log so far, before the first request */
	orb_printf("permissions: pid %u, CommitLog followed to seq %lu\n", orb_pid(),
		   (unsigned long)commitlog_next_seq());
	return orb_service_run(&service);
}
