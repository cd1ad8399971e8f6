/* SPDX-License-Identifier: Apache-2.0 */
/* The known-answer checks: each case returns NULL when it holds, else why not. */
#include "crypto_test.h"

/* libsodium keeps the full Argon2 interface (secret key, associated data, lanes) inside;
 * RFC 9106's vector needs it, so this one test reaches in. */
#include <crypto_pwhash/argon2/argon2.h>

static uint8_t big[1024];     /* room for TEST 1024's message */

static const char *check_ed25519(const struct ed25519_vector *v)
{
	uint8_t seed[32], pk[32], want_pk[32], sk[64], sig[64], want_sig[64];
	long mlen = unhex(big, sizeof(big), v->message);
	if (unhex(seed, 32, v->secret) != 32 || unhex(want_pk, 32, v->public) != 32 ||
	    unhex(want_sig, 64, v->signature) != 64 || mlen < 0)
		return "bad vector hex";
	if (crypto_sign_seed_keypair(pk, sk, seed) != 0)
		return "seed_keypair failed";
	if (memcmp(pk, want_pk, 32) != 0)
		return "public key differs from the RFC";
	if (crypto_sign_detached(sig, NULL, big, (size_t)mlen, sk) != 0)
		return "sign failed";
	if (memcmp(sig, want_sig, 64) != 0)
		return "signature differs from the RFC";
	if (crypto_sign_verify_detached(want_sig, big, (size_t)mlen, pk) != 0)
		return "the RFC's signature does not verify";
	want_sig[0] ^= 1;
	if (crypto_sign_verify_detached(want_sig, big, (size_t)mlen, pk) == 0)
		return "a signature with one bit flipped verifies";
	want_sig[0] ^= 1;
	if (mlen > 0) {
		big[mlen - 1] ^= 0x80;
		if (crypto_sign_verify_detached(want_sig, big, (size_t)mlen, pk) == 0)
			return "the signature verifies a changed message";
	}
	return NULL;
}

static const char *check_ed25519ph(void)
{
	const struct ed25519_vector *v = &rfc8032_ed25519ph_abc;
	uint8_t seed[32], pk[32], sk[64], sig[64], want[64], msg[8];
	long mlen = unhex(msg, sizeof(msg), v->message);
	if (unhex(seed, 32, v->secret) != 32 || unhex(want, 64, v->signature) != 64 || mlen < 0)
		return "bad vector hex";
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_sign_state st;
	crypto_sign_init(&st);
	crypto_sign_update(&st, msg, (size_t)mlen);
	crypto_sign_final_create(&st, sig, NULL, sk);
	if (memcmp(sig, want, 64) != 0)
		return "signature differs from the RFC";
	crypto_sign_init(&st);
	crypto_sign_update(&st, msg, (size_t)mlen);
	if (crypto_sign_final_verify(&st, want, pk) != 0)
		return "the RFC's signature does not verify";
	return NULL;
}

static const char *check_argon2id_rfc9106(void)
{
	const struct argon2_vector *v = &rfc9106_argon2id;
	uint8_t pwd[32], salt[16], secret[8], ad[12], tag[32], want[32];
	memset(pwd, v->password_byte, v->password_len);
	memset(salt, v->salt_byte, v->salt_len);
	memset(secret, v->secret_byte, v->secret_len);
	memset(ad, v->ad_byte, v->ad_len);
	if (unhex(want, sizeof(want), v->tag) != 32)
		return "bad vector hex";
	argon2_context ctx = {
		.out = tag, .outlen = sizeof(tag),
		.pwd = pwd, .pwdlen = v->password_len,
		.salt = salt, .saltlen = v->salt_len,
		.secret = secret, .secretlen = v->secret_len,
		.ad = ad, .adlen = v->ad_len,
		.t_cost = v->t_cost, .m_cost = v->m_cost_kib,
		.lanes = v->lanes, .threads = v->lanes,
		.flags = ARGON2_DEFAULT_FLAGS,
	};
	int rc = argon2_ctx(&ctx, Argon2_id);
	if (rc != ARGON2_OK)
		return "argon2_ctx failed";
	if (memcmp(tag, want, sizeof(tag)) != 0)
		return "tag differs from the RFC";
	return NULL;
}

