/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Identity service (spec §4.3; docs/services.md "Identity"): users and service
 * identities, password and public-key logins, sessions, signatures for services.
 *
 * State lives in four tables (accounts.c, registry.c, sessions.c, ratelimit.c); the
 * persistent part of a user or a service is its ABI record (orb_identity_user_t,
 * orb_identity_service_t), written sealed through the store (store.c, seal.c)
 * whenever it changes. Everything secret comes from orb_random (the libsodium CSPRNG on
 * the machine's entropy source); without one the service refuses to issue anything and
 * says why. Every comparison of a secret with a presented value is constant-time, and
 * every table lookup by a secret scans the whole table.
 *
 * Threads: IDENTITY_THREADS serve requests at once, so that an Argon2id run (seconds under
 * TCG at the spec's costs) holds up neither other requests nor init's health checks. One
 * lock guards all state (the tables, the CSPRNG, the Storage client, the reply buffer); a
 * handler holds it throughout, except while Argon2id runs (accounts.c).
 */
#pragma once

#include <orbital.h>
#include <orbital/identity.h>
#include <orbital/lock.h>
#include <orbital/messages.h>
#include <orbital/random.h>
#include <orbital/service.h>

#include <sodium.h>

/* ---- parameters: the spec's by default; a test image may lower them with cflags ----
 * (images/identity-test.toml, marked TEST-ONLY there and in the start line). */
#ifndef IDENTITY_ARGON2_T
#define IDENTITY_ARGON2_T 3                 /* spec §4.3: time cost 3 */
#endif
#ifndef IDENTITY_ARGON2_M_KIB
#define IDENTITY_ARGON2_M_KIB 65536         /* spec §4.3: 65,536 KiB, parallelism 1 */
#endif
#ifndef IDENTITY_SESSION_S
#define IDENTITY_SESSION_S ORB_IDENTITY_SESSION_DURATION_S
#endif
#ifndef IDENTITY_REFRESH_S
#define IDENTITY_REFRESH_S (7 * 86400)      /* a refresh token lives a week */
#endif
#ifndef IDENTITY_LOCKOUT_FAILURES
#define IDENTITY_LOCKOUT_FAILURES 5         /* consecutive failed logins that lock */
#endif
#ifndef IDENTITY_LOCKOUT_S
#define IDENTITY_LOCKOUT_S 300              /* the lockout window */
#endif
#ifndef IDENTITY_RATE_BURST
#define IDENTITY_RATE_BURST 10              /* login-type requests a caller may make at once */
#endif
#ifndef IDENTITY_RATE_INTERVAL_MS
#define IDENTITY_RATE_INTERVAL_MS 1000      /* ... and one more per interval after that */
#endif
#ifndef IDENTITY_CHALLENGE_S
#define IDENTITY_CHALLENGE_S 60             /* a login challenge works once, this long */
#endif

#define MAX_USERS 64
#define MAX_SERVICES 32
#define MAX_SESSIONS 128
#define MAX_CHALLENGES 32
#define MAX_CALLERS 32

#define NS_PER_S 1000000000ull
#define NS_PER_MS 1000000ull
#define HASH_SIZE 32            /* BLAKE2b-256 of a token */
#define NAME_BUF (ORB_IDENTITY_NAME_MAX + 1)
#define TOKEN_BUF (ORB_IDENTITY_TOKEN_LEN + 1)

/* An answer's error: ok = 0, code = ORB_IDENTITY_ERR_*, a reason for the log or the user. */
struct id_error {
	uint8_t code;
	uint32_t retry_after_ms;
	const char *reason;
};

/* ---- users (accounts.c) ---- */
struct user {
	bool used;
	char name[NAME_BUF];              /* rec.name, NUL-terminated */
	orb_identity_user_t rec;   /* what is stored */
	uint32_t failures;                /* consecutive failed logins */
	uint64_t locked_until;            /* automatic lockout end, ns since boot; 0: none */
};
struct user *user_find(const char *name);
uint32_t user_count(void);
/* Create a user with a fresh salt and this password; 0 or -1 with *e set. */
int user_create(const char *name, const char *password, size_t pwlen, uint8_t roles,
		struct id_error *e);
/* Whether the user may log in now (status, lockout); -1 with *e set when not. */
int user_may_login(struct user *u, uint64_t now, struct id_error *e);
/* Check a password (Argon2id with the record's parameters, constant-time compare). A
 * failure counts towards the lockout. */
bool user_check_password(struct user *u, const char *password, size_t pwlen, uint64_t now);
/* Spend the time of one password check on a name that is not a user. */
void user_dummy_check(const char *password, size_t pwlen);
int user_set_password(struct user *u, const char *password, size_t pwlen, struct id_error *e);
void user_login_failed(struct user *u, uint64_t now);
void user_login_succeeded(struct user *u);
int user_add_key(struct user *u, const uint8_t key[ORB_IDENTITY_KEY_SIZE], struct id_error *e);
int user_set_status(struct user *u, uint8_t status, const char *reason, size_t rlen,
		    struct id_error *e);
void user_adopt(const orb_identity_user_t *rec);   /* a record read from the store */

/* ---- service identities (registry.c) ---- */
struct service {
	bool used;
	char name[NAME_BUF];              /* rec.name, NUL-terminated */
	orb_identity_service_t rec;
};
struct service *service_find(const char *name);
/* Register (or, for a known name, re-register: new token, same key); fills token. */
int service_register(const char *name, const uint8_t *public_key, size_t keylen,
		     char token[TOKEN_BUF], struct service **out, struct id_error *e);
struct service *service_by_token(const uint8_t hash[HASH_SIZE]);
int service_sign(const struct service *s, const uint8_t *data, size_t len,
		 uint8_t sig[ORB_IDENTITY_SIGNATURE_SIZE]);
void service_adopt(const orb_identity_service_t *rec);

/* ---- sessions and challenges (sessions.c) ---- */
struct session {
	bool used;
	uint8_t kind;                     /* ORB_IDENTITY_TYPE_* */
	char name[NAME_BUF];
	uint8_t token[HASH_SIZE];         /* BLAKE2b of the session token */
	uint8_t refresh[HASH_SIZE];       /* BLAKE2b of the refresh token */
	uint64_t created_at, expires_at, refresh_expires_at, last_active;
};
/* A new session for name; writes both tokens. NULL with *e set when no entropy. */
struct session *session_open(uint8_t kind, const char *name, uint64_t now,
			     char token[TOKEN_BUF], char refresh[TOKEN_BUF], struct id_error *e);
struct session *session_by_token(const uint8_t hash[HASH_SIZE]);
struct session *session_by_refresh(const uint8_t hash[HASH_SIZE], const char *name);
/* New tokens for a session (refresh): the old ones stop working. */
int session_renew(struct session *s, uint64_t now, char token[TOKEN_BUF],
		  char refresh[TOKEN_BUF], struct id_error *e);
void session_close(struct session *s);
/* End every session of kind/name, except `keep` (may be NULL). */
void sessions_end_for(uint8_t kind, const char *name, const struct session *keep);
int challenge_issue(const char *name, uint64_t now, uint8_t out[ORB_IDENTITY_CHALLENGE_SIZE],
		    uint64_t *expires_at, struct id_error *e);
/* Take (and so use up) the challenge `bytes` issued for name, if it is live. */
bool challenge_take(const char *name, const uint8_t *bytes, size_t len, uint64_t now);

/* ---- tokens (tokens.c) ---- */
/* 32 CSPRNG bytes as 64 lower-case hex characters, and their hash. -1 without entropy. */
int token_new(char out[TOKEN_BUF], uint8_t hash[HASH_SIZE], struct id_error *e);
/* The hash of a presented token; false when it is not exactly 64 lower-case hex digits. */
bool token_hash(const char *text, size_t len, uint8_t hash[HASH_SIZE]);
/* Constant-time equality of two token hashes. */
bool hash_equal(const uint8_t a[HASH_SIZE], const uint8_t b[HASH_SIZE]);
/* Fill buf from the CSPRNG; false (and say why, once) without an entropy source. */
bool random_bytes(void *buf, size_t len, struct id_error *e);

/* ---- the per-caller rate limit (ratelimit.c) ---- */
/* Whether pid may make one more login-type request now; else *retry_ms is set. */
bool rate_allow(uint32_t pid, uint64_t now, uint32_t *retry_ms);

/* ---- who the caller is (callers.c) ---- */
/* System or Runtime by the kernel's name for pid (spec §4.2 classification). */
bool caller_is_system(uint32_t pid);
bool caller_is_system_or_runtime(uint32_t pid);

/* ---- names and secrets in requests (names.c) ---- */
bool name_valid(const char *s, size_t len);
/* A NUL-terminated copy of a valid name; false when not valid. */
bool name_take(orb_str_t s, char out[NAME_BUF]);
/* The name in a record's NUL-padded field, NUL-terminated; false when not valid. */
bool name_from_record(const uint8_t *field, size_t size, char out[NAME_BUF]);

/* ---- records at rest (store.c, seal.c) ---- */
/* Open the store: Storage with the machine key when both are there, else memory. */
void store_open(void);
void store_load(void);             /* read every record into the tables */
int store_put_user(const struct user *u, struct id_error *e);
int store_put_service(const struct service *s, struct id_error *e);

/* The sealed form of plain (kind: ORB_IDENTITY_RECORD_*), bound to the storage key. */
long seal_record(const uint8_t key[32], const char *skey, uint8_t kind, const void *plain,
		 size_t plen, uint8_t *out, size_t cap);
/* Open a sealed record; 0, or -1 if it is damaged, not of `kind`, or sealed under
 * another key. */
int unseal_record(const uint8_t key[32], const char *skey, uint8_t kind, const uint8_t *in,
		  size_t len, void *plain, size_t plen);
#define SEALED_SIZE(plen) (sizeof(orb_identity_sealed_t) + (plen) + ORB_IDENTITY_SEAL_TAG_SIZE)

#define IDENTITY_THREADS 3

/* ---- requests (requests.c: dispatch, the state lock, shared helpers) ---- */
void state_lock(void);
void state_unlock(void);
long identity_handle(orb_msg_t *m);
extern uint8_t reply_buf[ORB_MAX_MSG_SIZE];
orb_str_t str_of(const char *s);
long reply_encoded(uint32_t tag, long n);
/* A Result<(), IdentityError> answer: ok when e->reason is NULL. */
long reply_result(uint32_t tag, const struct id_error *e);
struct id_error err(uint8_t code, const char *reason);
/* The live session of a presented token, else NULL with *e (BadCredentials or
 * TokenExpired). */
struct session *live_session(orb_str_t token, uint64_t now, struct id_error *e);
/* The active user of a session, else NULL with *e (NotPermitted). */
struct user *session_user(struct session *s, struct id_error *e);
/* The user of an administrator's live session, else NULL with *e. */
struct user *admin_of(orb_str_t token, uint64_t now, struct id_error *e);
/* The per-caller rate limit as an answer: false with *e (RateLimited). */
bool rate_check(uint32_t pid, uint64_t now, struct id_error *e);

/* login.c: AUTH, AUTH_CHALLENGE, VERIFY, LOGOUT */
long handle_auth(const orb_msg_t *m);
long handle_challenge(const orb_msg_t *m);
long handle_verify(const orb_msg_t *m);
long handle_logout(const orb_msg_t *m);
/* admin.c: CREATE_USER, PASSWD, ADD_KEY, ACCOUNT_STATUS, HAS_ROLE */
long handle_create_user(const orb_msg_t *m);
long handle_passwd(const orb_msg_t *m);
long handle_add_key(const orb_msg_t *m);
long handle_account_status(const orb_msg_t *m);
long handle_has_role(const orb_msg_t *m);
/* signing.c: REGISTER_SERVICE, SIGN */
long handle_register(const orb_msg_t *m);
long handle_sign(const orb_msg_t *m);
