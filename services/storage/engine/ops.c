// SPDX-License-Identifier: Apache-2.0
/*
 * The calls the Storage service makes: GET, SET, DELETE, LIST and the quota query.
 *
 * Every call first drops keys whose time has run out (storage clock). SET and DELETE
 * check names, limits and the namespace's quota, make room in the log (compact.c), append
 * their record and flush it before they update the index and return: a call that returns
 * 0 is on the disk; one that fails has changed nothing the index shows.
 */
#include "internal.h"

static int names(struct st_engine *st, const char *ns, size_t *ns_len, size_t key_len,
		 uint64_t now)
{
	size_t n = 0;
	while (n <= ST_NS_MAX && ns[n])
		n++;
	if (!st_valid_namespace(ns, n)) {
		st->reason = "bad namespace";
		return ST_E_BACKEND;
	}
	if (key_len > ORB_STORAGE_MAX_KEY_LENGTH)
		return ST_E_KEY_TOO_LONG;
	*ns_len = n;
	st_expire(st, st_clock(st, now));
	return 0;
}

const char *st_reason(const struct st_engine *st)
{
	return st->reason ? st->reason : "no error";
}

bool st_failed(const struct st_engine *st)
{
	return st->failed;
}

int st_get(struct st_engine *st, const char *ns, const void *key, size_t key_len,
	   uint64_t now, void *buf, size_t cap, size_t *len)
{
	size_t ns_len;
	int rc = names(st, ns, &ns_len, key_len, now);
	if (rc < 0)
		return rc;
	int idx = st_space(st, ns, ns_len, false);
	struct st_entry *e = idx < 0 ? NULL : st_find(st, (uint16_t)idx, key, key_len);
	if (!e)
		return ST_E_NOT_FOUND;
	*len = e->value_len;
	if (e->damaged) {
		st->reason = "the stored value is damaged";
		return ST_E_BACKEND;
	}
	if (cap < e->value_len)
		return ST_E_VALUE_TOO_LARGE;

	/* the record must still be the one the index names, whole: its first chunk is read
	 * once, for the header and the start of the value */
	orb_storage_record_t h;
	rc = st_io(st, e->off, e->sectors < ST_CHUNK ? e->sectors : ST_CHUNK, st->buf, false);
	if (rc < 0)
		return rc;
	memcpy(st->sector, st->buf, ST_SECTOR);
	rc = st_parse_header(st, st->sector, e->sectors, &h);
	if (rc && (h.seq != e->seq || h.kind != ORB_STORAGE_REC_SET || h.ns_len != ns_len ||
		   h.key_len != key_len ||
		   memcmp(st->sector + ST_HEADER, ns, ns_len) != 0 ||
		   (key_len && memcmp(st->sector + ST_HEADER + ns_len, key, key_len) != 0)))
		rc = 0;
	if (rc)
		rc = st_check_body(st, e->off, &h, buf, true);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (e->value_len)
			memset(buf, 0, e->value_len);
		e->damaged = true;
		st->reason = "the stored value is damaged";
		return ST_E_BACKEND;
	}
	return 0;
}

int st_set(struct st_engine *st, const char *ns, const void *key, size_t key_len,
	   const void *value, size_t value_len, uint32_t ttl_secs, uint64_t now)
{
	size_t ns_len;
	int rc = names(st, ns, &ns_len, key_len, now);
	if (rc < 0)
		return rc;
	if (value_len > ORB_STORAGE_MAX_VALUE_SIZE)
		return ST_E_VALUE_TOO_LARGE;
	if (st->failed)
		return ST_E_BACKEND;
	int idx = st_space(st, ns, ns_len, true);
	if (idx < 0)
		return idx;
	struct st_space *sp = &st->spaces[idx];
	struct st_entry *old = st_find(st, (uint16_t)idx, key, key_len);
	uint64_t used = sp->used + key_len + value_len -
			(old ? (uint64_t)old->key_len + old->value_len : 0);
	if (used > sp->quota)
		return ST_E_QUOTA;

	/* room: this record, plus a reserve as large as the largest live record so that
	 * compaction can always move one, plus a sector for a later DELETE */
	uint32_t n = st_record_sectors(ns_len, key_len, value_len);
	uint64_t reserve = n > st->largest ? n : st->largest;
	if (st->live_sectors + n + reserve + 1 > st->ring) {
		st->reason = "disk full";
		return ST_E_BACKEND;
	}
	rc = st_make_room(st, n + reserve, now);
	if (rc < 0)
		return rc;
	if (st->largest < n)
		st->largest = n;

	uint64_t clock = st_clock(st, now);
	uint64_t expires = ttl_secs ? clock + (uint64_t)ttl_secs * 1000000000ull : 0;
	uint64_t off = st->head;
	rc = st_append(st, ORB_STORAGE_REC_SET, (uint16_t)idx, key, key_len, value, value_len,
		       clock, expires);
	if (rc == 0)
		rc = st_commit(st);
	if (rc < 0)
		return rc;
	orb_storage_record_t h = {.seq = st->next_seq - 1, .time = clock, .expires_at = expires,
				  .sectors = n, .value_len = (uint32_t)value_len};
	return st_put(st, (uint16_t)idx, key, key_len, &h, off, false);
}

