/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Identity client (spec §4.3; docs/services.md "Identity"): log in by password,
 * public key or refresh token, verify and end sessions, manage users, register service
 * identities and have Identity sign for them.
 *
 * Results: >= 0 on success; an IdentityError answer is ORB_IDENTITY_E(code) (code =
 * ORB_IDENTITY_ERR_*, orb_identity_error_code() takes it back out; id->reason holds the
 * service's reason and id->retry_after_ms its hint for AccountLocked and RateLimited);
 * anything else is -ORB_E*: no Identity service (-ENOENT), a request that cannot be sent
 * (-EOVERFLOW: a field too long for one message) or a malformed answer (-EINVAL).
 * Requests are retried while Identity restarts (orb_request). One request buffer serves
 * every call: use the client from one thread at a time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>

#define ORB_IDENTITY_E(code) (-0x200L - (long)(code))

/* The IdentityError in rc, or -1 if rc is not an IdentityError answer. */
static inline int orb_identity_error_code(long rc)
{
	return rc <= ORB_IDENTITY_E(0) && rc > ORB_IDENTITY_E(0x100) ? (int)(-0x200L - rc) : -1;
}

/* "InvalidCredentials", "AccountLocked", ... ; "?" for another number. */
const char *orb_identity_error_name(unsigned code);
/* "admin,user" for a role set ("-" for none), into buf. */
const char *orb_identity_roles_text(uint8_t roles, char *buf, size_t cap);

#define ORB_IDENTITY_TOKEN_BUF (ORB_IDENTITY_TOKEN_LEN + 1)

typedef struct orb_identity {
	orb_cptr_t ep;                  /* Identity's endpoint (W) */
	uint32_t retry_after_ms;        /* from the last answer that gave one */
	char reason[128];               /* the last failure's reason ("" otherwise) */
} orb_identity_t;

/* What a login gives. */
typedef struct orb_identity_session {
	char token[ORB_IDENTITY_TOKEN_BUF];
	char refresh[ORB_IDENTITY_TOKEN_BUF];
	uint64_t expires_at, refresh_expires_at;   /* ns since boot */
	uint8_t roles;
} orb_identity_session_t;

/* What VERIFY says of a valid token. */
typedef struct orb_identity_who {
	char id[ORB_IDENTITY_NAME_MAX + 9];         /* user:NAME or service:NAME */
	char name[ORB_IDENTITY_NAME_MAX + 1];
	uint8_t kind;                               /* ORB_IDENTITY_TYPE_* */
	uint8_t roles;
	uint64_t expires_at;                        /* 0 for a service token */
} orb_identity_who_t;

/* Use endpoint ep, or with ORB_CAP_NONE look "identity" up in init's registry. */
long orb_identity_open(orb_identity_t *id, orb_cptr_t ep);

long orb_identity_login_password(orb_identity_t *id, const char *name, const void *password,
				 size_t len, orb_identity_session_t *out);
/* A challenge to sign for a public-key login. */
long orb_identity_challenge(orb_identity_t *id, const char *name,
			    uint8_t challenge[ORB_IDENTITY_CHALLENGE_SIZE], uint64_t *expires_at);
/* The bytes a public-key login signs (D241): "orbital-identity-challenge-v1", NUL, the
 * name, NUL, the challenge. Returns their length (0 if cap is too small). */
size_t orb_identity_challenge_message(const char *name, const uint8_t *challenge,
				      uint8_t *out, size_t cap);
long orb_identity_login_key(orb_identity_t *id, const char *name,
			    const uint8_t challenge[ORB_IDENTITY_CHALLENGE_SIZE],
			    const uint8_t signature[ORB_IDENTITY_SIGNATURE_SIZE],
			    orb_identity_session_t *out);
long orb_identity_login_refresh(orb_identity_t *id, const char *name, const char *refresh,
				orb_identity_session_t *out);
/* 0 and *who for a valid token; ORB_IDENTITY_E(BadCredentials or TokenExpired) if not. */
long orb_identity_verify(orb_identity_t *id, const char *token, orb_identity_who_t *who);
long orb_identity_logout(orb_identity_t *id, const char *token);

/* admin_token "" for the first user (System processes only). */
long orb_identity_create_user(orb_identity_t *id, const char *admin_token, const char *name,
			      const void *password, size_t len, uint8_t roles);
/* user "" (or the session's own): old is checked; another user: admins only. */
long orb_identity_passwd(orb_identity_t *id, const char *token, const char *user,
			 const char *old_password, const char *new_password);
long orb_identity_add_key(orb_identity_t *id, const char *token,
			  const uint8_t key[ORB_IDENTITY_KEY_SIZE]);
long orb_identity_set_status(orb_identity_t *id, const char *admin_token, const char *user,
			     uint8_t status, const char *reason);
/* 1 or 0: whether `who` (user:NAME, service:NAME or NAME) has the role; *known says
 * whether it exists at all. */
long orb_identity_has_role(orb_identity_t *id, const char *who, uint8_t role, bool *known);

/* Register a service identity; key NULL: Identity makes the key pair and signs for it.
 * The long-lived token goes to token, the public key to public_key. */
long orb_identity_register(orb_identity_t *id, const char *name,
			   const uint8_t key[ORB_IDENTITY_KEY_SIZE],
			   char token[ORB_IDENTITY_TOKEN_BUF],
			   uint8_t public_key[ORB_IDENTITY_KEY_SIZE]);
long orb_identity_sign(orb_identity_t *id, const char *token, const void *data, size_t len,
		       uint8_t signature[ORB_IDENTITY_SIGNATURE_SIZE],
		       uint8_t public_key[ORB_IDENTITY_KEY_SIZE]);
