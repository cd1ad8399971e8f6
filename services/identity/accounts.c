/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Users (spec UserIdentity): the table, passwords, public keys, AccountStatus and the
 * lockout.
 *
 * A password is kept as Argon2id(password, salt) with a 16-byte salt from the CSPRNG and
 * the costs it was made with (spec: time 3, memory 65,536 KiB, parallelism 1), so a later
 * change of the costs still checks old records. Checking recomputes the hash and compares
 * in constant time; a name that is no user costs the same Argon2id run (user_dummy_check)
 * so the answer's timing does not tell which names exist.
 *
 * Argon2id runs without the state lock (state_unlocked, requests.c) and one at a time:
 * its 64 MiB come from the heap, which only it uses outside the start-up. So every use of
 * a user's fields around a hash reads them before and writes them after, by name, never
 * holding on to more than the table slot (slots never move or go).
 *
 * Lockout: IDENTITY_LOCKOUT_FAILURES consecutive failed logins (password or signature)
 * lock the account for IDENTITY_LOCKOUT_S; during the window every login answers
 * AccountLocked with the time left, without running Argon2id, and does not count. The
 * lockout lives in memory only (its clock is time since boot); an administrator's Locked
 * or Disabled status is part of the record and persists.
 */
#include "identity.h"

static struct user users[MAX_USERS];

struct user *user_find(const char *name)
{
	for (size_t i = 0; i < MAX_USERS; i++)
		if (users[i].used && strcmp(users[i].name, name) == 0)
			return &users[i];
	return NULL;
}

uint32_t user_count(void)
{
	uint32_t n = 0;
	for (size_t i = 0; i < MAX_USERS; i++)
		n += users[i].used;
	return n;
}

static struct user *user_slot(void)
{
	for (size_t i = 0; i < MAX_USERS; i++)
		if (!users[i].used)
			return &users[i];
	return NULL;
}

static orb_lock_t hashing = ORB_LOCK_INIT;

/* Argon2id of password with the given salt and costs into out; 0 or -1 (out of memory).
 * Called with the state locked; returns with it locked, having let it go meanwhile. */
static int argon2id(uint8_t out[32], const char *password, size_t pwlen, const uint8_t *salt,
		    uint32_t opslimit, uint32_t memlimit_kib)
{
	uint8_t s[crypto_pwhash_SALTBYTES];
	memcpy(s, salt, sizeof(s));
	state_unlock();
	orb_lock(&hashing);
	int rc = crypto_pwhash(out, 32, password, pwlen, s, opslimit,
			       (size_t)memlimit_kib * 1024, crypto_pwhash_ALG_ARGON2ID13);
	orb_unlock(&hashing);
	state_lock();
	return rc;
}

/* A fresh salt and hash for password in rec. */
static int hash_into(orb_identity_user_t *rec, const char *password, size_t pwlen,
		     struct id_error *e)
{
	uint8_t salt[sizeof(rec->salt)], hash[sizeof(rec->hash)];
	if (!random_bytes(salt, sizeof(salt), e))
		return -1;
	if (argon2id(hash, password, pwlen, salt, IDENTITY_ARGON2_T, IDENTITY_ARGON2_M_KIB) < 0) {
		*e = (struct id_error){ ORB_IDENTITY_ERR_UNAVAILABLE, 0,
					"out of memory for Argon2id" };
		return -1;
	}
	memcpy(rec->salt, salt, sizeof(salt));
	memcpy(rec->hash, hash, sizeof(hash));
	rec->opslimit = IDENTITY_ARGON2_T;
	rec->memlimit_kib = IDENTITY_ARGON2_M_KIB;
	sodium_memzero(hash, sizeof(hash));
	return 0;
}

int user_create(const char *name, const char *password, size_t pwlen, uint8_t roles,
		struct id_error *e)
{
	orb_identity_user_t rec = { .roles = roles, .status = ORB_IDENTITY_STATUS_ACTIVE,
				    .created_at = orb_now_ns() };
	memcpy(rec.name, name, strlen(name));
	if (hash_into(&rec, password, pwlen, e) < 0)
		return -1;
	struct user *u = user_find(name) || service_find(name) ? NULL : user_slot();
	if (!u) {   /* taken while we hashed, or full */
		sodium_memzero(&rec, sizeof(rec));
		*e = user_find(name) || service_find(name)
			     ? (struct id_error){ ORB_IDENTITY_ERR_ALREADY_EXISTS, 0, "the name is taken" }
			     : (struct id_error){ ORB_IDENTITY_ERR_FULL, 0, "no room for another user" };
		return -1;
	}
	*u = (struct user){ .used = true, .rec = rec };
	memcpy(u->name, name, strlen(name) + 1);
	sodium_memzero(&rec, sizeof(rec));
	if (store_put_user(u, e) < 0) {
		sodium_memzero(u, sizeof(*u));
		return -1;
	}
	return 0;
}

int user_may_login(struct user *u, uint64_t now, struct id_error *e)
{
	if (u->rec.status == ORB_IDENTITY_STATUS_DISABLED) {
		*e = (struct id_error){ ORB_IDENTITY_ERR_ACCOUNT_DISABLED, 0, "account disabled" };
		return -1;
	}
	if (u->rec.status == ORB_IDENTITY_STATUS_LOCKED) {
		*e = (struct id_error){ ORB_IDENTITY_ERR_ACCOUNT_LOCKED, 0,
					"account locked by an administrator" };
		return -1;
	}
	if (u->locked_until > now) {
		uint64_t left = u->locked_until - now;
		*e = (struct id_error){ ORB_IDENTITY_ERR_ACCOUNT_LOCKED,
					(uint32_t)((left + NS_PER_MS - 1) / NS_PER_MS),
					"too many failed logins" };
		return -1;
	}
	if (u->locked_until) {   /* the window has passed: a fresh start */
		u->locked_until = 0;
		u->failures = 0;
	}
	return 0;
}

