/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Identity client (<orbital/identity.h>): each call encodes one request, sends it
 * with orb_request (retried while Identity restarts), checks the answer's tag and
 * decodes it. Secrets (passwords, tokens) pass through the one request buffer, which is
 * wiped after each call.
 */
#include <orbital.h>
#include <orbital/identity.h>
#include <orbital/messages.h>
#include <orbital/service.h>

static uint8_t req[ORB_MAX_MSG_SIZE];

static const char CHALLENGE_DOMAIN[] = "orbital-identity-challenge-v1";

const char *orb_identity_error_name(unsigned code)
{
	static const char *const names[] = {
		[ORB_IDENTITY_ERR_BAD_CREDENTIALS] = "InvalidCredentials",
		[ORB_IDENTITY_ERR_USER_NOT_FOUND] = "UserNotFound",
		[ORB_IDENTITY_ERR_ACCOUNT_LOCKED] = "AccountLocked",
		[ORB_IDENTITY_ERR_TOKEN_EXPIRED] = "TokenExpired",
		[ORB_IDENTITY_ERR_RATE_LIMITED] = "RateLimited",
		[ORB_IDENTITY_ERR_ACCOUNT_DISABLED] = "AccountDisabled",
		[ORB_IDENTITY_ERR_UNAVAILABLE] = "Unavailable",
		[ORB_IDENTITY_ERR_NOT_PERMITTED] = "PermissionDenied",
		[ORB_IDENTITY_ERR_INVALID_REQUEST] = "InvalidRequest",
		[ORB_IDENTITY_ERR_ALREADY_EXISTS] = "AlreadyExists",
		[ORB_IDENTITY_ERR_FULL] = "Full",
	};
	return code < ORB_ARRAY_SIZE(names) && names[code] ? names[code] : "?";
}

const char *orb_identity_roles_text(uint8_t roles, char *buf, size_t cap)
{
	static const char *const names[] = { "admin", "user", "guest", "system" };
	size_t n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(names); i++)
		if (roles & (1u << i))
			n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "",
					      names[i]);
	if (n == 0)
		snprintf(buf, cap, "-");
	return buf;
}

long orb_identity_open(orb_identity_t *id, orb_cptr_t ep)
{
	memset(id, 0, sizeof(*id));
	id->ep = ep;
	if (ep != ORB_CAP_NONE)
		return 0;
	return orb_lookup_service("identity", &id->ep, NULL, 0);
}

static orb_str_t text(const char *s)
{
	size_t n = strlen(s);
	return (orb_str_t){ .ptr = s, .len = (uint16_t)(n > 0xFFFF ? 0xFFFF : n) };
}

static orb_bytes_t raw(const void *p, size_t len)
{
	return (orb_bytes_t){ .ptr = p, .len = (uint32_t)len };
}

/* Send req[0..n) as tag and expect an answer tagged want. */
static long ask(orb_identity_t *id, uint32_t tag, long n, uint32_t want, orb_msg_t *reply)
{
	id->reason[0] = '\0';
	id->retry_after_ms = 0;
	if (n < 0)
		return n;
	long rc = orb_request(id->ep, tag, req, (size_t)n, reply);
	orb_wire_zero(req, (size_t)n);
	if (rc < 0)
		return rc;
	return reply->tag == want ? 0 : -ORB_EINVAL;
}

static long outcome(orb_identity_t *id, uint8_t ok, uint8_t error, orb_str_t reason,
		    uint32_t retry_after_ms)
{
	if (ok)
		return 0;
	orb_strcopy(id->reason, sizeof(id->reason), reason.ptr, reason.len);
	id->retry_after_ms = retry_after_ms;
	return ORB_IDENTITY_E(error);
}

static void copy_token(char out[ORB_IDENTITY_TOKEN_BUF], orb_str_t t)
{
	orb_strcopy(out, ORB_IDENTITY_TOKEN_BUF, t.ptr, t.len);
}

static long login(orb_identity_t *id, const orb_msg_auth_t *q, orb_identity_session_t *out)
{
	orb_msg_t reply;
	long rc = ask(id, ORB_MSG_AUTH, orb_msg_auth_encode(req, sizeof(req), q),
		      ORB_MSG_AUTH_RESPONSE, &reply);
	orb_msg_auth_response_t r;
	if (rc == 0 && orb_msg_auth_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0 || (rc = outcome(id, r.ok, r.error, r.reason, r.retry_after_ms)) < 0)
		return rc;
	if (r.token.len != ORB_IDENTITY_TOKEN_LEN || r.refresh_token.len != ORB_IDENTITY_TOKEN_LEN)
		return -ORB_EINVAL;
	copy_token(out->token, r.token);
	copy_token(out->refresh, r.refresh_token);
	out->expires_at = r.expires_at;
	out->refresh_expires_at = r.refresh_expires_at;
	out->roles = r.roles;
	return 0;
}

long orb_identity_login_password(orb_identity_t *id, const char *name, const void *password,
				 size_t len, orb_identity_session_t *out)
{
	orb_msg_auth_t q = { .username = text(name), .method = ORB_IDENTITY_AUTH_PASSWORD,
			     .secret = raw(password, len) };
	return login(id, &q, out);
}

