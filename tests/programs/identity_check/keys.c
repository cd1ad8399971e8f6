/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Public keys: a user's Ed25519 key and login by challenge (with a replay, a stranger's
 * key and a challenge for someone else), service identities, SIGN. The host verifies the
 * printed signatures with Python's `cryptography`.
 */
#include "idcheck.h"

#define PW(s) s, sizeof(s) - 1

static void sign_challenge(const char *name, const uint8_t *challenge, const uint8_t *sk,
			   uint8_t sig[64])
{
	uint8_t msg[128];
	size_t len = orb_identity_challenge_message(name, challenge, msg, sizeof(msg));
	crypto_sign_detached(sig, NULL, msg, len, sk);
}

void key_cases(void)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64];
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	orb_identity_session_t s;
	expect_ok("alice logs in", orb_identity_login_password(&id, "alice", PW("alice-pw2"), &s));
	expect_ok("alice adds a public key", orb_identity_add_key(&id, s.token, pk));
	expect_err("the same key twice", orb_identity_add_key(&id, s.token, pk),
		   ORB_IDENTITY_ERR_ALREADY_EXISTS);
	uint8_t junk[32];
	memset(junk, 0xff, sizeof(junk));
	expect_err("a key that is no curve point", orb_identity_add_key(&id, s.token, junk),
		   ORB_IDENTITY_ERR_INVALID_REQUEST);

	uint8_t c[32], sig[64];
	uint64_t expires = 0;
	long rc = orb_identity_challenge(&id, "alice", c, &expires);
	check("a challenge", rc == 0 && expires > orb_now_ns(), rc);
	sign_challenge("alice", c, sk, sig);
	orb_identity_session_t k;
	rc = orb_identity_login_key(&id, "alice", c, sig, &k);
	check("login by public key", rc == 0 && is_token(k.token), rc);
	data_hex("user-key", pk, 32);
	data_hex("challenge", c, 32);
	data_hex("login-signature", sig, 64);
	expect_err("a replayed challenge is refused", orb_identity_login_key(&id, "alice", c, sig, &k),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	/* failed signature logins count towards the lockout: a good login resets the count */
	expect_ok("alice logs in", orb_identity_login_password(&id, "alice", PW("alice-pw2"), &s));

	orb_identity_challenge(&id, "alice", c, NULL);
	sign_challenge("alice", c, sk2, sig);
	expect_err("a key alice never added", orb_identity_login_key(&id, "alice", c, sig, &k),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_err("that challenge is used up too", orb_identity_login_key(&id, "alice", c, sig, &k),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	orb_identity_challenge(&id, "bob", c, NULL);
	sign_challenge("alice", c, sk, sig);
	expect_err("bob's challenge does not log alice in",
		   orb_identity_login_key(&id, "alice", c, sig, &k), ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	orb_identity_challenge(&id, "alice", c, NULL);
	sign_challenge("alice", c, sk, sig);
	c[0] ^= 1;
	expect_err("an altered challenge", orb_identity_login_key(&id, "alice", c, sig, &k),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(sk2, sizeof(sk2));
	expect_ok("alice logs in", orb_identity_login_password(&id, "alice", PW("alice-pw2"), &s));
}

char service_token[ORB_IDENTITY_TOKEN_BUF];
uint8_t service_key[32];

void service_cases(void)
{
	char token[ORB_IDENTITY_TOKEN_BUF], token2[ORB_IDENTITY_TOKEN_BUF];
	uint8_t pk[32], pk2[32], sig[64], spk[32];
	long rc = orb_identity_register(&id, "signer", NULL, token, pk);
	check("a service registers; Identity makes its key", rc == 0 && is_token(token), rc);
	static const char data[] = "signed by Identity for the service 'signer'";
	rc = orb_identity_sign(&id, token, data, sizeof(data) - 1, sig, spk);
	check("SIGN", rc == 0 && memcmp(spk, pk, 32) == 0, rc);
	data_hex("service-key", pk, 32);
	data_hex("signed", data, sizeof(data) - 1);
	data_hex("signature", sig, 64);
	check("the signature verifies here too",
	      crypto_sign_verify_detached(sig, (const uint8_t *)data, sizeof(data) - 1, pk) == 0, 0);

	orb_identity_who_t who;
	rc = orb_identity_verify(&id, token, &who);
	check("VERIFY a service token", rc == 0 && who.kind == ORB_IDENTITY_TYPE_SERVICE &&
						strcmp(who.id, "service:signer") == 0 &&
						who.roles == ORB_IDENTITY_ROLE_SYSTEM &&
						who.expires_at == 0, rc);
	bool known;
	check("has_role service:signer system",
	      orb_identity_has_role(&id, "service:signer", ORB_IDENTITY_ROLE_SYSTEM, &known) == 1,
	      0);

	rc = orb_identity_register(&id, "signer", NULL, token2, pk2);
	check("registering again: a new token, the same key",
	      rc == 0 && strcmp(token, token2) != 0 && memcmp(pk, pk2, 32) == 0, rc);
	expect_err("the old service token stops working",
		   orb_identity_sign(&id, token, data, 4, sig, spk), ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	expect_ok("the new one signs", orb_identity_sign(&id, token2, data, 4, sig, spk));
	memcpy(service_token, token2, sizeof(service_token));
	memcpy(service_key, pk, sizeof(service_key));

	orb_identity_session_t alice;
	orb_identity_login_password(&id, "alice", PW("alice-pw2"), &alice);
	expect_err("a user's session does not sign",
		   orb_identity_sign(&id, alice.token, data, 4, sig, spk),
		   ORB_IDENTITY_ERR_NOT_PERMITTED);
	static uint8_t big[ORB_IDENTITY_SIGN_MAX + 1];
	expect_err("more than SIGN_MAX bytes", orb_identity_sign(&id, token2, big, sizeof(big), sig,
								  spk),
		   ORB_IDENTITY_ERR_INVALID_REQUEST);
	expect_err("a service may not take a user's name",
		   orb_identity_register(&id, "alice", NULL, token, pk), ORB_IDENTITY_ERR_ALREADY_EXISTS);

	/* a service with its own key logs in by challenge; Identity does not sign for it */
	uint8_t own_pk[32], own_sk[64], c[32], lsig[64], msg[128];
	crypto_sign_keypair(own_pk, own_sk);
	rc = orb_identity_register(&id, "keyed", own_pk, token, pk);
	check("a service registers its own key", rc == 0 && memcmp(pk, own_pk, 32) == 0, rc);
	expect_err("then it cannot change that key",
		   orb_identity_register(&id, "keyed", pk2, token, pk), ORB_IDENTITY_ERR_ALREADY_EXISTS);
	orb_identity_challenge(&id, "keyed", c, NULL);
	size_t len = orb_identity_challenge_message("keyed", c, msg, sizeof(msg));
	crypto_sign_detached(lsig, NULL, msg, len, own_sk);
	orb_identity_session_t ks;
	rc = orb_identity_login_key(&id, "keyed", c, lsig, &ks);
	check("the service logs in by its key", rc == 0, rc);
	rc = orb_identity_verify(&id, ks.token, &who);
	check("its session is a service's", rc == 0 && who.kind == ORB_IDENTITY_TYPE_SERVICE, rc);
	expect_err("Identity does not sign for a key it does not hold",
		   orb_identity_sign(&id, ks.token, data, 4, sig, spk), ORB_IDENTITY_ERR_NOT_PERMITTED);
	sodium_memzero(own_sk, sizeof(own_sk));
}
