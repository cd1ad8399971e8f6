/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging in and sessions: AUTH (password, public key, refresh token), AUTH_CHALLENGE,
 * VERIFY, LOGOUT.
 *
 * Every AUTH and AUTH_CHALLENGE first passes the caller's rate limit. A password login
 * runs Argon2id whether or not the name is a user, and says BadCredentials either way. A
 * public-key login takes the challenge first (used up, right or wrong), then checks the
 * signature of the challenge message (sessions.c) against the user's keys, or against the
 * key of a service that registered its own. Failed password and signature logins count
 * towards the user's lockout; a refresh token is 256 random bits and is not guessed, so
 * it is only rate-limited. The account's status is checked before any credential.
 */
#include "identity.h"

struct login {
	struct id_error e;
	struct session *s;
	uint8_t roles;
	char token[TOKEN_BUF], refresh[TOKEN_BUF];
};

static bool sized(orb_bytes_t b, size_t lo, size_t hi)
{
	return b.len >= lo && b.len <= hi;
}

static void by_password(struct login *l, const char *name, const orb_msg_auth_t *q,
			uint64_t now)
{
	if (!sized(q->secret, 1, ORB_IDENTITY_PASSWORD_MAX) || q->challenge.len) {
		l->e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "a password is 1-128 bytes");
		return;
	}
	const char *pw = (const char *)q->secret.ptr;
	struct user *u = user_find(name);
	if (!u) {
		user_dummy_check(pw, q->secret.len);
		l->e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "wrong name or password");
		return;
	}
	if (user_may_login(u, now, &l->e) < 0 || !random_bytes(NULL, 0, &l->e))
		return;
	if (!user_check_password(u, pw, q->secret.len, orb_now_ns())) {
		l->e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "wrong name or password");
		return;
	}
	user_login_succeeded(u);
	l->roles = u->rec.roles;
	l->s = session_open(ORB_IDENTITY_TYPE_USER, name, orb_now_ns(), l->token, l->refresh,
			    &l->e);
}

static bool signed_by(const uint8_t *sig, const uint8_t *msg, size_t len, const uint8_t *keys,
		      unsigned nkeys)
{
	bool ok = false;
	for (unsigned i = 0; i < nkeys; i++)
		ok |= crypto_sign_verify_detached(sig, msg, len, keys + i * ORB_IDENTITY_KEY_SIZE) == 0;
	return ok;
}

static void by_public_key(struct login *l, const char *name, const orb_msg_auth_t *q,
			  uint64_t now)
{
	if (q->secret.len != ORB_IDENTITY_SIGNATURE_SIZE ||
	    q->challenge.len != ORB_IDENTITY_CHALLENGE_SIZE) {
		l->e = err(ORB_IDENTITY_ERR_INVALID_REQUEST,
			   "a 64-byte signature of a 32-byte challenge is needed");
		return;
	}
	bool fresh = challenge_take(name, q->challenge.ptr, q->challenge.len, now);
	uint8_t msg[96];
	size_t len = orb_identity_challenge_message(name, q->challenge.ptr, msg, sizeof(msg));
	struct user *u = user_find(name);
	struct service *svc = u ? NULL : service_find(name);
	if (u) {
		if (user_may_login(u, now, &l->e) < 0)
			return;
		if (!fresh || !signed_by(q->secret.ptr, msg, len, u->rec.keys, u->rec.nkeys)) {
			user_login_failed(u, now);
			l->e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS,
				   fresh ? "bad signature" : "no such challenge (used or expired?)");
			return;
		}
		user_login_succeeded(u);
		l->roles = u->rec.roles;
		l->s = session_open(ORB_IDENTITY_TYPE_USER, name, now, l->token, l->refresh, &l->e);
	} else if (svc && !svc->rec.has_secret && fresh &&
		   signed_by(q->secret.ptr, msg, len, svc->rec.public_key, 1)) {
		l->roles = svc->rec.roles;
		l->s = session_open(ORB_IDENTITY_TYPE_SERVICE, name, now, l->token, l->refresh,
				    &l->e);
	} else {
		l->e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "bad signature or challenge");
	}
}

static void by_refresh_token(struct login *l, const char *name, const orb_msg_auth_t *q,
			     uint64_t now)
{
	uint8_t h[HASH_SIZE];
	struct session *s = !q->challenge.len &&
				    token_hash((const char *)q->secret.ptr, q->secret.len, h)
			    ? session_by_refresh(h, name) : NULL;
	if (!s) {
		l->e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "not a valid refresh token");
		return;
	}
	if (s->refresh_expires_at <= now) {
		session_close(s);
		l->e = err(ORB_IDENTITY_ERR_TOKEN_EXPIRED, "the refresh token has expired");
		return;
	}
	if (s->kind == ORB_IDENTITY_TYPE_USER) {
		struct user *u = user_find(name);
		if (!u || user_may_login(u, now, &l->e) < 0) {
			if (!u)
				l->e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "no such user");
			return;
		}
		l->roles = u->rec.roles;
	} else {
		struct service *svc = service_find(name);
		if (!svc) {
			l->e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "no such service");
			return;
		}
		l->roles = svc->rec.roles;
	}
	if (session_renew(s, now, l->token, l->refresh, &l->e) == 0)
		l->s = s;
}