int st_delete(struct st_engine *st, const char *ns, const void *key, size_t key_len,
	      uint64_t now, bool *existed)
{
	size_t ns_len;
	*existed = false;
	int rc = names(st, ns, &ns_len, key_len, now);
	if (rc < 0)
		return rc;
	int idx = st_space(st, ns, ns_len, false);
	if (idx < 0 || !st_find(st, (uint16_t)idx, key, key_len))
		return 0;
	if (st->failed)
		return ST_E_BACKEND;
	rc = st_make_room(st, 1u + st->largest, now);
	if (rc < 0)
		return rc;
	rc = st_append(st, ORB_STORAGE_REC_DELETE, (uint16_t)idx, key, key_len, NULL, 0,
		       st_clock(st, now), 0);
	if (rc == 0)
		rc = st_commit(st);
	if (rc < 0)
		return rc;
	st_remove(st, (uint16_t)idx, key, key_len);
	*existed = true;
	return 0;
}

static bool has_prefix(const struct st_entry *e, const void *prefix, size_t len)
{
	return e->key_len >= len && (len == 0 || memcmp(e->key, prefix, len) == 0);
}

int st_list(struct st_engine *st, const char *ns, const void *prefix, size_t prefix_len,
	    const void *cursor, size_t cursor_len, uint64_t limit, uint64_t now,
	    st_emit_fn emit, void *ctx, bool *more)
{
	size_t ns_len;
	*more = false;
	int rc = names(st, ns, &ns_len, prefix_len, now);
	if (rc < 0)
		return rc;
	int idx = st_space(st, ns, ns_len, false);
	if (idx < 0)
		return 0;
	size_t i = st_lower_bound(st, (uint16_t)idx, prefix, prefix_len);
	if (cursor) {  /* strictly after the cursor */
		size_t j = st_lower_bound(st, (uint16_t)idx, cursor, cursor_len);
		if (j < st->n && st->ent[j]->ns == idx && st->ent[j]->key_len == cursor_len &&
		    (cursor_len == 0 || memcmp(st->ent[j]->key, cursor, cursor_len) == 0))
			j++;
		if (j > i)
			i = j;
	}
	int count = 0;
	for (; i < st->n && st->ent[i]->ns == idx && has_prefix(st->ent[i], prefix, prefix_len);
	     i++) {
		if ((uint64_t)count == limit || emit(ctx, st->ent[i]->key, st->ent[i]->key_len)) {
			*more = true;
			break;
		}
		count++;
	}
	return count;
}

int st_usage(struct st_engine *st, const char *ns, uint64_t now, uint64_t *used,
	     uint64_t *quota)
{
	size_t ns_len;
	int rc = names(st, ns, &ns_len, 0, now);
	if (rc < 0)
		return rc;
	int idx = st_space(st, ns, ns_len, false);
	bool system = ns_len == 6 && memcmp(ns, "system", 6) == 0;
	*used = idx < 0 ? 0 : st->spaces[idx].used;
	*quota = system ? ORB_STORAGE_SYSTEM_QUOTA : ORB_STORAGE_DEFAULT_QUOTA;
	return 0;
}

int st_namespace(struct st_engine *st, size_t i, uint64_t now, char *name, uint64_t *used,
		 uint64_t *quota, uint64_t *keys)
{
	st_expire(st, st_clock(st, now));
	if (i >= st->nspaces)
		return ST_E_NOT_FOUND;
	const struct st_space *sp = &st->spaces[i];
	memcpy(name, sp->name, sp->len);
	name[sp->len] = '\0';
	*used = sp->used;
	*quota = sp->quota;
	*keys = st_lower_bound(st, (uint16_t)(i + 1), NULL, 0) -
		st_lower_bound(st, (uint16_t)i, NULL, 0);
	return 0;
}

void st_stats(const struct st_engine *st, struct st_stats *out)
{
	out->keys = st->n;
	out->live_sectors = st->live_sectors;
	out->log_sectors = st->head - st->sb.tail;
	out->ring_sectors = st->ring;
	out->generation = st->sb.generation;
	out->next_seq = st->next_seq;
	out->compactions = st->compactions;
	out->copied_records = st->copied;
}
