/* SPDX-License-Identifier: Apache-2.0 */
#include "check.h"

long kv_set_str(const char *key, const char *value, uint32_t ttl)
{
	return orb_storage_set(&kv, key, strlen(key), value, strlen(value), ttl);
}

long kv_get_str(const char *key, char *buf, size_t cap)
{
	size_t len = 0;
	long rc = orb_storage_get(&kv, key, strlen(key), buf, cap - 1, &len);
	buf[rc == 0 ? len : 0] = '\0';
	return rc;
}

bool kv_holds(const char *key, const void *value, size_t len)
{
	static uint8_t buf[8192];
	size_t got = 0;
	long rc = orb_storage_get(&kv, key, strlen(key), buf, sizeof(buf), &got);
	if (rc == 0 && got == len && memcmp(buf, value, len) == 0)
		return true;
	orb_printf(ORB_SERVICE_NAME ": %s: get %ld, %zu bytes (wanted %zu)\n", key, rc, got,
		   len);
	return false;
}

long kv_count(const char *prefix, uint64_t page)
{
	static orb_storage_keys_t k;
	static uint8_t cursor[ORB_STORAGE_MAX_KEY_LENGTH];
	size_t cursor_len = 0;
	bool first = true;
	long total = 0;
	for (int round = 0; round < 10000; round++) {
		long n = orb_storage_list(&kv, prefix, strlen(prefix), first ? NULL : cursor,
					  cursor_len, page, &k);
		if (n < 0)
			return n;
		total += n;
		if (!k.more)
			return total;
		first = false;
		cursor_len = k.next_cursor_len;
		memcpy(cursor, k.next_cursor, cursor_len);
	}
	return -ORB_EOVERFLOW;
}

uint8_t *kv_scratch(unsigned which)
{
	static uint8_t *buf[2];
	if (!buf[which])
		buf[which] = orb_malloc(KV_SCRATCH);
	if (!buf[which]) {
		orb_printf(ORB_SERVICE_NAME ": no memory for a scratch buffer\n");
		orb_exit_process(1);
	}
	return buf[which];
}

long kv_fill(const char *prefix, size_t size, long max)
{
	uint8_t *value = kv_scratch(0);
	if (size > ORB_STORAGE_MAX_VALUE_SIZE)
		return -1;
	for (long i = 0; i < max; i++) {
		char key[64];
		snprintf(key, sizeof(key), "%s%05ld", prefix, i);
		kv_pattern(value, size, (uint64_t)i);
		long rc = orb_storage_set(&kv, key, strlen(key), value, size, 0);
		if (rc == ORB_STORAGE_E(ORB_STORAGE_ERR_QUOTA_EXCEEDED))
			return i;
		if (rc != 0) {
			orb_printf(ORB_SERVICE_NAME ": fill %s: %ld (%s)\n", key, rc, kv.reason);
			return -1;
		}
	}
	return -1;
}

long kv_delete_prefix(const char *prefix)
{
	static orb_storage_keys_t k;
	long deleted = 0;
	for (int round = 0; round < 10000; round++) {
		long n = orb_storage_list(&kv, prefix, strlen(prefix), NULL, 0, 100, &k);
		if (n <= 0)
			return n < 0 ? n : deleted;
		size_t pos = 0, len;
		const uint8_t *key;
		while (orb_storage_next_key(&k, &pos, &key, &len)) {
			bool existed;
			if (orb_storage_delete(&kv, key, len, &existed) < 0 || !existed)
				return -ORB_EINVAL;
			deleted++;
		}
	}
	return -ORB_EOVERFLOW;
}

void kv_pattern(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

long kv_raw(uint32_t tag, const void *data, size_t len, orb_msg_t *reply)
{
	return orb_call(kv.ep, tag, data, len, NULL, 0, reply);
}
