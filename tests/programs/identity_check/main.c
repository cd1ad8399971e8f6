/* SPDX-License-Identifier: Apache-2.0 */
/* The harness: find Identity, pick the scenarios for this process and machine, count. */
#include "idcheck.h"

orb_identity_t id;
static int passed, failed;

void check(const char *name, bool ok, long rc)
{
	if (ok) {
		passed++;
		orb_printf("idcheck: ok %s\n", name);
		return;
	}
	failed++;
	int code = orb_identity_error_code(rc);
	orb_printf("idcheck: FAIL %s: rc %ld (%s%s%s)\n", name, rc,
		   code >= 0 ? orb_identity_error_name((unsigned)code) : "not an IdentityError",
		   id.reason[0] ? ": " : "", id.reason);
}

void expect_ok(const char *name, long rc)
{
	check(name, rc >= 0, rc);
}

void expect_err(const char *name, long rc, unsigned code)
{
	check(name, orb_identity_error_code(rc) == (int)code, rc);
}

void data_hex(const char *key, const void *p, size_t n)
{
	char hex[2 * 2048 + 1];
	sodium_bin2hex(hex, sizeof(hex), p, n < 2048 ? n : 2048);
	orb_printf("idcheck: data %s=%s\n", key, hex);
}

bool is_token(const char *t)
{
	if (strlen(t) != ORB_IDENTITY_TOKEN_LEN)
		return false;
	for (const char *c = t; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

long raw_request(uint32_t tag, const void *payload, size_t len, uint32_t *code)
{
	orb_msg_t reply = { 0 };
	long rc = orb_call(id.ep, tag, payload, len, NULL, 0, &reply);
	if (rc < 0)
		return rc;
	orb_msg_error_t e;
	*code = reply.tag == ORB_MSG_ERROR && orb_msg_error_decode(reply.data, reply.len, &e) == 0
			? e.code : 0;
	return reply.tag;
}

int main(void)
{
	uint8_t probe[16];
	bool entropy = orb_random(probe, sizeof(probe)) == 0;
	/* sodium_init needs random bytes (its canary): without entropy it would end us */
	if ((entropy && sodium_init() < 0) || orb_identity_open(&id, ORB_CAP_NONE) < 0) {
		orb_printf("idcheck: FAIL start: no libsodium or no Identity service\n");
		return 1;
	}
	orb_send_ready();   /* init supervises it: ready at once, its work is the test */
	bool app = strcmp(ORB_SERVICE_NAME, "idapp") == 0;
	if (strcmp(ORB_SERVICE_NAME, "secretcheck") == 0) {
		rng_cases();
		secret_cases();
	}
	else if (!entropy)
		no_entropy_cases(!app);
	else if (app)
		application_cases();
	else if (storage_marked())
		reboot_cases();
	else {
		accounts_cases();
		key_cases();
		service_cases();
		hostile_cases();
		persist_cases(service_token, service_key);
	}
	orb_printf("idcheck: %s: %d passed, %d failed\n", ORB_SERVICE_NAME, passed, failed);
	orb_printf("idcheck: %s done\n", ORB_SERVICE_NAME);
	return failed ? 1 : 0;
}
