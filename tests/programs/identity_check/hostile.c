/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile requests: payloads that do not decode, a 1 MiB name, names and passwords over
 * their limits, methods that do not exist or carry the wrong kind of secret, one
 * message's payload under another's tag, an unknown tag. Each must get an answer (an
 * IdentityError, or MSG_ERROR for what does not decode) and the service must keep its
 * state: a service token made before still verifies after.
 */
#include "idcheck.h"

#define PW(s) s, sizeof(s) - 1

static uint8_t buf[ORB_MAX_MSG_SIZE];

static void malformed(const char *name, uint32_t tag, const void *p, size_t len)
{
	uint32_t code = 0;
	long rc = raw_request(tag, p, len, &code);
	check(name, rc == ORB_MSG_ERROR && code == ORB_ERROR_MALFORMED, rc);
}

/* An AUTH of the given fields, answered with an IdentityError `want`. */
static void auth_refused(const char *name, const char *user, size_t ulen, uint8_t method,
			 const void *secret, size_t slen, size_t clen, unsigned want)
{
	static uint8_t challenge[64];
	orb_msg_auth_t q = { .username = { .ptr = user, .len = (uint16_t)ulen }, .method = method,
			     .secret = { .ptr = secret, .len = (uint32_t)slen },
			     .challenge = { .ptr = challenge, .len = (uint32_t)clen } };
	long n = orb_msg_auth_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	long rc = n < 0 ? n : orb_request(id.ep, ORB_MSG_AUTH, buf, (size_t)n, &reply);
	orb_msg_auth_response_t r = { .ok = 1 };
	if (rc == 0 && (reply.tag != ORB_MSG_AUTH_RESPONSE ||
			orb_msg_auth_response_decode(reply.data, reply.len, &r) < 0))
		rc = -ORB_EINVAL;
	if (rc == 0)
		rc = r.ok ? 0 : ORB_IDENTITY_E(r.error);
	check(name, orb_identity_error_code(rc) == (int)want, rc);
}

static void undecodable(void)
{
	malformed("AUTH with no payload", ORB_MSG_AUTH, NULL, 0);
	static const uint8_t over[] = { 0xff, 0xff, 'a', 'b', 'c' };
	malformed("AUTH whose name length runs past the end", ORB_MSG_AUTH, over, sizeof(over));
	orb_msg_auth_t q = { .username = { .ptr = "alice", .len = 5 },
			     .method = ORB_IDENTITY_AUTH_PASSWORD,
			     .secret = { .ptr = (const uint8_t *)"pw", .len = 2 } };
	long n = orb_msg_auth_encode(buf, sizeof(buf), &q);
	buf[n] = 0x00;
	malformed("AUTH with a byte too many", ORB_MSG_AUTH, buf, (size_t)n + 1);
	malformed("AUTH cut short", ORB_MSG_AUTH, buf, (size_t)n - 3);
	buf[8] = 0x40;   /* the secret's length, now 64 bytes more than there are */
	malformed("AUTH whose secret length lies", ORB_MSG_AUTH, buf, (size_t)n);
	orb_msg_verify_t v = { .token = { .ptr = "0123", .len = 4 } };
	n = orb_msg_verify_encode(buf, sizeof(buf), &v);
	malformed("a VERIFY payload under the AUTH tag", ORB_MSG_AUTH, buf, (size_t)n);
	malformed("an AUTH payload under the SIGN tag", ORB_MSG_SIGN, over, sizeof(over));
	uint32_t code = 0;
	long rc = raw_request(0x60FF, "x", 1, &code);
	check("an unknown identity tag", rc == ORB_MSG_ERROR && code == ORB_ERROR_UNKNOWN_REQUEST,
	      rc);
}

static void oversized(void)
{
	size_t mib = 1u << 20;
	char *huge = orb_malloc(mib + 1);
	if (!huge) {
		check("1 MiB name: memory", false, -ORB_ENOMEM);
		return;
	}
	memset(huge, 'a', mib);
	huge[mib] = '\0';
	orb_identity_session_t s;
	long rc = orb_identity_login_password(&id, huge, PW("pw"), &s);
	check("a 1 MiB name does not fit a message (refused before sending)",
	      rc == -ORB_EOVERFLOW, rc);
	uint32_t code;
	rc = raw_request(ORB_MSG_AUTH, huge, mib, &code);
	check("a 1 MiB payload is refused by the kernel", rc < 0, rc);
	auth_refused("the longest name that fits", huge, 4000, ORB_IDENTITY_AUTH_PASSWORD, "pw", 2,
		     0, ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a 33-byte name", huge, 33, ORB_IDENTITY_AUTH_PASSWORD, "pw", 2, 0,
		     ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a 129-byte password", "alice", 5, ORB_IDENTITY_AUTH_PASSWORD, huge, 129, 0,
		     ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a 4000-byte password", "alice", 5, ORB_IDENTITY_AUTH_PASSWORD, huge, 4000,
		     0, ORB_IDENTITY_ERR_INVALID_REQUEST);
	rc = orb_identity_create_user(&id, admin_token(), huge, PW("pw"), ORB_IDENTITY_ROLE_USER);
	check("CREATE_USER with a 1 MiB name", rc == -ORB_EOVERFLOW, rc);
	auth_refused("a name with a NUL", "al\0ce", 5, ORB_IDENTITY_AUTH_PASSWORD, "pw", 2, 0,
		     ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a name in UTF-8", "\xc3\xa9t\xc3\xa9", 6, ORB_IDENTITY_AUTH_PASSWORD, "pw", 2,
		     0, ORB_IDENTITY_ERR_INVALID_REQUEST);
	orb_free(huge);
}

static void wrong_methods(void)
{
	static const char hex64[] =
		"zz23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	auth_refused("method 7", "alice", 5, 7, "pw", 2, 0, ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("method 255", "alice", 5, 255, "pw", 2, 0, ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a public-key login with a password for a signature", "alice", 5,
		     ORB_IDENTITY_AUTH_PUBLIC_KEY, "alice-pw2", 9, 32,
		     ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a public-key login without a challenge", "alice", 5,
		     ORB_IDENTITY_AUTH_PUBLIC_KEY, hex64, 64, 0, ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a password login with a challenge", "alice", 5, ORB_IDENTITY_AUTH_PASSWORD,
		     "alice-pw2", 9, 32, ORB_IDENTITY_ERR_INVALID_REQUEST);
	auth_refused("a refresh login with no token", "alice", 5, ORB_IDENTITY_AUTH_TOKEN, hex64,
		     64, 0, ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	auth_refused("a refresh login with a password", "alice", 5, ORB_IDENTITY_AUTH_TOKEN,
		     "alice-pw2", 9, 0, ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	auth_refused("a public-key login with a made-up challenge", "alice", 5,
		     ORB_IDENTITY_AUTH_PUBLIC_KEY, hex64, 64, 32, ORB_IDENTITY_ERR_BAD_CREDENTIALS);
}

void hostile_cases(void)
{
	char token[ORB_IDENTITY_TOKEN_BUF];
	uint8_t pk[32];
	long rc = orb_identity_register(&id, "probe", NULL, token, pk);
	expect_ok("a service token made before the hostile requests", rc);
	undecodable();
	oversized();
	wrong_methods();
	orb_identity_who_t who;
	rc = orb_identity_verify(&id, token, &who);
	check("after the hostile requests the service still knows that token",
	      rc == 0 && strcmp(who.name, "probe") == 0, rc);
}
