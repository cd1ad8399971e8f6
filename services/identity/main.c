/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Identity's start: the entropy check (which starts libsodium), the store (Storage or memory) and its
 * records, one line with the parameters in force — marked TEST-ONLY when an image lowered
 * any of the spec's (IDENTITY_* cflags) — then the service loop as "identity".
 */
#include "identity.h"

static bool spec_parameters(void)
{
	return IDENTITY_ARGON2_T == 3 && IDENTITY_ARGON2_M_KIB == 65536 &&
	       IDENTITY_SESSION_S == ORB_IDENTITY_SESSION_DURATION_S;
}

static const struct orb_service service = {
	.type = "identity",
	.version = ORB_SERVICE_VERSION,
	.handle = identity_handle,
	.threads = IDENTITY_THREADS,
};

int main(void)
{
	struct id_error e;
	(void)random_bytes(NULL, 0, &e);   /* says so now if there is no entropy source */
	store_open();
	store_load();
	orb_printf("identity: %sArgon2id t=%u m=%u KiB p=1, sessions %u s, refresh %u s, lockout "
		   "after %u failures for %u s, %u logins per caller then 1 per %u ms; libsodium "
		   "%s\n", spec_parameters() ? "" : "TEST-ONLY parameters: ",
		   (unsigned)IDENTITY_ARGON2_T, (unsigned)IDENTITY_ARGON2_M_KIB,
		   (unsigned)IDENTITY_SESSION_S, (unsigned)IDENTITY_REFRESH_S,
		   (unsigned)IDENTITY_LOCKOUT_FAILURES, (unsigned)IDENTITY_LOCKOUT_S,
		   (unsigned)IDENTITY_RATE_BURST, (unsigned)IDENTITY_RATE_INTERVAL_MS,
		   sodium_version_string());
	return orb_service_run(&service);
}
