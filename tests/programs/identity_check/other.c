/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scenarios of other callers and machines: an Application (idapp), which may not
 * register a service or create the first user and meets its own rate limit; a machine
 * with no entropy source, where Identity refuses everything that would issue a secret
 * and says why, while VERIFY still answers; and secretcheck, which the image gives a
 * SECRET capability (as it gives Identity) to check secret_read itself.
 */
#include "idcheck.h"

#define PW(s) s, sizeof(s) - 1

void application_cases(void)
{
	char token[ORB_IDENTITY_TOKEN_BUF];
	uint8_t pk[32], c[32];
	expect_err("an Application may not register a service",
		   orb_identity_register(&id, "appsvc", NULL, token, pk),
		   ORB_IDENTITY_ERR_NOT_PERMITTED);
	expect_err("an Application may not create a user without a session",
		   orb_identity_create_user(&id, "", "appuser", PW("pw"), ORB_IDENTITY_ROLE_USER),
		   ORB_IDENTITY_ERR_NOT_PERMITTED);
	/* a burst of challenges: this caller's limit, not anyone else's */
	int allowed = 0;
	long rc = 0;
	for (int i = 0; i < 400 && rc == 0; i++)
		if ((rc = orb_identity_challenge(&id, "alice", c, NULL)) == 0)
			allowed++;
	uint32_t wait = id.retry_after_ms;
	check("a burst meets the per-caller rate limit",
	      orb_identity_error_code(rc) == ORB_IDENTITY_ERR_RATE_LIMITED && wait > 0, rc);
	orb_printf("idcheck: data rate-allowed=%d rate-retry-ms=%u\n", allowed, wait);
	orb_sleep_ms(wait + 50);
	expect_ok("after the wait one more is allowed", orb_identity_challenge(&id, "alice", c,
									       NULL));
}

void no_entropy_cases(bool system)
{
	orb_printf("idcheck: no entropy source on this machine\n");
	char token[ORB_IDENTITY_TOKEN_BUF];
	uint8_t pk[32], c[32];
	if (system) {   /* what only a System process could otherwise do */
		long rc = orb_identity_create_user(&id, "", "admin", PW("admin-pw"),
						   ORB_IDENTITY_ROLE_ADMIN);
		expect_err("no user without entropy (no salt)", rc, ORB_IDENTITY_ERR_UNAVAILABLE);
		orb_printf("idcheck: data refusal=%s\n", id.reason);
		expect_err("no service key without entropy",
			   orb_identity_register(&id, "svc", NULL, token, pk),
			   ORB_IDENTITY_ERR_UNAVAILABLE);
	}
	expect_err("no challenge without entropy", orb_identity_challenge(&id, "admin", c, NULL),
		   ORB_IDENTITY_ERR_UNAVAILABLE);
	orb_identity_who_t who;
	expect_err("VERIFY still answers",
		   orb_identity_verify(&id, "0123456789abcdef0123456789abcdef0123456789abcdef"
					    "0123456789abcdef", &who),
		   ORB_IDENTITY_ERR_BAD_CREDENTIALS);
}

void secret_cases(void)
{
	static orb_cap_info_t caps[16];
	long n = orb_cap_list(caps, sizeof(caps));
	orb_cptr_t cap = ORB_CAP_NONE;
	for (long i = 0; i < n && i < 16; i++)
		if (caps[i].object_type == ORB_OBJ_SECRET)
			cap = caps[i].slot;
	uint8_t key[64];
	check("the image gave this program a SECRET capability", cap != ORB_CAP_NONE, 0);
	check("secret_read on another kind of capability: EBADF",
	      orb_secret_read(ORB_SLOT_SELF, key, 32) == -ORB_EBADF, 0);
	long rc = orb_secret_read(cap, key, sizeof(key));
	if (rc == -ORB_ENOENT) {
		orb_printf("idcheck: this machine has no secret\n");
		return;
	}
	check("secret_read gives 32 bytes", rc == ORB_SECRET_KEY_SIZE, rc);
	data_hex("machine-key", key, ORB_SECRET_KEY_SIZE);
	check("a buffer of 31 bytes: EOVERFLOW", orb_secret_read(cap, key, 31) == -ORB_EOVERFLOW, 0);
	check("a NULL buffer: EINVAL", orb_secret_read(cap, NULL, 32) == -ORB_EINVAL, 0);
	check("a kernel address: EINVAL",
	      orb_secret_read(cap, (void *)0xffffffff80100000ull, 32) == -ORB_EINVAL, 0);
	uint8_t again[32];
	check("the same key every time", orb_secret_read(cap, again, 32) == 32 &&
						  memcmp(again, key, 32) == 0, 0);
}