long orb_identity_login_key(orb_identity_t *id, const char *name,
			    const uint8_t challenge[ORB_IDENTITY_CHALLENGE_SIZE],
			    const uint8_t signature[ORB_IDENTITY_SIGNATURE_SIZE],
			    orb_identity_session_t *out)
{
	orb_msg_auth_t q = { .username = text(name), .method = ORB_IDENTITY_AUTH_PUBLIC_KEY,
			     .secret = raw(signature, ORB_IDENTITY_SIGNATURE_SIZE),
			     .challenge = raw(challenge, ORB_IDENTITY_CHALLENGE_SIZE) };
	return login(id, &q, out);
}

long orb_identity_login_refresh(orb_identity_t *id, const char *name, const char *refresh,
				orb_identity_session_t *out)
{
	orb_msg_auth_t q = { .username = text(name), .method = ORB_IDENTITY_AUTH_TOKEN,
			     .secret = raw(refresh, strlen(refresh)) };
	return login(id, &q, out);
}

long orb_identity_challenge(orb_identity_t *id, const char *name,
			    uint8_t challenge[ORB_IDENTITY_CHALLENGE_SIZE], uint64_t *expires_at)
{
	orb_msg_auth_challenge_t q = { .username = text(name) };
	orb_msg_t reply;
	long rc = ask(id, ORB_MSG_AUTH_CHALLENGE,
		      orb_msg_auth_challenge_encode(req, sizeof(req), &q),
		      ORB_MSG_AUTH_CHALLENGE_RESPONSE, &reply);
	orb_msg_auth_challenge_response_t r;
	if (rc == 0 && orb_msg_auth_challenge_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0 || (rc = outcome(id, r.ok, r.error, r.reason, r.retry_after_ms)) < 0)
		return rc;
	if (r.challenge.len != ORB_IDENTITY_CHALLENGE_SIZE)
		return -ORB_EINVAL;
	memcpy(challenge, r.challenge.ptr, ORB_IDENTITY_CHALLENGE_SIZE);
	if (expires_at)
		*expires_at = r.expires_at;
	return 0;
}

size_t orb_identity_challenge_message(const char *name, const uint8_t *challenge,
				      uint8_t *out, size_t cap)
{
	size_t nlen = strlen(name), at = sizeof(CHALLENGE_DOMAIN);
	size_t need = at + nlen + 1 + ORB_IDENTITY_CHALLENGE_SIZE;
	if (need > cap)
		return 0;
	memcpy(out, CHALLENGE_DOMAIN, at);                    /* with its NUL */
	memcpy(out + at, name, nlen);
	out[at + nlen] = '\0';
	memcpy(out + at + nlen + 1, challenge, ORB_IDENTITY_CHALLENGE_SIZE);
	return need;
}

long orb_identity_verify(orb_identity_t *id, const char *token, orb_identity_who_t *who)
{
	orb_msg_verify_t q = { .token = text(token) };
	orb_msg_t reply;
	long rc = ask(id, ORB_MSG_VERIFY, orb_msg_verify_encode(req, sizeof(req), &q),
		      ORB_MSG_VERIFY_RESPONSE, &reply);
	orb_msg_verify_response_t r;
	if (rc == 0 && orb_msg_verify_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0)
		return rc;
	if (!r.valid)
		return ORB_IDENTITY_E(r.error);
	orb_strcopy(who->id, sizeof(who->id), r.id.ptr, r.id.len);
	orb_strcopy(who->name, sizeof(who->name), r.name.ptr, r.name.len);
	who->kind = r.kind;
	who->roles = r.roles;
	who->expires_at = r.expires_at;
	return 0;
}

