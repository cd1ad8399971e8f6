/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The System instance (namespace `system`, quota 1 MiB): first the secret the
 * applications must not see (then it says ready and they start), then, while they run,
 * the calls and their answers, every StorageError it can cause, LIST paging, the quota
 * and TTL expiry, and last the USAGE view of every namespace once they are done.
 */
#include "check.h"

static int basics(void)
{
	int failures = 0;
	char buf[64];
	CHECK(kv_set_str("greeting", "hello", 0) == 0, "set: %s", kv.reason);
	CHECK(kv_holds("greeting", "hello", 5), "get after set");
	CHECK(kv_set_str("greeting", "hello again", 0) == 0, "overwrite");
	CHECK(kv_holds("greeting", "hello again", 11), "get after overwrite");
	bool existed = false;
	CHECK(orb_storage_delete(&kv, "greeting", 8, &existed) == 0 && existed, "delete");
	CHECK(orb_storage_delete(&kv, "greeting", 8, &existed) == 0 && !existed,
	      "second delete existed");
	long rc = kv_get_str("greeting", buf, sizeof(buf));
	CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND), "get after delete: %ld", rc);
	/* keys are bytes: the empty key, NUL and 0xFF inside; the empty value */
	CHECK(orb_storage_set(&kv, "", 0, "empty key", 9, 0) == 0, "empty key");
	CHECK(orb_storage_set(&kv, "a\0\xff", 3, "", 0, 0) == 0, "binary key, empty value");
	size_t len = 99;
	CHECK(orb_storage_get(&kv, "", 0, buf, sizeof(buf), &len) == 0 && len == 9 &&
	      !memcmp(buf, "empty key", 9), "empty key read back");
	CHECK(orb_storage_get(&kv, "a\0\xff", 3, buf, sizeof(buf), &len) == 0 && len == 0,
	      "binary key read back");
	CHECK(orb_storage_get(&kv, "a", 1, buf, sizeof(buf), &len) ==
	      ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND), "a prefix of a key is not the key");
	CHECK(orb_storage_delete(&kv, "", 0, &existed) == 0 && existed, "delete empty key");
	CHECK(orb_storage_delete(&kv, "a\0\xff", 3, &existed) == 0 && existed, "delete binary");
	orb_printf(ORB_SERVICE_NAME ": basics: set, get, overwrite, delete, binary keys: %s\n",
		   VERDICT(failures));
	return failures;
}

static int errors(void)
{
	int failures = 0;
	static char key[300];
	memset(key, 'k', sizeof(key));
	const long too_long = ORB_STORAGE_E(ORB_STORAGE_ERR_KEY_TOO_LONG);
	char buf[8];
	size_t len;
	bool existed;
	static orb_storage_keys_t keys;
	CHECK(orb_storage_set(&kv, key, 256, "v", 1, 0) == 0, "a 256-byte key: %s", kv.reason);
	CHECK(orb_storage_get(&kv, key, 256, buf, sizeof(buf), &len) == 0 && len == 1,
	      "get a 256-byte key");
	CHECK(orb_storage_set(&kv, key, 257, "v", 1, 0) == too_long, "set: 257-byte key");
	CHECK(orb_storage_get(&kv, key, 257, buf, sizeof(buf), &len) == too_long,
	      "get: 257-byte key");
	CHECK(orb_storage_delete(&kv, key, 257, &existed) == too_long, "delete: 257-byte key");
	CHECK(orb_storage_list(&kv, key, 257, NULL, 0, 10, &keys) == 0 && !keys.more,
	      "a 257-byte prefix lists nothing");
	CHECK(orb_storage_delete(&kv, key, 256, &existed) == 0 && existed, "delete 256");
	long rc = orb_storage_get(&kv, "never-set", 9, buf, sizeof(buf), &len);
	CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND), "missing key: %ld", rc);
	/* a value larger than the caller's buffer says how large it is */
	CHECK(kv_set_str("twelve", "twelve bytes", 0) == 0, "set twelve");
	rc = orb_storage_get(&kv, "twelve", 6, buf, sizeof(buf), &len);
	CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE) && len == 12,
	      "small buffer: %ld, %zu", rc, len);
	CHECK(orb_storage_delete(&kv, "twelve", 6, &existed) == 0, "delete twelve");
	/* sizes past a message go through shared memory; the service judges them */
	uint8_t *big = kv_scratch(0);
	memset(big, 0, KV_SCRATCH);
	rc = orb_storage_set(&kv, "huge", 4, big, KV_SCRATCH, 0);
	CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE), "1 MiB + 1: %ld", rc);
	rc = orb_storage_set(&kv, key, 257, big, 100000, 0);
	CHECK(rc == too_long, "a 257-byte key with a shared value: %ld", rc);
	rc = orb_storage_set(&kv, "huge", 4, big, ORB_STORAGE_MAX_VALUE_SIZE, 0);
	CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_QUOTA_EXCEEDED), "1 MiB in system: %ld", rc);
	/* PermissionDenied comes from the applications (USAGE); BackendError from damage */
	orb_printf(ORB_SERVICE_NAME ": errors: KeyTooLong at 257 bytes, NotFound, "
		   "ValueTooLarge for a small buffer and at 1 MiB + 1, QuotaExceeded at 1 MiB: "
		   "%s\n", VERDICT(failures));
	return failures;
}

