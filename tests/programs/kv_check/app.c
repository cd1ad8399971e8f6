/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An application instance (namespace `app:<its name>`): it sees only its own keys —
 * not the System namespace's, not the other application's, whatever its keys look
 * like — may not ask for USAGE, and writes at the same time as the other instance.
 * kvapp-a also fills its namespace to the 10 MiB quota.
 */
#include "check.h"

static bool is_a(void)
{
	return !strcmp(ORB_SERVICE_NAME, "kvapp-a");
}

static int isolation(void)
{
	int failures = 0;
	char buf[64];
	uint64_t used = 1, limit = 0;
	CHECK(orb_storage_quota(&kv, &used, &limit) == 0 && used == 0 &&
	      limit == ORB_STORAGE_DEFAULT_QUOTA, "quota at start: %llu of %llu",
	      (unsigned long long)used, (unsigned long long)limit);
	CHECK(kv_count("", 100) == 0, "a new application's namespace is not empty");
	const long not_found = ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND);
	/* the System namespace's secret, under its own key and under namespaced spellings */
	static const char *const probes[] = { "secret", "system:secret", "system/secret",
					      ":secret", "app:system-kv-check:secret" };
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(probes); i++) {
		long rc = kv_get_str(probes[i], buf, sizeof(buf));
		CHECK(rc == not_found, "get %s: %ld '%s'", probes[i], rc, buf);
	}
	static orb_storage_usage_t items[4];
	bool more;
	long rc = orb_storage_usage(&kv, 0, items, 4, &more);
	CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_PERMISSION_DENIED), "USAGE: %ld", rc);
	/* its own "secret" is its own */
	CHECK(kv_set_str("secret", ORB_SERVICE_NAME, 0) == 0, "set own secret");
	CHECK(kv_holds("secret", ORB_SERVICE_NAME, strlen(ORB_SERVICE_NAME)), "own secret");
	CHECK(kv_set_str("mine", ORB_SERVICE_NAME, 0) == 0, "set mine");
	/* a key spelled as the other application's stored key is a key of ours */
	const char *other = is_a() ? "app:kvapp-b:mine" : "app:kvapp-a:mine";
	CHECK(kv_set_str(other, "forged", 0) == 0, "set %s", other);
	CHECK(kv_count("", 100) == 3, "own keys: %ld", kv_count("", 100));
	orb_printf(ORB_SERVICE_NAME ": isolation: the System secret unreadable by 5 spellings, "
		   "USAGE PermissionDenied, forged key names stay in app:" ORB_SERVICE_NAME
		   ": %s\n", VERDICT(failures));
	return failures;
}

/* A hand-made SET with a namespace appended, and one naming the other application in
 * a field of its own: Storage refuses both as malformed and stores nothing. */
static int forged(void)
{
	int failures = 0;
	static uint8_t msg[256];
	orb_msg_storage_set_t q = { .key = { "forged-ns", 9 }, .value = { (const uint8_t *)"x", 1 } };
	long n = orb_msg_storage_set_encode(msg, sizeof(msg), &q);
	const char *ns = is_a() ? "app:kvapp-b" : "system";
	memcpy(msg + n, ns, strlen(ns));
	orb_msg_t reply;
	long rc = kv_raw(ORB_MSG_STORAGE_SET, msg, (size_t)n + strlen(ns), &reply);
	orb_msg_error_t e = { 0 };
	CHECK(rc == 0 && reply.tag == ORB_MSG_ERROR &&
	      orb_msg_error_decode(reply.data, reply.len, &e) == 0 &&
	      e.code == ORB_ERROR_MALFORMED, "SET with a namespace appended: %ld tag %#x code %u",
	      rc, reply.tag, e.code);
	rc = kv_raw(ORB_MSG_STORAGE_QUOTA, ns, strlen(ns), &reply);
	CHECK(rc == 0 && reply.tag == ORB_MSG_ERROR, "QUOTA naming a namespace: tag %#x",
	      reply.tag);
	rc = kv_raw(0x70ff, NULL, 0, &reply);
	CHECK(rc == 0 && reply.tag == ORB_MSG_ERROR &&
	      orb_msg_error_decode(reply.data, reply.len, &e) == 0 &&
	      e.code == ORB_ERROR_UNKNOWN_REQUEST, "unknown tag: code %u", e.code);
	char buf[8];
	CHECK(kv_get_str("forged-ns", buf, sizeof(buf)) ==
	      ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND), "the malformed SET stored something");
	orb_printf(ORB_SERVICE_NAME ": forged: a namespace in the payload is refused as "
		   "malformed, nothing stored: %s\n", VERDICT(failures));
	return failures;
}

/* 300 values of 100..3999 bytes, written while the other application writes its own,
 * then read back. */
static int concurrent(void)
{
	int failures = 0;
	static uint8_t value[4000], back[4000];
	uint64_t salt = is_a() ? 0xA000 : 0xB000;
	for (int i = 0; i < 300; i++) {
		char key[16];
		snprintf(key, sizeof(key), "c/%03d", i);
		size_t len = 100 + (size_t)(i * 131) % 3900;
		kv_pattern(value, len, salt + (uint64_t)i);
		long rc = orb_storage_set(&kv, key, strlen(key), value, len, 0);
		CHECK(rc == 0, "set %s: %ld %s", key, rc, kv.reason);
	}
	int good = 0;
	for (int i = 0; i < 300; i++) {
		char key[16];
		snprintf(key, sizeof(key), "c/%03d", i);
		size_t len = 100 + (size_t)(i * 131) % 3900, got = 0;
		kv_pattern(value, len, salt + (uint64_t)i);
		long rc = orb_storage_get(&kv, key, strlen(key), back, sizeof(back), &got);
		good += rc == 0 && got == len && !memcmp(back, value, len);
	}
	CHECK(good == 300, "%d of 300 read back whole", good);
	CHECK(kv_count("c/", 50) == 300, "listed");
	char buf[16];
	CHECK(kv_get_str("mine", buf, sizeof(buf)) == 0 && !strcmp(buf, ORB_SERVICE_NAME),
	      "'mine' holds '%s'", buf);
	orb_printf(ORB_SERVICE_NAME ": concurrent: 300 values written beside the other "
		   "application, %d read back whole: %s\n", good, VERDICT(failures));
	return failures;
}

static int quota(void)
{
	int failures = 0;
	long n = kv_fill("fill/", 4000, 5000);   /* keys of 10 bytes: 4010 bytes each */
	uint64_t used = 0, limit = 0;
	CHECK(orb_storage_quota(&kv, &used, &limit) == 0, "quota");
	CHECK(n > 0 && used + 4010 > ORB_STORAGE_DEFAULT_QUOTA && used <= limit,
	      "%ld values, %llu bytes used, then QuotaExceeded", n, (unsigned long long)used);
	orb_printf(ORB_SERVICE_NAME ": quota: QuotaExceeded after %ld values, %llu of %llu "
		   "bytes: %s\n", n, (unsigned long long)used, (unsigned long long)limit,
		   VERDICT(failures));
	return failures;
}

int app_scenarios(void)
{
	int failures = isolation() + forged() + concurrent();
	if (is_a())
		failures += quota();
	return failures;
}
