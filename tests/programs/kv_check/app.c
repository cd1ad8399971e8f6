/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An application instance (namespace `app:<its name>`): it sees only its own keys —
 * not the System namespace's, not the other application's, whatever its keys look
 * like — may not ask for USAGE, and writes at the same time as the other instance.
 * kvapp-a also fills its namespace to the 10 MiB quota.
 */
#include <orbital/transfer.h>

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

/* A raw request lending cap with rights (ORB_CAP_NONE: none); the MSG_ERROR code of the
 * answer, or 0 if it was no MSG_ERROR. */
static uint32_t lend_code(uint32_t tag, const void *msg, long n, orb_cptr_t cap, uint8_t rights)
{
	orb_msg_t reply;
	long rc = orb_request_lend(kv.ep, tag, msg, (size_t)n, cap, rights, &reply);
	orb_msg_error_t e = { 0 };
	if (rc == -ORB_EINVAL && reply.tag == ORB_MSG_ERROR &&
	    orb_msg_error_decode(reply.data, reply.len, &e) == 0)
		return e.code;
	return 0;
}

/* Shared ranges that do not hold: each request is refused as malformed, and nothing is
 * stored or changed. */
static int hostile_ranges(void)
{
	int failures = 0;
	static struct orb_xfer shm;
	CHECK(orb_xfer_create(&shm, 3 * 4096) == 0, "shared object");
	memset(shm.data, 'z', shm.size);
	static uint8_t msg[128];
	orb_msg_storage_set_t q = { .key = { "ranged", 6 }, .has_shared = 1,
				    .shared = { .offset = 0, .length = 5000 } };
	long n = orb_msg_storage_set_encode(msg, sizeof(msg), &q);
	const uint32_t bad = ORB_ERROR_MALFORMED;
	CHECK(lend_code(ORB_MSG_STORAGE_SET, msg, n, ORB_CAP_NONE, 0) == bad, "no capability");
	orb_cptr_t ep;
	CHECK(orb_ep_create(&ep) >= 0, "endpoint");
	CHECK(lend_code(ORB_MSG_STORAGE_SET, msg, n, ep, ORB_RIGHT_READ | ORB_RIGHT_WRITE) == bad,
	      "an endpoint for shared memory");
	orb_ep_destroy(ep);
	CHECK(lend_code(ORB_MSG_STORAGE_SET, msg, n, shm.shm, ORB_RIGHT_WRITE) == bad,
	      "a range lent without R");
	q.shared = (orb_shared_range_t){ .offset = 2 * 4096, .length = 5000 };
	n = orb_msg_storage_set_encode(msg, sizeof(msg), &q);
	CHECK(lend_code(ORB_MSG_STORAGE_SET, msg, n, shm.shm, ORB_RIGHT_READ) == bad,
	      "a range past the object's end");
	q.shared = (orb_shared_range_t){ .offset = ~0ull - 10, .length = 5000 };
	n = orb_msg_storage_set_encode(msg, sizeof(msg), &q);
	CHECK(lend_code(ORB_MSG_STORAGE_SET, msg, n, shm.shm, ORB_RIGHT_READ) == bad,
	      "a range whose end wraps");
	q.shared = (orb_shared_range_t){ .offset = 0, .length = 5000 };
	q.value = (orb_bytes_t){ (const uint8_t *)"inline too", 10 };
	n = orb_msg_storage_set_encode(msg, sizeof(msg), &q);
	CHECK(lend_code(ORB_MSG_STORAGE_SET, msg, n, shm.shm, ORB_RIGHT_READ) == bad,
	      "a value both inline and shared");
	char buf[8];
	CHECK(kv_get_str("ranged", buf, sizeof(buf)) == ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND),
	      "a refused SET stored a value");
	/* a large value asked for into memory lent read-only */
	static uint8_t value[6000];
	kv_pattern(value, sizeof(value), 5);
	CHECK(orb_storage_set(&kv, "ranged", 6, value, sizeof(value), 0) == 0, "set 6000");
	orb_msg_storage_get_t g = { .key = { "ranged", 6 }, .has_into = 1,
				    .into = { .offset = 0, .length = shm.size } };
	n = orb_msg_storage_get_encode(msg, sizeof(msg), &g);
	memset(shm.data, 'z', shm.size);
	CHECK(lend_code(ORB_MSG_STORAGE_GET, msg, n, shm.shm, ORB_RIGHT_READ) == bad,
	      "GET into read-only memory");
	CHECK(shm.data[0] == 'z' && shm.data[5999] == 'z', "read-only memory was written");
	CHECK(kv_holds("ranged", value, sizeof(value)), "the value after the refusals");
	orb_xfer_destroy(&shm);
	orb_printf(ORB_SERVICE_NAME ": hostile ranges: no capability, an endpoint, no R, past "
		   "the end, wrapping, both inline and shared, GET into read-only memory: all "
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

/* Values around the size one answer carries, and up to 1 MiB, through shared memory. */
static int large(void)
{
	int failures = 0;
	uint8_t *value = kv_scratch(0), *back = kv_scratch(1);
	static const size_t sizes[] = { 4060, 4077, 4078, 4096, 4097, 65536, 1000000,
					ORB_STORAGE_MAX_VALUE_SIZE - 1, ORB_STORAGE_MAX_VALUE_SIZE };
	int good = 0;
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(sizes); i++) {
		char key[16];
		snprintf(key, sizeof(key), "big/%u", i);
		kv_pattern(value, sizes[i], 77 + i);
		long rc = orb_storage_set(&kv, key, strlen(key), value, sizes[i], 0);
		CHECK(rc == 0, "set %zu bytes: %ld %s", sizes[i], rc, kv.reason);
		size_t got = 0;
		memset(back, 0, sizes[i]);
		rc = orb_storage_get(&kv, key, strlen(key), back, ORB_STORAGE_MAX_VALUE_SIZE, &got);
		CHECK(rc == 0 && got == sizes[i], "get %zu bytes: %ld, %zu", sizes[i], rc, got);
		good += rc == 0 && got == sizes[i] && !memcmp(back, value, sizes[i]);
		if (sizes[i] > 4096) {   /* a buffer one byte short is told the size */
			rc = orb_storage_get(&kv, key, strlen(key), back, sizes[i] - 1, &got);
			CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE) &&
			      got == sizes[i], "short buffer for %zu: %ld %zu", sizes[i], rc, got);
		}
	}
	CHECK(good == (int)ORB_ARRAY_SIZE(sizes), "%d values read back whole", good);
	orb_printf(ORB_SERVICE_NAME ": large: %d values of 4060 bytes to 1 MiB stored and read "
		   "back whole: %s\n", good, VERDICT(failures));
	return failures;
}

static int quota(void)
{
	int failures = 0;
	size_t size = ORB_STORAGE_MAX_VALUE_SIZE - 10;   /* keys of 10 bytes: 1 MiB each */
	long n = kv_fill("fill/", size, 20);
	uint64_t used = 0, limit = 0;
	CHECK(orb_storage_quota(&kv, &used, &limit) == 0, "quota");
	CHECK(n > 0 && used + size + 10 > ORB_STORAGE_DEFAULT_QUOTA && used <= limit,
	      "%ld values, %llu bytes used, then QuotaExceeded", n, (unsigned long long)used);
	orb_printf(ORB_SERVICE_NAME ": quota: QuotaExceeded after %ld values, %llu of %llu "
		   "bytes: %s\n", n, (unsigned long long)used, (unsigned long long)limit,
		   VERDICT(failures));
	return failures;
}

int app_scenarios(void)
{
	int failures = isolation() + forged() + hostile_ranges() + concurrent();
	if (is_a())
		failures += large() + quota();
	return failures;
}
