/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tokens and random bytes (and libsodium's start, which needs random bytes). A token is 32 bytes from the CSPRNG written as 64 lower-case
 * hex characters (spec §4.3); the service keeps only its BLAKE2b-256 hash, so a copy of
 * the tables is no list of live tokens. A presented token is hashed only when it has
 * exactly the token's shape: anything else (63 characters, upper case, a NUL) is simply
 * not a token.
 */
#include "identity.h"

bool random_bytes(void *buf, size_t len, struct id_error *e)
{
	static bool said, initialized;
	if (orb_random(buf, len) == 0) {
		/* sodium_init draws a canary from randombytes, whose API cannot fail (D144): it
		 * runs once there is entropy. Until then the library runs on the reference
		 * implementations it starts with, the only ones this build has. */
		if (!initialized && sodium_init() < 0) {
			orb_printf("identity: libsodium failed to start\n");
			orb_exit_process(1);
		}
		initialized = true;
		return true;
	}
	if (!said) {
		orb_printf("identity: no entropy source: refusing to issue tokens, salts, "
			   "challenges or keys (VERIFY and SIGN still work)\n");
		said = true;
	}
	*e = (struct id_error){ ORB_IDENTITY_ERR_UNAVAILABLE, 0,
				"no entropy source: Identity issues no secrets" };
	return false;
}

static void hash_text(const char *text, size_t len, uint8_t hash[HASH_SIZE])
{
	crypto_generichash(hash, HASH_SIZE, (const uint8_t *)text, len, NULL, 0);
}

int token_new(char out[TOKEN_BUF], uint8_t hash[HASH_SIZE], struct id_error *e)
{
	uint8_t raw[ORB_IDENTITY_TOKEN_LEN / 2];
	if (!random_bytes(raw, sizeof(raw), e))
		return -1;
	sodium_bin2hex(out, TOKEN_BUF, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	hash_text(out, ORB_IDENTITY_TOKEN_LEN, hash);
	return 0;
}

bool token_hash(const char *text, size_t len, uint8_t hash[HASH_SIZE])
{
	if (len != ORB_IDENTITY_TOKEN_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	hash_text(text, len, hash);
	return true;
}

bool hash_equal(const uint8_t a[HASH_SIZE], const uint8_t b[HASH_SIZE])
{
	return crypto_verify_32(a, b) == 0;
}