long handle_auth(const orb_msg_t *m)
{
	orb_msg_auth_t q;
	if (orb_msg_auth_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint64_t now = orb_now_ns();
	struct login l = { 0 };
	char name[NAME_BUF];
	if (!name_take(q.username, name))
		l.e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "not a valid name");
	else if (q.method > ORB_IDENTITY_AUTH_TOKEN)
		l.e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "unknown login method");
	else if (rate_check(m->sender, now, &l.e)) {
		if (q.method == ORB_IDENTITY_AUTH_PASSWORD)
			by_password(&l, name, &q, now);
		else if (q.method == ORB_IDENTITY_AUTH_PUBLIC_KEY)
			by_public_key(&l, name, &q, now);
		else
			by_refresh_token(&l, name, &q, now);
	}
	orb_msg_auth_response_t r = { .ok = l.s != NULL };
	if (l.s) {
		r.token = str_of(l.token);
		r.refresh_token = str_of(l.refresh);
		r.expires_at = l.s->expires_at;
		r.refresh_expires_at = l.s->refresh_expires_at;
		r.roles = l.roles;
	} else {
		r.error = l.e.code;
		r.retry_after_ms = l.e.retry_after_ms;
		r.reason = str_of(l.e.reason ? l.e.reason : "");
	}
	long rc = reply_encoded(ORB_MSG_AUTH_RESPONSE,
				orb_msg_auth_response_encode(reply_buf, sizeof(reply_buf), &r));
	sodium_memzero(&l, sizeof(l));
	sodium_memzero(reply_buf, sizeof(reply_buf));
	return rc;
}

long handle_challenge(const orb_msg_t *m)
{
	orb_msg_auth_challenge_t q;
	if (orb_msg_auth_challenge_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint64_t now = orb_now_ns(), expires = 0;
	struct id_error e = { 0 };
	char name[NAME_BUF];
	uint8_t c[ORB_IDENTITY_CHALLENGE_SIZE];
	bool ok = false;
	if (!name_take(q.username, name))
		e = err(ORB_IDENTITY_ERR_INVALID_REQUEST, "not a valid name");
	else if (rate_check(m->sender, now, &e))
		ok = challenge_issue(name, now, c, &expires, &e) == 0;
	orb_msg_auth_challenge_response_t r = {
		.ok = ok, .error = ok ? 0 : e.code, .expires_at = expires,
		.retry_after_ms = ok ? 0 : e.retry_after_ms,
		.reason = str_of(ok || !e.reason ? "" : e.reason),
	};
	if (ok)
		r.challenge = (orb_bytes_t){ .ptr = c, .len = sizeof(c) };
	return reply_encoded(ORB_MSG_AUTH_CHALLENGE_RESPONSE,
			     orb_msg_auth_challenge_response_encode(reply_buf, sizeof(reply_buf),
								    &r));
}

long handle_verify(const orb_msg_t *m)
{
	orb_msg_verify_t q;
	if (orb_msg_verify_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint64_t now = orb_now_ns();
	struct id_error e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, NULL);
	uint8_t h[HASH_SIZE];
	bool shaped = token_hash(q.token.ptr, q.token.len, h);
	struct session *s = shaped ? session_by_token(h) : NULL;
	struct service *svc = shaped && !s ? service_by_token(h) : NULL;
	orb_msg_verify_response_t r = { 0 };
	char id[sizeof("service:") + NAME_BUF];
	if (s && s->expires_at <= now) {
		e.code = ORB_IDENTITY_ERR_TOKEN_EXPIRED;
	} else if (s && s->kind == ORB_IDENTITY_TYPE_USER) {
		struct user *u = session_user(s, &e);
		if (u) {
			r = (orb_msg_verify_response_t){ .valid = 1, .roles = u->rec.roles,
							 .expires_at = s->expires_at };
			s->last_active = now;
		} else {
			session_close(s);   /* the user is gone, disabled or locked by an admin */
			e.code = ORB_IDENTITY_ERR_BAD_CREDENTIALS;
		}
	} else if (s) {
		svc = service_find(s->name);
		if (svc) {
			r = (orb_msg_verify_response_t){ .valid = 1, .roles = svc->rec.roles,
							 .expires_at = s->expires_at };
			s->last_active = now;
		}
	} else if (svc) {
		r = (orb_msg_verify_response_t){ .valid = 1, .roles = svc->rec.roles };
	}
	if (r.valid) {
		bool user = s && s->kind == ORB_IDENTITY_TYPE_USER;
		const char *name = user ? s->name : svc->name;
		r.kind = user ? ORB_IDENTITY_TYPE_USER : ORB_IDENTITY_TYPE_SERVICE;
		snprintf(id, sizeof(id), "%s:%s", user ? "user" : "service", name);
		r.id = str_of(id);
		r.name = str_of(name);
	} else {
		r.error = e.code;
	}
	return reply_encoded(ORB_MSG_VERIFY_RESPONSE,
			     orb_msg_verify_response_encode(reply_buf, sizeof(reply_buf), &r));
}

long handle_logout(const orb_msg_t *m)
{
	orb_msg_identity_logout_t q;
	if (orb_msg_identity_logout_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	uint8_t h[HASH_SIZE];
	struct session *s = token_hash(q.token.ptr, q.token.len, h) ? session_by_token(h) : NULL;
	struct id_error e = { 0 };
	if (s)
		session_close(s);   /* expired or not: its refresh token goes too */
	else
		e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "not a session token");
	return reply_result(ORB_MSG_IDENTITY_LOGOUT_RESPONSE, &e);
}
