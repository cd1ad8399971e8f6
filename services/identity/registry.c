/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Service identities (spec ServiceIdentity, REGISTER_SERVICE, SIGN).
 *
 * A service registers under a name with its own Ed25519 public key, and then proves who
 * it is by a public-key login; or with no key, and then Identity makes the key pair from
 * the CSPRNG, keeps its seed sealed with the record, and signs for the service (SIGN).
 * Either way the answer carries a long-lived service token (its hash is part of the
 * record, so it survives a reboot with the same disk). Registering a known name again
 * issues a new token for the same identity and key; the old token stops working. A
 * signing key is expanded from its seed for each signature and wiped after.
 */
#include "identity.h"

static struct service services[MAX_SERVICES];

struct service *service_find(const char *name)
{
	for (size_t i = 0; i < MAX_SERVICES; i++)
		if (services[i].used && strcmp(services[i].name, name) == 0)
			return &services[i];
	return NULL;
}

static struct service *service_slot(void)
{
	for (size_t i = 0; i < MAX_SERVICES; i++)
		if (!services[i].used)
			return &services[i];
	return NULL;
}

/* A new record with a key pair Identity holds, or with the caller's public key. */
static int fresh_record(const char *name, const uint8_t *public_key, size_t keylen,
			orb_identity_service_t *rec, struct id_error *e)
{
	*rec = (orb_identity_service_t){ .roles = ORB_IDENTITY_ROLE_SYSTEM,
						.created_at = orb_now_ns() };
	memcpy(rec->name, name, strlen(name));
	if (keylen) {
		memcpy(rec->public_key, public_key, keylen);
		return 0;
	}
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	if (!random_bytes(rec->seed, sizeof(rec->seed), e))
		return -1;
	crypto_sign_seed_keypair(rec->public_key, sk, rec->seed);
	sodium_memzero(sk, sizeof(sk));
	rec->has_secret = 1;
	return 0;
}

int service_register(const char *name, const uint8_t *public_key, size_t keylen,
		     char token[TOKEN_BUF], struct service **out, struct id_error *e)
{
	if (keylen && (keylen != ORB_IDENTITY_KEY_SIZE ||
		       crypto_core_ed25519_is_valid_point(public_key) != 1)) {
		*e = (struct id_error){ ORB_IDENTITY_ERR_INVALID_REQUEST, 0,
					"not an Ed25519 public key" };
		return -1;
	}
	struct service *s = service_find(name);
	orb_identity_service_t rec;
	if (s) {
		if (keylen && memcmp(public_key, s->rec.public_key, keylen) != 0) {
			*e = (struct id_error){ ORB_IDENTITY_ERR_ALREADY_EXISTS, 0,
						"the service is registered with another key" };
			return -1;
		}
		rec = s->rec;
	} else {
		if (!(s = service_slot())) {
			*e = (struct id_error){ ORB_IDENTITY_ERR_FULL, 0, "no room for another service" };
			return -1;
		}
		if (fresh_record(name, public_key, keylen, &rec, e) < 0)
			return -1;
	}
	if (token_new(token, rec.token_hash, e) < 0) {
		sodium_memzero(&rec, sizeof(rec));
		return -1;
	}
	struct service old = *s;
	s->used = true;
	s->rec = rec;
	memcpy(s->name, name, strlen(name) + 1);
	sodium_memzero(&rec, sizeof(rec));
	if (store_put_service(s, e) < 0) {
		*s = old;
		sodium_memzero(&old, sizeof(old));
		sodium_memzero(token, TOKEN_BUF);
		return -1;
	}
	sodium_memzero(&old, sizeof(old));
	*out = s;
	return 0;
}

struct service *service_by_token(const uint8_t hash[HASH_SIZE])
{
	struct service *found = NULL;
	for (size_t i = 0; i < MAX_SERVICES; i++)   /* every entry: no early exit */
		if (services[i].used && hash_equal(services[i].rec.token_hash, hash))
			found = &services[i];
	return found;
}

int service_sign(const struct service *s, const uint8_t *data, size_t len,
		 uint8_t sig[ORB_IDENTITY_SIGNATURE_SIZE])
{
	if (!s->rec.has_secret)
		return -1;
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	crypto_sign_seed_keypair(pk, sk, s->rec.seed);
	int rc = crypto_sign_detached(sig, NULL, data, len, sk);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

void service_adopt(const orb_identity_service_t *rec)
{
	char name[NAME_BUF];
	struct service *s = name_from_record(rec->name, sizeof(rec->name), name) &&
				    !service_find(name) && !user_find(name) ? service_slot() : NULL;
	if (!s) {
		orb_printf("identity: stored service record '%s' skipped (bad name, duplicate or "
			   "no room)\n", name);
		return;
	}
	*s = (struct service){ .used = true, .rec = *rec };
	memcpy(s->name, name, sizeof(name));
}
