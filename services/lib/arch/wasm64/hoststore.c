/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's key-value store on wasm64 (<orbital/hoststore.h>): the page's IndexedDB,
 * reached through one host import, `store`. A call fills a request block in the
 * process's memory (what, the namespace, key, value or prefix, cursor, one number, where
 * the answer goes) and the thread's worker hands it to the page (site/process.js,
 * site/store.js), waiting with Atomics.wait until the page's transaction is done; the
 * answer is the return value, up to four numbers in r[] and bytes in out.
 *
 * The limits are checked here, before the host sees anything, as the disk engine checks
 * them; the quota of the namespace goes with every SET (the page adds up the usage).
 */
#include <orbital.h>
#include <orbital/hoststore.h>

#define HOST(name) __attribute__((import_module("orbital"), import_name(#name)))

enum { ST_OPEN, ST_GET, ST_SET, ST_DELETE, ST_LIST, ST_USAGE, ST_NAMESPACE };

/* Read by site/process.js: every field is a u64 (a pointer, a length or a number). */
struct store_req {
	uint64_t op;
	uint64_t ns, ns_len;
	uint64_t key, key_len;
	uint64_t value, value_len;   /* SET: the value; LIST: the prefix */
	uint64_t cursor, cursor_len; /* LIST: the cursor */
	uint64_t arg;                /* SET: ttl_secs; LIST: 1 if there is a cursor;
					NAMESPACE: i */
	uint64_t arg2;               /* SET: the namespace's quota; LIST: the limit */
	uint64_t out, out_cap;       /* where answer bytes go */
	uint64_t out_len;            /* answered: how many bytes were put there */
	uint64_t r[4];               /* answered: numbers besides the result */
};

HOST(store) int64_t orb_wasm_store(struct store_req *req);

static char reason[128];

static long call(struct store_req *q)
{
	static char text[sizeof(reason)];
	if (!q->out) {   /* a BackendError's reason comes back in out */
		q->out = (uint64_t)(uintptr_t)text;
		q->out_cap = sizeof(text) - 1;
	}
	long rc = (long)orb_wasm_store(q);
	if (rc == ORB_STORAGE_E(ORB_STORAGE_ERR_BACKEND)) {
		size_t n = q->out_len < sizeof(reason) - 1 ? (size_t)q->out_len : sizeof(reason) - 1;
		memcpy(reason, (const void *)(uintptr_t)q->out, n);
		reason[n] = '\0';
	}
	return rc;
}

static void names(struct store_req *q, uint32_t op, const char *ns, const void *key,
		  size_t key_len)
{
	memset(q, 0, sizeof(*q));
	q->op = op;
	q->ns = (uint64_t)(uintptr_t)ns;
	q->ns_len = ns ? strlen(ns) : 0;
	q->key = (uint64_t)(uintptr_t)key;
	q->key_len = key_len;
}

long orb_hoststore_open(char *what, size_t cap)
{
	struct store_req q;
	names(&q, ST_OPEN, NULL, NULL, 0);
	q.out = (uint64_t)(uintptr_t)what;
	q.out_cap = cap ? cap - 1 : 0;
	long rc = (long)orb_wasm_store(&q);
	if (cap)
		what[rc >= 0 && q.out_len < cap ? q.out_len : 0] = '\0';
	return rc < 0 ? -ORB_ENOSYS : 0;
}

long orb_hoststore_get(const char *ns, const void *key, size_t key_len, void *buf, size_t cap,
		       size_t *len)
{
	*len = 0;
	if (key_len > ORB_STORAGE_MAX_KEY_LENGTH)
		return ORB_STORAGE_E(ORB_STORAGE_ERR_KEY_TOO_LONG);
	struct store_req q;
	names(&q, ST_GET, ns, key, key_len);
	q.out = (uint64_t)(uintptr_t)buf;
	q.out_cap = cap;
	long rc = call(&q);
	if (rc == 0 || rc == ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE))
		*len = (size_t)q.r[0];
	return rc;
}

long orb_hoststore_set(const char *ns, const void *key, size_t key_len, const void *value,
		       size_t value_len, uint32_t ttl_secs)
{
	if (key_len > ORB_STORAGE_MAX_KEY_LENGTH)
		return ORB_STORAGE_E(ORB_STORAGE_ERR_KEY_TOO_LONG);
	if (value_len > ORB_STORAGE_MAX_VALUE_SIZE)
		return ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE);
	struct store_req q;
	names(&q, ST_SET, ns, key, key_len);
	q.value = (uint64_t)(uintptr_t)value;
	q.value_len = value_len;
	q.arg = ttl_secs;
	q.arg2 = strcmp(ns, "system") == 0 ? ORB_STORAGE_SYSTEM_QUOTA : ORB_STORAGE_DEFAULT_QUOTA;
	return call(&q);
}

long orb_hoststore_delete(const char *ns, const void *key, size_t key_len, bool *existed)
{
	*existed = false;
	if (key_len > ORB_STORAGE_MAX_KEY_LENGTH)
		return ORB_STORAGE_E(ORB_STORAGE_ERR_KEY_TOO_LONG);
	struct store_req q;
	names(&q, ST_DELETE, ns, key, key_len);
	long rc = call(&q);
	*existed = rc == 0 && q.r[0];
	return rc;
}

long orb_hoststore_list(const char *ns, const void *prefix, size_t prefix_len,
			const void *cursor, size_t cursor_len, uint64_t limit, uint8_t *out,
			size_t cap, size_t *used, bool *more)
{
	*used = 0;
	*more = false;
	struct store_req q;
	names(&q, ST_LIST, ns, NULL, 0);
	q.value = (uint64_t)(uintptr_t)prefix;
	q.value_len = prefix_len;
	q.cursor = (uint64_t)(uintptr_t)cursor;
	q.cursor_len = cursor ? cursor_len : 0;
	q.arg = cursor ? 1 : 0;
	q.arg2 = limit;
	q.out = (uint64_t)(uintptr_t)out;
	q.out_cap = cap;
	long rc = call(&q);
	if (rc >= 0) {
		*used = (size_t)q.r[0];
		*more = q.r[1] != 0;
	}
	return rc;
}

long orb_hoststore_usage(const char *ns, uint64_t *used, uint64_t *quota)
{
	struct store_req q;
	names(&q, ST_USAGE, ns, NULL, 0);
	long rc = call(&q);
	*used = rc == 0 ? q.r[0] : 0;
	*quota = strcmp(ns, "system") == 0 ? ORB_STORAGE_SYSTEM_QUOTA : ORB_STORAGE_DEFAULT_QUOTA;
	return rc;
}

long orb_hoststore_namespace(size_t i, char *name, size_t cap, uint64_t *used,
			     uint64_t *quota, uint64_t *keys)
{
	if (!cap)
		return -ORB_EINVAL;
	struct store_req q;
	names(&q, ST_NAMESPACE, NULL, NULL, 0);
	q.arg = i;
	q.out = (uint64_t)(uintptr_t)name;
	q.out_cap = cap - 1;
	long rc = call(&q);
	name[rc == 0 && q.out_len < cap ? q.out_len : 0] = '\0';
	if (rc == 0) {
		*used = q.r[0];
		*keys = q.r[2];
		*quota = strcmp(name, "system") == 0 ? ORB_STORAGE_SYSTEM_QUOTA
						     : ORB_STORAGE_DEFAULT_QUOTA;
	}
	return rc;
}

const char *orb_hoststore_reason(void)
{
	return reason;
}
