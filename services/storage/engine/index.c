// SPDX-License-Identifier: Apache-2.0
/*
 * The index: every live key in memory, never its value. Entries are kept in one array
 * sorted by (namespace index, key bytes), found by binary search, so LIST walks keys in
 * byte order and a key costs ~48 bytes plus its length. Namespaces are a small table
 * holding each one's usage (key + value bytes of its live keys) and quota.
 */
#include "internal.h"

bool st_valid_namespace(const char *ns, size_t len)
{
	if (len == 0 || len > ST_NS_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((uint8_t)ns[i] < 0x21 || (uint8_t)ns[i] > 0x7E)
			return false;
	if (len == 6 && memcmp(ns, "system", 6) == 0)
		return true;
	if (len > 4 && memcmp(ns, "app:", 4) == 0)
		return true;
	return len > 5 && memcmp(ns, "user:", 5) == 0;
}

/* Make room for one more item in the array *arr of *n items (*cap allocated, each `size`
 * bytes): 0, or ST_E_BACKEND when out of memory. */
static int grow(struct st_engine *st, void **arr, size_t n, size_t *cap, size_t size,
		size_t first)
{
	if (n < *cap)
		return 0;
	size_t want = *cap ? *cap * 2 : first;
	void *a = orb_malloc(want * size);
	if (!a) {
		st->reason = "out of memory";
		return ST_E_BACKEND;
	}
	if (n)
		memcpy(a, *arr, n * size);
	orb_free(*arr);
	*arr = a;
	*cap = want;
	return 0;
}

/* The index of namespace `ns` in st->spaces; -1 if absent (and not `create`d), or
 * ST_E_BACKEND when out of memory. */
int st_space(struct st_engine *st, const char *ns, size_t len, bool create)
{
	for (size_t i = 0; i < st->nspaces; i++)
		if (st->spaces[i].len == len && memcmp(st->spaces[i].name, ns, len) == 0)
			return (int)i;
	if (!create)
		return -1;
	if (st->nspaces == 0xFFFF) {
		st->reason = "too many namespaces";
		return ST_E_BACKEND;
	}
	if (grow(st, (void **)&st->spaces, st->nspaces, &st->spaces_cap, sizeof(*st->spaces), 8))
		return ST_E_BACKEND;
	struct st_space *sp = &st->spaces[st->nspaces];
	memset(sp, 0, sizeof(*sp));
	memcpy(sp->name, ns, len);
	sp->len = (uint8_t)len;
	sp->quota = len == 6 && memcmp(ns, "system", 6) == 0 ? ORB_STORAGE_SYSTEM_QUOTA
							     : ORB_STORAGE_DEFAULT_QUOTA;
	return (int)st->nspaces++;
}

static int compare(const struct st_entry *e, uint16_t ns, const void *key, size_t key_len)
{
	if (e->ns != ns)
		return e->ns < ns ? -1 : 1;
	size_t n = e->key_len < key_len ? e->key_len : key_len;
	int c = n ? memcmp(e->key, key, n) : 0;
	if (c)
		return c;
	return e->key_len < key_len ? -1 : e->key_len > key_len;
}

/* The position of the first entry not below (ns, key). */
size_t st_lower_bound(const struct st_engine *st, uint16_t ns, const void *key, size_t key_len)
{
	size_t lo = 0, hi = st->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (compare(st->ent[mid], ns, key, key_len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct st_entry *st_find(const struct st_engine *st, uint16_t ns, const void *key,
			 size_t key_len)
{
	size_t i = st_lower_bound(st, ns, key, key_len);
	if (i < st->n && compare(st->ent[i], ns, key, key_len) == 0)
		return st->ent[i];
	return NULL;
}

static void account(struct st_engine *st, const struct st_entry *e, bool add)
{
	struct st_space *sp = &st->spaces[e->ns];
	uint64_t bytes = (uint64_t)e->key_len + e->value_len;
	if (add) {
		sp->used += bytes;
		st->live_sectors += e->sectors;
		if (e->sectors > st->largest)
			st->largest = e->sectors;
		if (e->expires_at && (st->next_expiry == 0 || e->expires_at < st->next_expiry))
			st->next_expiry = e->expires_at;
	} else {
		sp->used = sp->used > bytes ? sp->used - bytes : 0;
		st->live_sectors -= e->sectors;
	}
}

/* (ns, key) now lives in the SET record h at `off`. */
int st_put(struct st_engine *st, uint16_t ns, const void *key, size_t key_len,
	   const orb_storage_record_t *h, uint64_t off, bool damaged)
{
	size_t i = st_lower_bound(st, ns, key, key_len);
	struct st_entry *e;

	if (i < st->n && compare(st->ent[i], ns, key, key_len) == 0) {
		e = st->ent[i];
		account(st, e, false);
	} else {
		if (grow(st, (void **)&st->ent, st->n, &st->cap, sizeof(*st->ent), 64))
			return ST_E_BACKEND;
		e = orb_malloc(sizeof(*e) + key_len);
		if (!e) {
			st->reason = "out of memory";
			return ST_E_BACKEND;
		}
		e->ns = ns;
		e->key_len = (uint16_t)key_len;
		if (key_len)
			memcpy(e->key, key, key_len);
		memmove(&st->ent[i + 1], &st->ent[i], (st->n - i) * sizeof(*st->ent));
		st->ent[i] = e;
		st->n++;
	}
	e->off = off;
	e->seq = h->seq;
	e->time = h->time;
	e->expires_at = h->expires_at;
	e->sectors = h->sectors;
	e->value_len = h->value_len;
	e->damaged = damaged;
	account(st, e, true);
	return 0;
}

static void remove_at(struct st_engine *st, size_t i)
{
	account(st, st->ent[i], false);
	orb_free(st->ent[i]);
	memmove(&st->ent[i], &st->ent[i + 1], (st->n - i - 1) * sizeof(*st->ent));
	st->n--;
}

void st_remove(struct st_engine *st, uint16_t ns, const void *key, size_t key_len)
{
	size_t i = st_lower_bound(st, ns, key, key_len);
	if (i < st->n && compare(st->ent[i], ns, key, key_len) == 0)
		remove_at(st, i);
}

/* Drop every key whose time has come (storage clock `clock`); only scans when one may.
 * Returns how many went. */
size_t st_expire(struct st_engine *st, uint64_t clock)
{
	if (st->next_expiry == 0 || clock < st->next_expiry)
		return 0;
	st->next_expiry = 0;
	size_t out = 0;
	for (size_t i = 0; i < st->n; i++) {
		struct st_entry *e = st->ent[i];
		if (e->expires_at && e->expires_at <= clock) {
			account(st, e, false);
			orb_free(e);
			continue;
		}
		if (e->expires_at && (st->next_expiry == 0 || e->expires_at < st->next_expiry))
			st->next_expiry = e->expires_at;
		st->ent[out++] = e;
	}
	size_t removed = st->n - out;
	st->n = out;
	return removed;
}