void user_login_failed(struct user *u, uint64_t now)
{
	if (++u->failures < IDENTITY_LOCKOUT_FAILURES)
		return;
	u->failures = 0;
	u->locked_until = now + (uint64_t)IDENTITY_LOCKOUT_S * NS_PER_S;
	orb_printf("identity: user %s locked for %u s after %u failed logins\n",
		   u->name, (unsigned)IDENTITY_LOCKOUT_S,
		   (unsigned)IDENTITY_LOCKOUT_FAILURES);
}

void user_login_succeeded(struct user *u)
{
	u->failures = 0;
}

bool user_check_password(struct user *u, const char *password, size_t pwlen, uint64_t now)
{
	orb_identity_user_t rec = u->rec;   /* as it is now: the hash may change meanwhile */
	uint8_t hash[sizeof(rec.hash)];
	bool ok = argon2id(hash, password, pwlen, rec.salt, rec.opslimit, rec.memlimit_kib) == 0 &&
		  crypto_verify_32(hash, rec.hash) == 0;
	sodium_memzero(hash, sizeof(hash));
	sodium_memzero(&rec, sizeof(rec));
	if (!ok)
		user_login_failed(u, orb_now_ns());
	return ok;
}

void user_dummy_check(const char *password, size_t pwlen)
{
	static const uint8_t salt[16] = "orbital-no-user";
	uint8_t hash[32];
	(void)argon2id(hash, password, pwlen, salt, IDENTITY_ARGON2_T, IDENTITY_ARGON2_M_KIB);
	sodium_memzero(hash, sizeof(hash));
}

int user_set_password(struct user *u, const char *password, size_t pwlen, struct id_error *e)
{
	orb_identity_user_t fresh = u->rec;
	if (hash_into(&fresh, password, pwlen, e) < 0)
		return -1;
	orb_identity_user_t old = u->rec;   /* after the hash: whatever else changed stays */
	memcpy(u->rec.salt, fresh.salt, sizeof(fresh.salt));
	memcpy(u->rec.hash, fresh.hash, sizeof(fresh.hash));
	u->rec.opslimit = fresh.opslimit;
	u->rec.memlimit_kib = fresh.memlimit_kib;
	sodium_memzero(&fresh, sizeof(fresh));
	int rc = store_put_user(u, e);
	if (rc < 0)
		u->rec = old;   /* not stored: the old password stays */
	sodium_memzero(&old, sizeof(old));
	return rc;
}

int user_add_key(struct user *u, const uint8_t key[ORB_IDENTITY_KEY_SIZE], struct id_error *e)
{
	if (crypto_core_ed25519_is_valid_point(key) != 1) {
		*e = (struct id_error){ ORB_IDENTITY_ERR_INVALID_REQUEST, 0,
					"not an Ed25519 public key" };
		return -1;
	}
	for (unsigned i = 0; i < u->rec.nkeys; i++)
		if (memcmp(u->rec.keys + i * ORB_IDENTITY_KEY_SIZE, key, ORB_IDENTITY_KEY_SIZE) == 0) {
			*e = (struct id_error){ ORB_IDENTITY_ERR_ALREADY_EXISTS, 0,
						"the key is already registered" };
			return -1;
		}
	if (u->rec.nkeys >= ORB_IDENTITY_USER_KEYS) {
		*e = (struct id_error){ ORB_IDENTITY_ERR_FULL, 0, "the user has four keys already" };
		return -1;
	}
	memcpy(u->rec.keys + u->rec.nkeys * ORB_IDENTITY_KEY_SIZE, key, ORB_IDENTITY_KEY_SIZE);
	u->rec.nkeys++;
	if (store_put_user(u, e) < 0) {
		u->rec.nkeys--;
		memset(u->rec.keys + u->rec.nkeys * ORB_IDENTITY_KEY_SIZE, 0, ORB_IDENTITY_KEY_SIZE);
		return -1;
	}
	return 0;
}

int user_set_status(struct user *u, uint8_t status, const char *reason, size_t rlen,
		    struct id_error *e)
{
	orb_identity_user_t old = u->rec;
	u->rec.status = status;
	memset(u->rec.reason, 0, sizeof(u->rec.reason));
	memcpy(u->rec.reason, reason, rlen < sizeof(u->rec.reason) ? rlen : sizeof(u->rec.reason) - 1);
	if (store_put_user(u, e) < 0) {
		u->rec = old;
		return -1;
	}
	if (status == ORB_IDENTITY_STATUS_ACTIVE) {   /* an administrator's unlock */
		u->locked_until = 0;
		u->failures = 0;
	}
	return 0;
}

void user_adopt(const orb_identity_user_t *rec)
{
	char name[NAME_BUF];
	struct user *u = name_from_record(rec->name, sizeof(rec->name), name) && !user_find(name)
				 ? user_slot() : NULL;
	if (!u) {
		orb_printf("identity: stored user record '%s' skipped (bad name, duplicate or no "
			   "room)\n", name);
		return;
	}
	*u = (struct user){ .used = true, .rec = *rec };
	memcpy(u->name, name, sizeof(name));
}
