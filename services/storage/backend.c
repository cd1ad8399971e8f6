// SPDX-License-Identifier: Apache-2.0
/*
 * Where Storage's data lives: the engine's log on a disk (engine/, through device.c), or
 * the host's own store when the machine has one (<orbital/hoststore.h>: in the browser,
 * the page's IndexedDB, spec §4.4). main.c asks liborbital once at start; every request
 * then goes to the one chosen. Both answer with the engine's results (0, a count, or
 * ST_E_*), so requests.c is the same for either, and the namespace, permission and
 * shared-memory handling above them is one code.
 */
#include <orbital/hoststore.h>

#include "storage.h"

struct st_engine *storage_engine;
static bool host;

bool backend_open_host(char *what, size_t cap)
{
	host = orb_hoststore_open(what, cap) == 0;
	return host;
}

/* An ORB_STORAGE_E answer as the engine's ST_E_*; a count stays as it is. */
static int st(long rc)
{
	int code = orb_storage_error_code(rc);
	if (code >= 0)
		return -1 - code;
	return rc < 0 ? ST_E_BACKEND : (int)rc;
}

int sb_get(const char *ns, const void *key, size_t key_len, void *buf, size_t cap,
	   size_t *len)
{
	if (host)
		return st(orb_hoststore_get(ns, key, key_len, buf, cap, len));
	return st_get(storage_engine, ns, key, key_len, orb_now_ns(), buf, cap, len);
}

int sb_set(const char *ns, const void *key, size_t key_len, const void *value,
	   size_t value_len, uint32_t ttl_secs)
{
	if (host)
		return st(orb_hoststore_set(ns, key, key_len, value, value_len, ttl_secs));
	return st_set(storage_engine, ns, key, key_len, value, value_len, ttl_secs,
		      orb_now_ns());
}

int sb_delete(const char *ns, const void *key, size_t key_len, bool *existed)
{
	if (host)
		return st(orb_hoststore_delete(ns, key, key_len, existed));
	return st_delete(storage_engine, ns, key, key_len, orb_now_ns(), existed);
}

int sb_list(const char *ns, const void *prefix, size_t prefix_len, const void *cursor,
	    size_t cursor_len, uint64_t limit, st_emit_fn emit, void *ctx, bool *more)
{
	if (!host)
		return st_list(storage_engine, ns, prefix, prefix_len, cursor, cursor_len, limit,
			       orb_now_ns(), emit, ctx, more);
	/* one page from the host, handed to emit key by key as the engine does */
	static uint8_t keys[ORB_MAX_MSG_SIZE];
	size_t used;
	bool host_more;
	long n = orb_hoststore_list(ns, prefix, prefix_len, cursor, cursor_len, limit, keys,
				    sizeof(keys), &used, &host_more);
	if (n < 0)
		return st(n);
	int taken = 0;
	*more = host_more;
	for (size_t at = 0; at + 2 <= used && taken < n; taken++) {
		size_t len = keys[at] | (size_t)keys[at + 1] << 8;
		if (at + 2 + len > used || emit(ctx, keys + at + 2, len)) {
			*more = true;
			break;
		}
		at += 2 + len;
	}
	return taken;
}

int sb_usage(const char *ns, uint64_t *used, uint64_t *quota)
{
	if (host)
		return st(orb_hoststore_usage(ns, used, quota));
	return st_usage(storage_engine, ns, orb_now_ns(), used, quota);
}

int sb_namespace(size_t i, char *name, uint64_t *used, uint64_t *quota, uint64_t *keys)
{
	if (host)
		return st(orb_hoststore_namespace(i, name, ORB_STORAGE_MAX_NAMESPACE_LENGTH + 1,
						  used, quota, keys));
	return st_namespace(storage_engine, i, orb_now_ns(), name, used, quota, keys);
}

const char *sb_reason(void)
{
	return host ? orb_hoststore_reason() : st_reason(storage_engine);
}

bool sb_failed(void)
{
	return !host && st_failed(storage_engine);
}
