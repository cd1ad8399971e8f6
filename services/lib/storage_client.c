/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage client (<orbital/storage.h>): each call encodes one request, sends it with
 * orb_request (retried while Storage restarts), checks the answer's tag and decodes it.
 * One request buffer serves every call: use a client from one thread at a time.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/storage.h>

static uint8_t req[ORB_MAX_MSG_SIZE];

const char *orb_storage_error_name(unsigned code)
{
	static const char *const names[] = {
		[ORB_STORAGE_ERR_NOT_FOUND] = "NotFound",
		[ORB_STORAGE_ERR_QUOTA_EXCEEDED] = "QuotaExceeded",
		[ORB_STORAGE_ERR_KEY_TOO_LONG] = "KeyTooLong",
		[ORB_STORAGE_ERR_VALUE_TOO_LARGE] = "ValueTooLarge",
		[ORB_STORAGE_ERR_PERMISSION_DENIED] = "PermissionDenied",
		[ORB_STORAGE_ERR_BACKEND] = "BackendError",
	};
	return code < ORB_ARRAY_SIZE(names) ? names[code] : "?";
}

/* Bytes of a value a GET answer can carry (besides ok, error, presence and length
 * prefix, an empty reason and the length). */
#define GET_ROOM (ORB_MAX_MSG_SIZE - (1 + 1 + 1 + 4 + 2 + 8))

long orb_storage_open(orb_storage_t *s, orb_cptr_t ep)
{
	memset(s, 0, sizeof(*s));
	s->shared.shm = ORB_CAP_NONE;
	s->ep = ep;
	if (ep != ORB_CAP_NONE)
		return 0;
	return orb_lookup_service("storage", &s->ep, NULL, 0);
}

void orb_storage_close(orb_storage_t *s)
{
	if (s->shared.data)
		orb_xfer_destroy(&s->shared);
}

/* Make sure the shared object holds at least size bytes. */
static long reserve(orb_storage_t *s, size_t size)
{
	if (s->shared.data && s->shared.size >= size)
		return 0;
	orb_storage_close(s);
	return orb_xfer_create(&s->shared, size);
}

/* Send the request in req[0..n), lending the shared object with `rights` if they are not
 * 0, and expect an answer tagged want. A request that did not fit a message had a key
 * (or prefix) far over the limit. */
static long ask_lending(orb_storage_t *s, uint32_t tag, long n, uint8_t rights, uint32_t want,
			orb_msg_t *reply)
{
	if (n == -ORB_EOVERFLOW)
		return ORB_STORAGE_E(ORB_STORAGE_ERR_KEY_TOO_LONG);
	if (n < 0)
		return n;
	s->reason[0] = '\0';
	long rc = orb_request_lend(s->ep, tag, req, (size_t)n, rights ? s->shared.shm : ORB_CAP_NONE,
				   rights, reply);
	if (rc < 0)
		return rc;
	return reply->tag == want ? 0 : -ORB_EINVAL;
}

static long ask(orb_storage_t *s, uint32_t tag, long n, uint32_t want, orb_msg_t *reply)
{
	return ask_lending(s, tag, n, 0, want, reply);
}

/* The result of an answer's ok/error/reason. */
static long outcome(orb_storage_t *s, uint8_t ok, uint8_t error, orb_str_t reason)
{
	if (ok)
		return 0;
	orb_strcopy(s->reason, sizeof(s->reason), reason.ptr, reason.len);
	return error <= ORB_STORAGE_ERR_BACKEND ? ORB_STORAGE_E(error) : -ORB_EINVAL;
}

static orb_str_t key_str(const void *key, size_t len)
{
	return (orb_str_t){ .ptr = key, .len = (uint16_t)(len > 0xFFFF ? 0xFFFF : len) };
}

long orb_storage_get(orb_storage_t *s, const void *key, size_t key_len, void *buf,
		     size_t cap, size_t *len)
{
	/* room beyond what an answer carries: lend the shared object to receive the value */
	size_t room = cap < ORB_STORAGE_MAX_VALUE_SIZE ? cap : ORB_STORAGE_MAX_VALUE_SIZE;
	bool lend = room > GET_ROOM;
	if (lend) {
		long rc = reserve(s, room);
		if (rc < 0)
			return rc;
	}
	orb_msg_storage_get_t q = { .key = key_str(key, key_len), .has_into = lend,
				    .into = { .offset = 0, .length = room } };
	orb_msg_t reply;
	long rc = ask_lending(s, ORB_MSG_STORAGE_GET,
			      orb_msg_storage_get_encode(req, sizeof(req), &q),
			      lend ? ORB_RIGHT_READ | ORB_RIGHT_WRITE : 0,
			      ORB_MSG_STORAGE_GET_RESPONSE, &reply);
	orb_msg_storage_get_response_t r;
	if (rc == 0 && orb_msg_storage_get_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0)
		return rc;
	*len = (size_t)r.length;
	rc = outcome(s, r.ok, r.error, r.reason);
	if (rc < 0)
		return rc;
	if (r.length > cap)   /* it came whole, but the caller has no room for it */
		return ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE);
	if (r.has_value && r.value.len == r.length) {
		memcpy(buf, r.value.ptr, r.value.len);
		return 0;
	}
	if (!r.has_value && lend && r.length <= room) {
		memcpy(buf, s->shared.data, (size_t)r.length);
		return 0;
	}
	return -ORB_EINVAL;
}