/* The encoded-string API the Identity service will use: p=1, a random salt. */
static const char *check_argon2id_str(void)
{
	static char str[crypto_pwhash_STRBYTES];
	const char *pw = "correct horse";
	if (crypto_pwhash_str_alg(str, pw, strlen(pw), 2, 1024 * 1024,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return "crypto_pwhash_str_alg failed";
	if (strncmp(str, "$argon2id$v=19$m=1024,t=2,p=1$", 30) != 0)
		return "unexpected encoding";
	if (crypto_pwhash_str_verify(str, pw, strlen(pw)) != 0)
		return "the right password is refused";
	if (crypto_pwhash_str_verify(str, "correct horsf", 13) == 0)
		return "a wrong password is accepted";
	return NULL;
}

/* RFC 7693 Appendix A: BLAKE2b-512("abc"). */
static const char *check_blake2b(void)
{
	uint8_t out[64], want[64];
	unhex(want, sizeof(want), "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
				  "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
	crypto_generichash(out, sizeof(out), (const uint8_t *)"abc", 3, NULL, 0);
	return memcmp(out, want, sizeof(out)) == 0 ? NULL : "digest differs from the RFC";
}

static const char *check_xchacha20poly1305(void)
{
	uint8_t key[32], nonce[24], ct[64 + 16], pt[64];
	const uint8_t msg[64] = "sealed with XChaCha20-Poly1305 under a key from orb_random";
	unsigned long long ctlen, ptlen;
	if (orb_random(key, sizeof(key)) != 0 || orb_random(nonce, sizeof(nonce)) != 0)
		return "orb_random failed";
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct, &ctlen, msg, sizeof(msg),
						   (const uint8_t *)"ad", 2, NULL, nonce, key);
	if (ctlen != sizeof(ct))
		return "wrong ciphertext length";
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, ctlen,
						       (const uint8_t *)"ad", 2, nonce, key) != 0 ||
	    ptlen != sizeof(msg) || memcmp(pt, msg, sizeof(msg)) != 0)
		return "round trip failed";
	ct[5] ^= 1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, ctlen,
						       (const uint8_t *)"ad", 2, nonce, key) == 0)
		return "a changed ciphertext decrypts";
	ct[5] ^= 1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &ptlen, NULL, ct, ctlen,
						       (const uint8_t *)"AD", 2, nonce, key) == 0)
		return "changed associated data is accepted";
	return NULL;
}

static const char *check_random(void)
{
	uint8_t a[64], b[64], zero[64] = { 0 };
	if (strcmp(randombytes_implementation_name(), "orbital") != 0)
		return "libsodium does not draw from orb_random";
	if (orb_random(a, sizeof(a)) != 0 || orb_random(b, sizeof(b)) != 0)
		return "orb_random refused";
	if (!memcmp(a, zero, 64) || !memcmp(b, zero, 64) || !memcmp(a, b, 64))
		return "two draws are zero or equal";
	/* past the reseed interval and across refills: still distinct blocks */
	static uint8_t many[3 << 19];
	for (int i = 0; i < 2; i++)
		if (orb_random(many, sizeof(many)) != 0)
			return "a long draw failed";
	if (!memcmp(many, many + 512, 64) || !memcmp(many, zero, 64))
		return "a long draw repeats itself";
	return NULL;
}

static const struct {
	const char *name;
	const char *(*fn)(void);
} checks[] = {
	{ "ed25519ph rfc8032 TEST abc", check_ed25519ph },
	{ "argon2id rfc9106 5.3", check_argon2id_rfc9106 },
	{ "argon2id encoded string", check_argon2id_str },
	{ "blake2b rfc7693 abc", check_blake2b },
	{ "xchacha20poly1305 round trip", check_xchacha20poly1305 },
	{ "orb_random", check_random },
};

static int report(const char *name, const char *why, int *passed)
{
	if (why) {
		orb_printf("crypto: FAIL %s: %s\n", name, why);
		return 1;
	}
	orb_printf("crypto: ok %s\n", name);
	(*passed)++;
	return 0;
}

int run_cases(int *passed)
{
	int failed = 0;
	char name[64];
	for (size_t i = 0; i < rfc8032_ed25519_count; i++) {
		snprintf(name, sizeof(name), "ed25519 rfc8032 %s", rfc8032_ed25519[i].name);
		failed += report(name, check_ed25519(&rfc8032_ed25519[i]), passed);
	}
	for (size_t i = 0; i < ORB_ARRAY_SIZE(checks); i++)
		failed += report(checks[i].name, checks[i].fn(), passed);
	return failed;
}
