// SPDX-License-Identifier: Apache-2.0
/*
 * The requests (spec §4.4, §5.7; docs/services.md "Storage"):
 *
 *   GET {key, into?}             -> GET_RESPONSE {ok, error, value?, reason, length}
 *   SET {key, value, ttl_secs, shared?} -> SET_RESPONSE {ok, error, reason}, once on disk
 *   DELETE {key}                 -> DELETE_RESPONSE {ok, error, existed, reason}
 *   LIST {prefix, limit, cursor?} -> LIST_RESPONSE {count, keys, next_cursor?}
 *   QUOTA (empty)                -> QUOTA_RESPONSE {used, quota}
 *   USAGE {first}                -> USAGE_RESPONSE {ok, error, count, items, more}
 *
 * Every request acts on the caller's own namespace (callers.c); the payload never names
 * one, so a key that looks like "system:x" is just a key. A missing key is NotFound;
 * USAGE (every namespace's figures, for `df`) is for System callers only, anyone else
 * gets PermissionDenied, and so does a caller the kernel does not list. A payload that
 * does not decode is answered MSG_ERROR (malformed) by the service loop. Nothing here
 * blocks on anything but the backend (backend.c: the disk, or the host's store).
 *
 * Values too large for a message travel in the caller's shared memory (<orbital/transfer.h>,
 * docs/services.md "Large transfers"): a SET's `shared` range is copied here before the
 * engine sees it (the caller could change it meanwhile), a GET's value is read here whole
 * and checked, and only then copied into the caller's `into` range. A range that is not
 * inside a shared memory object lent with the rights it needs makes the request malformed.
 */
#include <orbital/transfer.h>

#include "storage.h"

static uint8_t out[ORB_MAX_MSG_SIZE];
/* A value on its way between a message or shared memory and the engine. */
static uint8_t value[ORB_STORAGE_MAX_VALUE_SIZE];