static int quota(void)
{
	int failures = 0;
	uint64_t used = 1, limit = 0, before = SECRET_BYTES;   /* the secret is stored */
	CHECK(orb_storage_quota(&kv, &used, &limit) == 0 && used == before &&
	      limit == ORB_STORAGE_SYSTEM_QUOTA, "quota at start: %llu of %llu",
	      (unsigned long long)used, (unsigned long long)limit);
	long n = kv_fill("q/", 4000, 1000);   /* keys of 7 bytes: 4007 bytes each */
	CHECK(n == (long)((ORB_STORAGE_SYSTEM_QUOTA - before) / 4007),
	      "%ld values before QuotaExceeded", n);
	CHECK(orb_storage_quota(&kv, &used, &limit) == 0 && used == before + (uint64_t)n * 4007,
	      "used %llu after %ld values", (unsigned long long)used, n);
	/* what is left still takes a value that fits exactly */
	uint64_t left = limit - used;
	static uint8_t value[4096];
	CHECK(left > 8 && orb_storage_set(&kv, "q/last", 6, value, left - 6, 0) == 0,
	      "the last %llu bytes: %s", (unsigned long long)left, kv.reason);
	CHECK(orb_storage_set(&kv, "q/more", 6, "", 0, 0) ==
	      ORB_STORAGE_E(ORB_STORAGE_ERR_QUOTA_EXCEEDED), "a full namespace took 6 more bytes");
	CHECK(orb_storage_quota(&kv, &used, &limit) == 0 && used == limit, "full: %llu",
	      (unsigned long long)used);
	long gone = kv_delete_prefix("q/");
	CHECK(gone == n + 1, "deleted %ld of %ld", gone, n + 1);
	CHECK(orb_storage_quota(&kv, &used, &limit) == 0 && used == before,
	      "used after delete: %llu", (unsigned long long)used);
	orb_printf(ORB_SERVICE_NAME ": quota: %ld values of 4007 bytes beside the secret, then "
		   "QuotaExceeded at %u bytes; usage back to the secret's: %s\n", n,
		   (unsigned)ORB_STORAGE_SYSTEM_QUOTA, VERDICT(failures));
	return failures;
}

/* List keys are 24 bytes, so 300 of them do not fit one answer. */
static void list_key(char *key, size_t cap, int i)
{
	snprintf(key, cap, "list/%03d-abcdefghijklmno", i);
}

static int listing(void)
{
	int failures = 0;
	for (int i = 0; i < 300; i++) {
		char key[32];
		list_key(key, sizeof(key), (i * 7) % 300);   /* stored out of order */
		CHECK(kv_set_str(key, "x", 0) == 0, "set %s", key);
	}
	CHECK(kv_set_str("lisu", "not under list/", 0) == 0, "set lisu");
	static orb_storage_keys_t k;
	long n = orb_storage_list(&kv, "list/", 5, NULL, 0, 1000, &k);
	CHECK(n > 0 && n < 300 && k.more, "one page of 300 keys: %ld, more %d", n, k.more);
	/* pages of 50 with the cursor: every key once, in byte order */
	int seen = 0, pages = 0;
	char last[32] = "";
	bool first = true;
	uint8_t cursor[ORB_STORAGE_MAX_KEY_LENGTH];
	size_t cursor_len = 0;
	for (; pages < 20; pages++) {
		n = orb_storage_list(&kv, "list/", 5, first ? NULL : cursor, cursor_len, 50, &k);
		CHECK(n == 50, "page %d: %ld keys", pages, n);
		size_t pos = 0, len;
		const uint8_t *key;
		while (orb_storage_next_key(&k, &pos, &key, &len)) {
			char want[32];
			list_key(want, sizeof(want), seen);
			CHECK(len == strlen(want) && !memcmp(key, want, len), "key %d out of order",
			      seen);
			memcpy(last, key, len < 31 ? len : 31);
			seen++;
		}
		if (!k.more)
			break;
		CHECK(k.next_cursor_len == strlen(last) && !memcmp(k.next_cursor, last,
								     k.next_cursor_len),
		      "the cursor is not the page's last key");
		first = false;
		cursor_len = k.next_cursor_len;
		memcpy(cursor, k.next_cursor, cursor_len);
	}
	CHECK(seen == 300 && pages == 5, "%d keys in %d pages", seen, pages + 1);
	CHECK(orb_storage_list(&kv, "list/", 5, NULL, 0, 0, &k) == 0 && !k.more,
	      "limit 0 lists nothing");
	CHECK(orb_storage_list(&kv, "list/29", 7, NULL, 0, 100, &k) == 10 && !k.more,
	      "prefix list/29: %u", k.count);
	char key298[32];
	list_key(key298, sizeof(key298), 298);
	CHECK(orb_storage_list(&kv, "list/", 5, key298, strlen(key298), 100, &k) == 1 &&
	      !k.more, "after list/298: %u", k.count);
	CHECK(orb_storage_list(&kv, "list/", 5, "list/2985", 9, 100, &k) == 1,
	      "after a cursor that is no key");
	CHECK(kv_count("lis", 1000) == 301, "prefix lis");
	CHECK(kv_delete_prefix("list/") == 300, "delete list/");
	bool existed;
	CHECK(orb_storage_delete(&kv, "lisu", 4, &existed) == 0 && existed, "delete lisu");
	CHECK(kv_count("", 1000) == 1, "only the secret left");
	orb_printf(ORB_SERVICE_NAME ": list: 300 keys in byte order, pages of 50 by cursor, "
		   "prefix and limit: %s\n", VERDICT(failures));
	return failures;
}

