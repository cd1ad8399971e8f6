/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-caller rate limit on login-type requests (AUTH, AUTH_CHALLENGE, CREATE_USER,
 * IDENTITY_PASSWD): each calling process — the PID the kernel stamps, never a claim in
 * the payload — may make IDENTITY_RATE_BURST of them at once and one more every
 * IDENTITY_RATE_INTERVAL_MS after that. This is the generic cell rate algorithm: a
 * caller's `tat` is when its bucket would be empty again; a request is allowed when tat
 * is at most (burst - 1) intervals ahead of now, and moves tat one interval on.
 *
 * The table is small: a new caller takes the entry whose tat passed longest ago (such an
 * entry holds no debt, so forgetting it changes nothing). Together with the account
 * lockout this bounds how fast anyone can guess a password.
 */
#include "identity.h"

struct caller {
	uint32_t pid;
	uint64_t tat;
};
static struct caller callers[MAX_CALLERS];

static struct caller *caller_for(uint32_t pid)
{
	struct caller *oldest = &callers[0];
	for (size_t i = 0; i < MAX_CALLERS; i++) {
		if (callers[i].pid == pid)
			return &callers[i];
		if (callers[i].tat < oldest->tat)
			oldest = &callers[i];
	}
	*oldest = (struct caller){ .pid = pid, .tat = 0 };
	return oldest;
}

bool rate_allow(uint32_t pid, uint64_t now, uint32_t *retry_ms)
{
	const uint64_t interval = (uint64_t)IDENTITY_RATE_INTERVAL_MS * NS_PER_MS;
	const uint64_t slack = (uint64_t)(IDENTITY_RATE_BURST - 1) * interval;
	struct caller *c = caller_for(pid);
	uint64_t tat = c->tat > now ? c->tat : now;
	if (tat - now > slack) {
		uint64_t wait = tat - now - slack;
		*retry_ms = (uint32_t)((wait + NS_PER_MS - 1) / NS_PER_MS);
		return false;
	}
	c->tat = tat + interval;
	return true;
}
