/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sessions and login challenges (spec Session; D241, D245).
 *
 * A session has two tokens: the session token (IDENTITY_SESSION_S, spec SESSION_DURATION)
 * and a refresh token (IDENTITY_REFRESH_S) that buys a new pair once the session ends
 * (AUTH by Token). A refresh rotates both, so a refresh token works once. Both are kept
 * as hashes; lookups scan the whole table and compare in constant time. An expired
 * session stays until its refresh token expires, so VERIFY can say TokenExpired rather
 * than "unknown". When the table is full the session least recently used goes first.
 * Sessions live in memory: a reboot ends them all.
 *
 * A challenge is 32 CSPRNG bytes bound to a name, good for one AUTH by PublicKey within
 * IDENTITY_CHALLENGE_S; taking it (right or wrong signature) uses it up, so a replayed
 * login fails. Names that are no user get challenges too (no list of names leaks). What
 * a login signs is orb_identity_challenge_message (liborbital), shared with clients.
 */
#include "identity.h"

static struct session sessions[MAX_SESSIONS];

struct challenge {
	bool used;
	char name[NAME_BUF];
	uint8_t bytes[ORB_IDENTITY_CHALLENGE_SIZE];
	uint64_t expires_at;
};
static struct challenge challenges[MAX_CHALLENGES];

static struct session *session_slot(uint64_t now)
{
	struct session *lru = NULL;
	for (size_t i = 0; i < MAX_SESSIONS; i++) {
		struct session *s = &sessions[i];
		if (s->used && s->refresh_expires_at <= now)
			session_close(s);          /* nothing can use it any more */
		if (!s->used)
			return s;
		if (!lru || s->last_active < lru->last_active)
			lru = s;
	}
	orb_printf("identity: session table full: ending %s's least recently used session\n",
		   lru->name);
	session_close(lru);
	return lru;
}

/* New tokens into s; on failure s is unchanged. */
static int new_tokens(struct session *s, uint64_t now, char token[TOKEN_BUF],
		      char refresh[TOKEN_BUF], struct id_error *e)
{
	uint8_t th[HASH_SIZE], rh[HASH_SIZE];
	if (token_new(token, th, e) < 0)
		return -1;
	if (token_new(refresh, rh, e) < 0) {
		sodium_memzero(token, TOKEN_BUF);
		return -1;
	}
	memcpy(s->token, th, HASH_SIZE);
	memcpy(s->refresh, rh, HASH_SIZE);
	s->expires_at = now + (uint64_t)IDENTITY_SESSION_S * NS_PER_S;
	s->refresh_expires_at = now + (uint64_t)IDENTITY_REFRESH_S * NS_PER_S;
	s->last_active = now;
	return 0;
}

struct session *session_open(uint8_t kind, const char *name, uint64_t now,
			     char token[TOKEN_BUF], char refresh[TOKEN_BUF], struct id_error *e)
{
	struct session fresh = { .used = true, .kind = kind, .created_at = now };
	memcpy(fresh.name, name, strlen(name) + 1);
	if (new_tokens(&fresh, now, token, refresh, e) < 0)
		return NULL;
	struct session *s = session_slot(now);
	*s = fresh;
	return s;
}

struct session *session_by_token(const uint8_t hash[HASH_SIZE])
{
	struct session *found = NULL;
	for (size_t i = 0; i < MAX_SESSIONS; i++)   /* every entry: no early exit */
		if (sessions[i].used && hash_equal(sessions[i].token, hash))
			found = &sessions[i];
	return found;
}

struct session *session_by_refresh(const uint8_t hash[HASH_SIZE], const char *name)
{
	struct session *found = NULL;
	for (size_t i = 0; i < MAX_SESSIONS; i++)
		if (sessions[i].used && hash_equal(sessions[i].refresh, hash))
			found = &sessions[i];
	return found && strcmp(found->name, name) == 0 ? found : NULL;
}

int session_renew(struct session *s, uint64_t now, char token[TOKEN_BUF],
		  char refresh[TOKEN_BUF], struct id_error *e)
{
	return new_tokens(s, now, token, refresh, e);
}

void session_close(struct session *s)
{
	sodium_memzero(s, sizeof(*s));
}

void sessions_end_for(uint8_t kind, const char *name, const struct session *keep)
{
	for (size_t i = 0; i < MAX_SESSIONS; i++) {
		struct session *s = &sessions[i];
		if (s->used && s != keep && s->kind == kind && strcmp(s->name, name) == 0)
			session_close(s);
	}
}

int challenge_issue(const char *name, uint64_t now, uint8_t out[ORB_IDENTITY_CHALLENGE_SIZE],
		    uint64_t *expires_at, struct id_error *e)
{
	struct challenge *c = NULL;
	for (size_t i = 0; i < MAX_CHALLENGES; i++) {
		struct challenge *x = &challenges[i];
		if (x->used && x->expires_at <= now)
			x->used = false;
		if (!x->used) {
			c = x;
			break;
		}
		if (!c || x->expires_at < c->expires_at)
			c = x;   /* full: the one closest to expiry gives way */
	}
	uint8_t bytes[ORB_IDENTITY_CHALLENGE_SIZE];
	if (!random_bytes(bytes, sizeof(bytes), e))
		return -1;
	*c = (struct challenge){ .used = true,
				 .expires_at = now + (uint64_t)IDENTITY_CHALLENGE_S * NS_PER_S };
	memcpy(c->name, name, strlen(name) + 1);
	memcpy(c->bytes, bytes, sizeof(bytes));
	memcpy(out, bytes, sizeof(bytes));
	*expires_at = c->expires_at;
	return 0;
}

bool challenge_take(const char *name, const uint8_t *bytes, size_t len, uint64_t now)
{
	if (len != ORB_IDENTITY_CHALLENGE_SIZE)
		return false;
	struct challenge *found = NULL;
	for (size_t i = 0; i < MAX_CHALLENGES; i++) {
		struct challenge *c = &challenges[i];
		if (c->used && sodium_memcmp(c->bytes, bytes, len) == 0 && strcmp(c->name, name) == 0)
			found = c;
	}
	if (!found)
		return false;
	bool live = found->expires_at > now;
	sodium_memzero(found, sizeof(*found));   /* used up, live or not */
	return live;
}
