/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records at rest, seen from the outside: Identity's values in Storage (this program is a
 * System process, so its namespace is Identity's, `system`) are sealed — a clear header,
 * then nothing of the user in the clear — and survive a restart of Identity: init
 * restarts it, and the user, her password and public key, and the service with its key
 * and token are all still there. Sessions are not (they live in memory, D245).
 *
 * The first boot on a disk leaves `idcheck/ran` in Storage; a later boot on the same disk
 * finds it and only reports what Identity still knows (reboot_cases), for the host to
 * judge: everything with the disk's own machine secret, nothing with another.
 */
#include <orbital/storage.h>

#include "idcheck.h"

#define PW(s) s, sizeof(s) - 1

#define MARK "idcheck/ran"

static orb_storage_t st;
static bool have_storage;

bool storage_marked(void)
{
	size_t len;
	have_storage = orb_storage_open(&st, ORB_CAP_NONE) == 0;
	return have_storage &&
	       orb_storage_get(&st, MARK, strlen(MARK), NULL, 0, &len) ==
		       ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE);
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t m)
{
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return true;
	return false;
}

static void sealed_at_rest(const uint8_t *service_key)
{
	static uint8_t v[1024];
	size_t len = 0;
	long rc = orb_storage_get(&st, "identity/user/alice", 19, v, sizeof(v), &len);
	size_t want = sizeof(orb_identity_sealed_t) + sizeof(orb_identity_user_t) +
		      ORB_IDENTITY_SEAL_TAG_SIZE;
	check("alice's record is in Storage, sealed to its size", rc == 0 && len == want, rc);
	orb_identity_sealed_t h;
	memcpy(&h, v, sizeof(h));
	check("its clear header says what it is and nothing more",
	      h.magic == ORB_IDENTITY_SEALED_MAGIC && h.version == ORB_IDENTITY_SEALED_VERSION &&
		      h.kind == ORB_IDENTITY_RECORD_USER, 0);
	check("no name in the clear", !contains(v, len, "alice", 5), 0);
	data_hex("stored-alice", v, len);
	rc = orb_storage_get(&st, "identity/service/signer", 23, v, sizeof(v), &len);
	check("the service's record holds no key in the clear",
	      rc == 0 && !contains(v, len, service_key, 32) && !contains(v, len, "signer", 6), rc);
}

/* Restart Identity through init's supervision API and wait for the new instance. */
static long restart_identity(void)
{
	uint8_t buf[64];
	orb_msg_svc_status_t q = { .name = { .ptr = "identity", .len = 8 } };
	long n = orb_msg_svc_status_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	long rc = orb_request(ORB_SLOT_INIT, ORB_MSG_SVC_RESTART, buf, (size_t)n, &reply);
	orb_msg_svc_response_t r;
	if (rc < 0 || orb_msg_svc_response_decode(reply.data, reply.len, &r) < 0)
		return rc < 0 ? rc : -ORB_EINVAL;
	return r.status;
}

void persist_cases(const char *service_token, const uint8_t *service_key)
{
	size_t len;
	if (!have_storage || orb_storage_get(&st, "identity/keycheck", 17, NULL, 0, &len) !=
				     ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE)) {
		orb_printf("idcheck: Identity keeps nothing in Storage (no machine secret?): no "
			   "persistence cases\n");
		return;
	}
	sealed_at_rest(service_key);
	orb_identity_session_t before;
	orb_identity_login_password(&id, "alice", PW("alice-pw2"), &before);
	expect_ok("init restarts Identity", restart_identity());
	orb_identity_session_t s;
	long rc = -1;
	for (int i = 0; i < 100 && rc < 0; i++) {   /* the new instance reads its records */
		rc = orb_identity_login_password(&id, "alice", PW("alice-pw2"), &s);
		if (rc < 0)
			orb_sleep_ms(20);
	}
	check("after a restart alice logs in with her password", rc == 0, rc);
	orb_identity_who_t who;
	expect_err("sessions end with the instance", orb_identity_verify(&id, before.token, &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
	uint8_t sig[64], pk[32];
	static const char data[] = "after a restart";
	rc = orb_identity_sign(&id, service_token, data, sizeof(data) - 1, sig, pk);
	check("the service token and key survive", rc == 0 && memcmp(pk, service_key, 32) == 0 &&
		  crypto_sign_verify_detached(sig, (const uint8_t *)data, sizeof(data) - 1, pk) == 0,
	      rc);
	bool known;
	check("roles survive", orb_identity_has_role(&id, "admin", ORB_IDENTITY_ROLE_ADMIN,
						     &known) == 1, 0);
	uint8_t c[32];
	rc = orb_identity_challenge(&id, "alice", c, NULL);
	expect_ok("a challenge from the new instance", rc);
	expect_ok("remember this disk", orb_storage_set(&st, MARK, strlen(MARK), "1", 1, 0));
}

static void report(const char *what, long rc)
{
	int code = orb_identity_error_code(rc);
	orb_printf("idcheck: data %s=%s\n", what, rc == 0 ? "ok" : code >= 0
			   ? orb_identity_error_name((unsigned)code) : "error");
}

void reboot_cases(void)
{
	orb_printf("idcheck: a later boot on the same disk\n");
	orb_identity_session_t s;
	report("reboot-alice", orb_identity_login_password(&id, "alice", PW("alice-pw2"), &s));
	bool known = false;
	long has = orb_identity_has_role(&id, "admin", ORB_IDENTITY_ROLE_ADMIN, &known);
	orb_printf("idcheck: data reboot-admin=%s\n", has == 1 && known ? "admin" : "unknown");
	char token[ORB_IDENTITY_TOKEN_BUF];
	uint8_t pk[32], pk2[32], sig[64];
	long rc = orb_identity_register(&id, "signer", NULL, token, pk);
	report("reboot-register", rc);
	static const char data[] = "signed after a reboot";
	if (rc == 0 && orb_identity_sign(&id, token, data, sizeof(data) - 1, sig, pk2) == 0) {
		data_hex("reboot-signer-key", pk, 32);
		data_hex("reboot-signature", sig, 64);
	}
}