static orb_str_t str(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

/* ok/error/reason of an answer from an engine result. */
static void result(int rc, uint8_t *ok, uint8_t *error, orb_str_t *reason)
{
	*ok = rc >= 0;
	*error = rc >= 0 ? 0 : (uint8_t)st_error_code(rc);
	*reason = rc == ST_E_BACKEND ? str(sb_reason()) : str("");
}

static long answer(uint32_t tag, long n)
{
	return n < 0 ? n : orb_reply(tag, out, (size_t)n, NULL, 0);
}

/* What a GET answer holds besides the value: ok, error, presence, the value's length
 * prefix, an empty reason, length. */
#define GET_ROOM (ORB_MAX_MSG_SIZE - (1 + 1 + 1 + 4 + 2 + 8))

static long do_get(const orb_msg_t *m, const struct caller *who)
{
	orb_msg_storage_get_t q;
	if (orb_msg_storage_get_decode(m->data, m->len, &q) < 0 || (q.has_into && m->ncaps != 1))
		return -ORB_EINVAL;
	size_t len = 0;
	int rc = sb_get(who->ns, q.key.ptr, q.key.len, value,
			q.has_into ? sizeof(value) : GET_ROOM, &len);
	orb_msg_storage_get_response_t r = { 0 };
	if (rc == 0 && len > GET_ROOM) {   /* it goes to the caller's range, if it fits */
		struct orb_xfer_view v;
		if (len > q.into.length) {
			rc = ST_E_VALUE_TOO_LARGE;
		} else if (orb_xfer_open(m->caps[0], q.into.offset, len, true, &v) < 0) {
			return -ORB_EINVAL;
		} else {
			memcpy(v.data, value, len);
			orb_xfer_close(&v);
		}
	} else if (rc == 0) {
		r.has_value = 1;
		r.value = (orb_bytes_t){ .ptr = value, .len = (uint32_t)len };
	}
	result(rc, &r.ok, &r.error, &r.reason);
	r.length = rc == 0 || rc == ST_E_VALUE_TOO_LARGE ? len : 0;
	return answer(ORB_MSG_STORAGE_GET_RESPONSE,
		      orb_msg_storage_get_response_encode(out, sizeof(out), &r));
}

static long do_set(const orb_msg_t *m, const struct caller *who)
{
	orb_msg_storage_set_t q;
	if (orb_msg_storage_set_decode(m->data, m->len, &q) < 0 ||
	    (q.has_shared && (m->ncaps != 1 || q.value.len != 0)))
		return -ORB_EINVAL;
	const void *bytes = q.value.ptr;
	size_t len = q.value.len;
	int rc = 0;
	if (q.has_shared && q.shared.length > ORB_STORAGE_MAX_VALUE_SIZE) {
		rc = q.key.len > ORB_STORAGE_MAX_KEY_LENGTH ? ST_E_KEY_TOO_LONG
							     : ST_E_VALUE_TOO_LARGE;
	} else if (q.has_shared) {
		struct orb_xfer_view v;
		if (orb_xfer_open(m->caps[0], q.shared.offset, q.shared.length, false, &v) < 0)
			return -ORB_EINVAL;
		len = (size_t)v.length;
		memcpy(value, v.data, len);
		orb_xfer_close(&v);
		bytes = value;
	}
	if (rc == 0)
		rc = sb_set(who->ns, q.key.ptr, q.key.len, bytes, len, q.ttl_secs);
	orb_msg_storage_set_response_t r;
	result(rc, &r.ok, &r.error, &r.reason);
	return answer(ORB_MSG_STORAGE_SET_RESPONSE,
		      orb_msg_storage_set_response_encode(out, sizeof(out), &r));
}

static long do_delete(const orb_msg_t *m, const struct caller *who)
{
	orb_msg_storage_delete_t q;
	if (orb_msg_storage_delete_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	bool existed = false;
	int rc = sb_delete(who->ns, q.key.ptr, q.key.len, &existed);
	orb_msg_storage_delete_response_t r;
	result(rc, &r.ok, &r.error, &r.reason);
	r.existed = existed;
	return answer(ORB_MSG_STORAGE_DELETE_RESPONSE,
		      orb_msg_storage_delete_response_encode(out, sizeof(out), &r));
}

/* LIST collects keys as u16 length + bytes while they fit beside the largest cursor. */
struct listing {
	uint8_t keys[ORB_MAX_MSG_SIZE];
	size_t used, room;
	const uint8_t *last;
	size_t last_len;
};

static int take_key(void *ctx, const void *key, size_t key_len)
{
	struct listing *l = ctx;
	if (l->used + 2 + key_len > l->room)
		return 1;
	l->keys[l->used] = (uint8_t)key_len;
	l->keys[l->used + 1] = (uint8_t)(key_len >> 8);
	memcpy(l->keys + l->used + 2, key, key_len);
	l->last = l->keys + l->used + 2;
	l->last_len = key_len;
	l->used += 2 + key_len;
	return 0;
}

static long do_list(const orb_msg_t *m, const struct caller *who)
{
	orb_msg_storage_list_t q;
	if (orb_msg_storage_list_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	static struct listing l;
	/* count, keys' length, the cursor's presence, length and bytes */
	l.room = ORB_MAX_MSG_SIZE - (4 + 4 + 1 + 2 + ORB_STORAGE_MAX_KEY_LENGTH);
	l.used = 0;
	l.last = NULL;
	bool more = false;
	int n = sb_list(who->ns, q.prefix.ptr, q.prefix.len,
			q.has_cursor ? q.cursor.ptr : NULL, q.has_cursor ? q.cursor.len : 0,
			q.limit, take_key, &l, &more);
	if (n < 0)   /* a prefix longer than any key: nothing starts with it */
		n = 0, more = false;
	orb_msg_storage_list_response_t r = {
		.count = (uint32_t)n,
		.keys = { .ptr = l.keys, .len = (uint32_t)l.used },
		.has_next_cursor = more && l.last,
		.next_cursor = { .ptr = (const char *)l.last, .len = (uint16_t)l.last_len },
	};
	return answer(ORB_MSG_STORAGE_LIST_RESPONSE,
		      orb_msg_storage_list_response_encode(out, sizeof(out), &r));
}

static long do_quota(const orb_msg_t *m, const struct caller *who)
{
	if (m->len != 0)
		return -ORB_EINVAL;
	orb_msg_storage_quota_response_t r;
	int rc = sb_usage(who->ns, &r.used, &r.quota);
	if (rc < 0)
		return -ORB_EINVAL;
	return answer(ORB_MSG_STORAGE_QUOTA_RESPONSE,
		      orb_msg_storage_quota_response_encode(out, sizeof(out), &r));
}

static long do_usage(const orb_msg_t *m, const struct caller *who)
{
	orb_msg_storage_usage_t q;
	if (orb_msg_storage_usage_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	static orb_storage_usage_t items[(ORB_MAX_MSG_SIZE - 16) / sizeof(orb_storage_usage_t)];
	orb_msg_storage_usage_response_t r = { .ok = who->system };
	if (!who->system) {
		r.error = ORB_STORAGE_ERR_PERMISSION_DENIED;
	} else {
		size_t i = q.first;
		while (r.count < ORB_ARRAY_SIZE(items)) {
			orb_storage_usage_t *u = &items[r.count];
			char name[ORB_STORAGE_MAX_NAMESPACE_LENGTH + 1];
			memset(u, 0, sizeof(*u));
			if (sb_namespace(i, name, &u->used, &u->quota, &u->keys) < 0)
				break;
			memcpy(u->name, name, strlen(name));
			r.count++;
			i++;
		}
		char name[ORB_STORAGE_MAX_NAMESPACE_LENGTH + 1];
		uint64_t a, b, c;
		r.more = sb_namespace(i, name, &a, &b, &c) == 0;
	}
	r.items = (orb_bytes_t){ .ptr = (const uint8_t *)items,
				 .len = r.count * (uint32_t)sizeof(orb_storage_usage_t) };
	return answer(ORB_MSG_STORAGE_USAGE_RESPONSE,
		      orb_msg_storage_usage_response_encode(out, sizeof(out), &r));
}

/* Answer a request from a caller the kernel does not list (it died, or the kernel sent
 * something): PermissionDenied where the answer has a StorageError, EPERM elsewhere. */
static long unknown_caller(const orb_msg_t *m)
{
	uint8_t e = ORB_STORAGE_ERR_PERMISSION_DENIED;
	orb_str_t none = str("");
	long n;
	switch (m->tag) {
	case ORB_MSG_STORAGE_GET: {
		orb_msg_storage_get_response_t r = { .error = e, .reason = none };
		n = orb_msg_storage_get_response_encode(out, sizeof(out), &r);
		return answer(ORB_MSG_STORAGE_GET_RESPONSE, n);
	}
	case ORB_MSG_STORAGE_SET: {
		orb_msg_storage_set_response_t r = { .error = e, .reason = none };
		n = orb_msg_storage_set_response_encode(out, sizeof(out), &r);
		return answer(ORB_MSG_STORAGE_SET_RESPONSE, n);
	}
	case ORB_MSG_STORAGE_DELETE: {
		orb_msg_storage_delete_response_t r = { .error = e, .reason = none };
		n = orb_msg_storage_delete_response_encode(out, sizeof(out), &r);
		return answer(ORB_MSG_STORAGE_DELETE_RESPONSE, n);
	}
	case ORB_MSG_STORAGE_USAGE: {
		orb_msg_storage_usage_response_t r = { .error = e };
		n = orb_msg_storage_usage_response_encode(out, sizeof(out), &r);
		return answer(ORB_MSG_STORAGE_USAGE_RESPONSE, n);
	}
	default:
		return -ORB_EPERM;
	}
}

long storage_handle(orb_msg_t *m)
{
	switch (m->tag) {
	case ORB_MSG_STORAGE_GET:
	case ORB_MSG_STORAGE_SET:
	case ORB_MSG_STORAGE_DELETE:
	case ORB_MSG_STORAGE_LIST:
	case ORB_MSG_STORAGE_QUOTA:
	case ORB_MSG_STORAGE_USAGE:
		break;
	default:
		return -ORB_ENOSYS;
	}
	struct caller who;
	if (caller_lookup(m->sender, &who) < 0)
		return unknown_caller(m);
	long rc;
	switch (m->tag) {
	case ORB_MSG_STORAGE_GET:
		rc = do_get(m, &who);
		break;
	case ORB_MSG_STORAGE_SET:
		rc = do_set(m, &who);
		break;
	case ORB_MSG_STORAGE_DELETE:
		rc = do_delete(m, &who);
		break;
	case ORB_MSG_STORAGE_LIST:
		rc = do_list(m, &who);
		break;
	case ORB_MSG_STORAGE_QUOTA:
		rc = do_quota(m, &who);
		break;
	default:
		rc = do_usage(m, &who);
	}
	if (sb_failed())
		storage_remount();
	return rc;
}
