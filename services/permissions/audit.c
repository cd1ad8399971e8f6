/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Axiom logs for other processes. Only init and Permissions hold the kernel's reader
 * capability (issue: "only init and Permissions get one"); anyone else — the shell's
 * `log` and `commits` — asks here, and gets the records only if the policy allows the
 * caller "axiom" with R (System processes; an Application is refused).
 *
 *   AUDIT_SYSLOG {from_seq, max}  -> AUDIT_SYSLOG_RESPONSE {count, syslog_record items}
 *   AUDIT_COMMITS {from_seq}      -> AUDIT_COMMITS_RESPONSE {whole envelopes}
 */
#include <orbital.h>
#include <orbital/messages.h>

#include "perm.h"
#include "policy.h"

#define SYSLOG_PER_REPLY 60      /* 60 x 64 bytes fit a message with its header */
#define COMMIT_BYTES 3900

static uint8_t out[ORB_MAX_MSG_SIZE];

static bool allowed(uint32_t pid)
{
	struct decision d;
	decide(pid, "axiom", ORB_RIGHT_READ, NULL, 0, &d);
	return d.allowed;
}

long audit_syslog(const orb_msg_t *m)
{
	static orb_syslog_record_t recs[SYSLOG_PER_REPLY];
	orb_msg_audit_syslog_t q;
	if (orb_msg_audit_syslog_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	if (!allowed(m->sender))
		return -ORB_EPERM;
	uint32_t max = q.max && q.max < SYSLOG_PER_REPLY ? q.max : SYSLOG_PER_REPLY;
	long n = orb_axiom_syslog_read(PERM_AXIOM_CAP, recs, max * sizeof(recs[0]), q.from_seq);
	if (n < 0)
		return n;
	orb_msg_audit_syslog_response_t r = {
		.count = (uint32_t)((size_t)n / sizeof(recs[0])),
		.items = { .ptr = (const uint8_t *)recs, .len = (uint32_t)n },
	};
	long len = orb_msg_audit_syslog_response_encode(out, sizeof(out), &r);
	return len < 0 ? len : orb_reply(ORB_MSG_AUDIT_SYSLOG_RESPONSE, out, (size_t)len, NULL, 0);
}

long audit_commits(const orb_msg_t *m)
{
	static uint8_t envs[COMMIT_BYTES];
	orb_msg_audit_commits_t q;
	if (orb_msg_audit_commits_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	if (!allowed(m->sender))
		return -ORB_EPERM;
	long n = orb_axiom_commits_read(PERM_AXIOM_CAP, envs, sizeof(envs), q.from_seq);
	if (n < 0)
		return n;
	orb_msg_audit_commits_response_t r = { .items = { .ptr = envs, .len = (uint32_t)n } };
	long len = orb_msg_audit_commits_response_encode(out, sizeof(out), &r);
	return len < 0 ? len : orb_reply(ORB_MSG_AUDIT_COMMITS_RESPONSE, out, (size_t)len, NULL, 0);
}