/* Requests answered by Result<(), IdentityError> (one layout for all four tags). */
static long result(orb_identity_t *id, uint32_t tag, long n, uint32_t want)
{
	orb_msg_t reply;
	long rc = ask(id, tag, n, want, &reply);
	orb_msg_identity_logout_response_t r;
	if (rc == 0 && orb_msg_identity_logout_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	return rc < 0 ? rc : outcome(id, r.ok, r.error, r.reason, 0);
}

long orb_identity_logout(orb_identity_t *id, const char *token)
{
	orb_msg_identity_logout_t q = { .token = text(token) };
	return result(id, ORB_MSG_IDENTITY_LOGOUT,
		      orb_msg_identity_logout_encode(req, sizeof(req), &q),
		      ORB_MSG_IDENTITY_LOGOUT_RESPONSE);
}

long orb_identity_passwd(orb_identity_t *id, const char *token, const char *user,
			 const char *old_password, const char *new_password)
{
	orb_msg_identity_passwd_t q = { .token = text(token), .username = text(user),
					.old_password = text(old_password),
					.new_password = text(new_password) };
	return result(id, ORB_MSG_IDENTITY_PASSWD,
		      orb_msg_identity_passwd_encode(req, sizeof(req), &q),
		      ORB_MSG_IDENTITY_PASSWD_RESPONSE);
}

long orb_identity_add_key(orb_identity_t *id, const char *token,
			  const uint8_t key[ORB_IDENTITY_KEY_SIZE])
{
	orb_msg_identity_add_key_t q = { .token = text(token),
					 .public_key = raw(key, ORB_IDENTITY_KEY_SIZE) };
	return result(id, ORB_MSG_IDENTITY_ADD_KEY,
		      orb_msg_identity_add_key_encode(req, sizeof(req), &q),
		      ORB_MSG_IDENTITY_ADD_KEY_RESPONSE);
}

long orb_identity_set_status(orb_identity_t *id, const char *admin_token, const char *user,
			     uint8_t status, const char *reason)
{
	orb_msg_account_status_t q = { .admin_token = text(admin_token), .username = text(user),
				       .status = status, .reason = text(reason) };
	return result(id, ORB_MSG_ACCOUNT_STATUS,
		      orb_msg_account_status_encode(req, sizeof(req), &q),
		      ORB_MSG_ACCOUNT_STATUS_RESPONSE);
}

long orb_identity_create_user(orb_identity_t *id, const char *admin_token, const char *name,
			      const void *password, size_t len, uint8_t roles)
{
	orb_msg_create_user_t q = {
		.admin_token = text(admin_token), .username = text(name),
		.password = { .ptr = password, .len = (uint16_t)(len > 0xFFFF ? 0xFFFF : len) },
		.roles = roles,
	};
	orb_msg_t reply;
	long rc = ask(id, ORB_MSG_CREATE_USER, orb_msg_create_user_encode(req, sizeof(req), &q),
		      ORB_MSG_CREATE_USER_RESPONSE, &reply);
	orb_msg_create_user_response_t r;
	if (rc == 0 && orb_msg_create_user_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	return rc < 0 ? rc : outcome(id, r.ok, r.error, r.reason, 0);
}

long orb_identity_has_role(orb_identity_t *id, const char *who, uint8_t role, bool *known)
{
	orb_msg_identity_has_role_t q = { .id = text(who), .role = role };
	orb_msg_t reply;
	long rc = ask(id, ORB_MSG_IDENTITY_HAS_ROLE,
		      orb_msg_identity_has_role_encode(req, sizeof(req), &q),
		      ORB_MSG_IDENTITY_HAS_ROLE_RESPONSE, &reply);
	orb_msg_identity_has_role_response_t r;
	if (rc == 0 && orb_msg_identity_has_role_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0)
		return rc;
	if (known)
		*known = r.known;
	return r.has ? 1 : 0;
}

long orb_identity_register(orb_identity_t *id, const char *name,
			   const uint8_t key[ORB_IDENTITY_KEY_SIZE],
			   char token[ORB_IDENTITY_TOKEN_BUF],
			   uint8_t public_key[ORB_IDENTITY_KEY_SIZE])
{
	orb_msg_identity_register_service_t q = {
		.name = text(name), .public_key = raw(key, key ? ORB_IDENTITY_KEY_SIZE : 0),
	};
	orb_msg_t reply;
	long rc = ask(id, ORB_MSG_IDENTITY_REGISTER_SERVICE,
		      orb_msg_identity_register_service_encode(req, sizeof(req), &q),
		      ORB_MSG_IDENTITY_REGISTER_RESPONSE, &reply);
	orb_msg_identity_register_response_t r;
	if (rc == 0 && orb_msg_identity_register_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0 || (rc = outcome(id, r.ok, r.error, r.reason, 0)) < 0)
		return rc;
	if (r.token.len != ORB_IDENTITY_TOKEN_LEN || r.public_key.len != ORB_IDENTITY_KEY_SIZE)
		return -ORB_EINVAL;
	copy_token(token, r.token);
	memcpy(public_key, r.public_key.ptr, ORB_IDENTITY_KEY_SIZE);
	return 0;
}

long orb_identity_sign(orb_identity_t *id, const char *token, const void *data, size_t len,
		       uint8_t signature[ORB_IDENTITY_SIGNATURE_SIZE],
		       uint8_t public_key[ORB_IDENTITY_KEY_SIZE])
{
	orb_msg_sign_t q = { .token = text(token), .data = raw(data, len) };
	orb_msg_t reply;
	long rc = ask(id, ORB_MSG_SIGN, orb_msg_sign_encode(req, sizeof(req), &q),
		      ORB_MSG_SIGN_RESPONSE, &reply);
	orb_msg_sign_response_t r;
	if (rc == 0 && orb_msg_sign_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0 || (rc = outcome(id, r.ok, r.error, r.reason, 0)) < 0)
		return rc;
	if (r.signature.len != ORB_IDENTITY_SIGNATURE_SIZE ||
	    r.public_key.len != ORB_IDENTITY_KEY_SIZE)
		return -ORB_EINVAL;
	memcpy(signature, r.signature.ptr, ORB_IDENTITY_SIGNATURE_SIZE);
	memcpy(public_key, r.public_key.ptr, ORB_IDENTITY_KEY_SIZE);
	return 0;
}