int system_first(void)
{
	int failures = 0;
	CHECK(kv_set_str("secret", SYSTEM_SECRET, 0) == 0, "set secret");
	return failures;
}

static int ttl(void)
{
	int failures = 0;
	uint64_t before, after, limit;
	CHECK(orb_storage_quota(&kv, &before, &limit) == 0, "quota");
	CHECK(kv_set_str("brief", "gone soon", 1) == 0, "set with ttl 1");
	CHECK(kv_set_str("longer", "stays", 3600) == 0, "set with ttl 3600");
	CHECK(kv_holds("brief", "gone soon", 9), "a fresh ttl value reads back");
	CHECK(orb_storage_quota(&kv, &after, &limit) == 0 && after == before + 5 + 9 + 6 + 5,
	      "usage with both");
	orb_sleep_ms(1300);
	char buf[16];
	long rc = kv_get_str("brief", buf, sizeof(buf));
	CHECK(rc == ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND), "after 1.3 s: %ld", rc);
	CHECK(kv_holds("longer", "stays", 5), "ttl 3600 still there");
	CHECK(kv_count("brief", 10) == 0, "an expired key is not listed");
	CHECK(orb_storage_quota(&kv, &after, &limit) == 0 && after == before + 6 + 5,
	      "usage after expiry: %llu", (unsigned long long)after);
	bool existed;
	CHECK(orb_storage_delete(&kv, "longer", 6, &existed) == 0 && existed, "delete longer");
	orb_printf(ORB_SERVICE_NAME ": ttl: a 1 s value gone after 1.3 s, unlisted, uncounted: "
		   "%s\n", VERDICT(failures));
	return failures;
}

/* Wait until no process of these names is listed (the applications are done). */
static bool wait_gone(const char *a, const char *b, uint64_t timeout_ms)
{
	static orb_proc_entry_t procs[64];
	for (uint64_t t = 0; t < timeout_ms; t += 50) {
		long n = orb_process_list(procs, sizeof(procs));
		bool any = false;
		for (long i = 0; i < n && i < 64; i++)
			any |= !strcmp((const char *)procs[i].name, a) ||
			       !strcmp((const char *)procs[i].name, b);
		if (!any)
			return true;
		orb_sleep_ms(50);
	}
	return false;
}

static int usage(void)
{
	int failures = 0;
	CHECK(wait_gone("kvapp-a", "kvapp-b", 120000), "the applications did not finish");
	char buf[32];
	CHECK(kv_get_str("secret", buf, sizeof(buf)) == 0 && !strcmp(buf, SYSTEM_SECRET),
	      "the System secret changed: '%s'", buf);
	static orb_storage_usage_t items[32];
	bool more = true;
	long n = orb_storage_usage(&kv, 0, items, 32, &more);
	CHECK(n >= 3 && !more, "usage: %ld namespaces", n);
	int found = 0;
	for (long i = 0; i < n; i++) {
		const char *name = (const char *)items[i].name;
		orb_printf(ORB_SERVICE_NAME ": usage: %s %llu of %llu bytes, %llu keys\n", name,
			   (unsigned long long)items[i].used, (unsigned long long)items[i].quota,
			   (unsigned long long)items[i].keys);
		if (!strcmp(name, "system")) {
			found++;
			CHECK(items[i].used == 6 + strlen(SYSTEM_SECRET) && items[i].keys == 1 &&
			      items[i].quota == ORB_STORAGE_SYSTEM_QUOTA, "system usage");
		} else if (!strcmp(name, "app:kvapp-a") || !strcmp(name, "app:kvapp-b")) {
			found++;
			CHECK(items[i].quota == ORB_STORAGE_DEFAULT_QUOTA && items[i].keys > 0,
			      "%s usage", name);
		}
	}
	CHECK(found == 3, "found %d of the 3 namespaces", found);
	n = orb_storage_usage(&kv, 1, items, 32, &more);
	CHECK(n >= 2, "usage from namespace 1: %ld", n);
	orb_printf(ORB_SERVICE_NAME ": usage: every namespace's figures; the System secret "
		   "untouched by the applications: %s\n", VERDICT(failures));
	return failures;
}

int system_last(void)
{
	return basics() + errors() + quota() + listing() + ttl() + usage();
}
