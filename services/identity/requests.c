/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Requests: the dispatch on the tag, and what every handler shares. Each payload is
 * decoded strictly by its generated codec; one that does not decode is answered with
 * MSG_ERROR (ERROR_MALFORMED) by the service loop, never guessed at. A request that
 * decodes but breaks a limit, names no one, or may not be made by its caller is answered
 * with its own response type, ok = 0 and an IdentityError; nothing a client sends can
 * stop the service. Each request runs under the state lock (identity.h).
 */
#include "identity.h"

uint8_t reply_buf[ORB_MAX_MSG_SIZE];   /* under the state lock */

static orb_lock_t state = ORB_LOCK_INIT;

void state_lock(void)
{
	orb_lock(&state);
}

void state_unlock(void)
{
	orb_unlock(&state);
}

orb_str_t str_of(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

long reply_encoded(uint32_t tag, long n)
{
	return n < 0 ? n : orb_reply(tag, reply_buf, (size_t)n, NULL, 0);
}

/* The generic Result<(), IdentityError> answer (ADD_KEY, LOGOUT, PASSWD, ACCOUNT_STATUS
 * share one layout). */
long reply_result(uint32_t tag, const struct id_error *e)
{
	orb_msg_identity_logout_response_t r = {
		.ok = e->reason == NULL, .error = e->reason ? e->code : 0,
		.reason = str_of(e->reason ? e->reason : ""),
	};
	return reply_encoded(tag, orb_msg_identity_logout_response_encode(reply_buf,
									  sizeof(reply_buf), &r));
}

struct id_error err(uint8_t code, const char *reason)
{
	return (struct id_error){ .code = code, .reason = reason };
}

struct session *live_session(orb_str_t token, uint64_t now, struct id_error *e)
{
	uint8_t h[HASH_SIZE];
	struct session *s = token_hash(token.ptr, token.len, h) ? session_by_token(h) : NULL;
	if (!s) {
		*e = err(ORB_IDENTITY_ERR_BAD_CREDENTIALS, "not a valid session token");
		return NULL;
	}
	if (s->expires_at <= now) {
		*e = err(ORB_IDENTITY_ERR_TOKEN_EXPIRED, "the session has expired");
		return NULL;
	}
	return s;
}

struct user *session_user(struct session *s, struct id_error *e)
{
	struct user *u = s->kind == ORB_IDENTITY_TYPE_USER ? user_find(s->name) : NULL;
	if (!u || u->rec.status != ORB_IDENTITY_STATUS_ACTIVE) {
		*e = err(ORB_IDENTITY_ERR_NOT_PERMITTED, "not a session of an active user");
		return NULL;
	}
	return u;
}

struct user *admin_of(orb_str_t token, uint64_t now, struct id_error *e)
{
	struct session *s = live_session(token, now, e);
	struct user *u = s ? session_user(s, e) : NULL;
	if (u && !(u->rec.roles & ORB_IDENTITY_ROLE_ADMIN)) {
		*e = err(ORB_IDENTITY_ERR_NOT_PERMITTED, "an administrator's session is needed");
		return NULL;
	}
	if (u)
		s->last_active = now;
	return u;
}

bool rate_check(uint32_t pid, uint64_t now, struct id_error *e)
{
	uint32_t retry;
	if (rate_allow(pid, now, &retry))
		return true;
	*e = (struct id_error){ ORB_IDENTITY_ERR_RATE_LIMITED, retry,
				"too many requests from this process" };
	return false;
}

static long dispatch(orb_msg_t *m)
{
	switch (m->tag) {
	case ORB_MSG_AUTH:
		return handle_auth(m);
	case ORB_MSG_AUTH_CHALLENGE:
		return handle_challenge(m);
	case ORB_MSG_VERIFY:
		return handle_verify(m);
	case ORB_MSG_IDENTITY_LOGOUT:
		return handle_logout(m);
	case ORB_MSG_CREATE_USER:
		return handle_create_user(m);
	case ORB_MSG_IDENTITY_PASSWD:
		return handle_passwd(m);
	case ORB_MSG_IDENTITY_ADD_KEY:
		return handle_add_key(m);
	case ORB_MSG_ACCOUNT_STATUS:
		return handle_account_status(m);
	case ORB_MSG_IDENTITY_HAS_ROLE:
		return handle_has_role(m);
	case ORB_MSG_IDENTITY_REGISTER_SERVICE:
		return handle_register(m);
	case ORB_MSG_SIGN:
		return handle_sign(m);
	default:
		return -ORB_ENOSYS;
	}
}

long identity_handle(orb_msg_t *m)
{
	state_lock();
	long rc = dispatch(m);
	state_unlock();
	return rc;
}