long orb_storage_set(orb_storage_t *s, const void *key, size_t key_len, const void *value,
		     size_t value_len, uint32_t ttl_secs)
{
	orb_msg_storage_set_t q = { .key = key_str(key, key_len),
				    .value = { .ptr = value, .len = (uint32_t)value_len },
				    .ttl_secs = ttl_secs };
	long n = orb_msg_storage_set_encode(req, sizeof(req), &q);
	uint8_t lend = 0;
	if (n == -ORB_EOVERFLOW && value_len > 0) {   /* the value goes in shared memory */
		if (value_len > ORB_SHM_MAX)
			return ORB_STORAGE_E(ORB_STORAGE_ERR_VALUE_TOO_LARGE);
		long rc = reserve(s, value_len);
		if (rc < 0)
			return rc;
		memcpy(s->shared.data, value, value_len);
		q.value.len = 0;
		q.has_shared = 1;
		q.shared = (orb_shared_range_t){ .offset = 0, .length = value_len };
		n = orb_msg_storage_set_encode(req, sizeof(req), &q);
		lend = ORB_RIGHT_READ;
	}
	orb_msg_t reply;
	long rc = ask_lending(s, ORB_MSG_STORAGE_SET, n, lend, ORB_MSG_STORAGE_SET_RESPONSE, &reply);
	orb_msg_storage_set_response_t r;
	if (rc == 0 && orb_msg_storage_set_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	return rc < 0 ? rc : outcome(s, r.ok, r.error, r.reason);
}

long orb_storage_delete(orb_storage_t *s, const void *key, size_t key_len, bool *existed)
{
	orb_msg_storage_delete_t q = { .key = key_str(key, key_len) };
	orb_msg_t reply;
	long rc = ask(s, ORB_MSG_STORAGE_DELETE,
		      orb_msg_storage_delete_encode(req, sizeof(req), &q),
		      ORB_MSG_STORAGE_DELETE_RESPONSE, &reply);
	orb_msg_storage_delete_response_t r;
	if (rc == 0 && orb_msg_storage_delete_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0)
		return rc;
	*existed = r.existed;
	return outcome(s, r.ok, r.error, r.reason);
}

bool orb_storage_next_key(const orb_storage_keys_t *k, size_t *pos, const uint8_t **key,
			  size_t *key_len)
{
	if (*pos + 2 > k->len)
		return false;
	size_t n = (size_t)k->keys[*pos] | (size_t)k->keys[*pos + 1] << 8;
	if (*pos + 2 + n > k->len)
		return false;
	*key = k->keys + *pos + 2;
	*key_len = n;
	*pos += 2 + n;
	return true;
}

long orb_storage_list(orb_storage_t *s, const void *prefix, size_t prefix_len,
		      const void *cursor, size_t cursor_len, uint64_t limit,
		      orb_storage_keys_t *out)
{
	orb_msg_storage_list_t q = { .prefix = key_str(prefix, prefix_len), .limit = limit,
				     .has_cursor = cursor != NULL,
				     .cursor = key_str(cursor, cursor_len) };
	orb_msg_t reply;
	long rc = ask(s, ORB_MSG_STORAGE_LIST, orb_msg_storage_list_encode(req, sizeof(req), &q),
		      ORB_MSG_STORAGE_LIST_RESPONSE, &reply);
	orb_msg_storage_list_response_t r;
	if (rc == 0 && (orb_msg_storage_list_response_decode(reply.data, reply.len, &r) < 0 ||
			r.keys.len > sizeof(out->keys) ||
			(r.has_next_cursor && r.next_cursor.len > sizeof(out->next_cursor))))
		rc = -ORB_EINVAL;
	if (rc < 0)
		return rc;
	out->count = r.count;
	out->len = r.keys.len;
	memcpy(out->keys, r.keys.ptr, r.keys.len);
	out->more = r.has_next_cursor;
	out->next_cursor_len = r.has_next_cursor ? r.next_cursor.len : 0;
	memcpy(out->next_cursor, r.next_cursor.ptr, out->next_cursor_len);
	/* the count must be what the keys hold */
	size_t pos = 0, n = 0, kl;
	const uint8_t *k;
	while (orb_storage_next_key(out, &pos, &k, &kl))
		n++;
	return n == out->count && pos == out->len ? (long)out->count : -ORB_EINVAL;
}

long orb_storage_quota(orb_storage_t *s, uint64_t *used, uint64_t *quota)
{
	orb_msg_t reply;
	long rc = ask(s, ORB_MSG_STORAGE_QUOTA, 0, ORB_MSG_STORAGE_QUOTA_RESPONSE, &reply);
	orb_msg_storage_quota_response_t r;
	if (rc == 0 && orb_msg_storage_quota_response_decode(reply.data, reply.len, &r) < 0)
		rc = -ORB_EINVAL;
	if (rc < 0)
		return rc;
	*used = r.used;
	*quota = r.quota;
	return 0;
}

long orb_storage_usage(orb_storage_t *s, uint32_t first, orb_storage_usage_t *items,
		       size_t max, bool *more)
{
	orb_msg_storage_usage_t q = { .first = first };
	orb_msg_t reply;
	long rc = ask(s, ORB_MSG_STORAGE_USAGE, orb_msg_storage_usage_encode(req, sizeof(req), &q),
		      ORB_MSG_STORAGE_USAGE_RESPONSE, &reply);
	orb_msg_storage_usage_response_t r;
	if (rc == 0 && (orb_msg_storage_usage_response_decode(reply.data, reply.len, &r) < 0 ||
			r.items.len != r.count * sizeof(orb_storage_usage_t)))
		rc = -ORB_EINVAL;
	if (rc < 0)
		return rc;
	rc = outcome(s, r.ok, r.error, (orb_str_t){ 0 });
	if (rc < 0)
		return rc;
	size_t n = r.count < max ? r.count : max;
	memcpy(items, r.items.ptr, n * sizeof(orb_storage_usage_t));
	*more = r.more || n < r.count;
	return (long)n;
}
