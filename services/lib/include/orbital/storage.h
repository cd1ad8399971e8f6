/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage client (spec §4.4; docs/services.md "Storage"): get, set, delete, list,
 * quota and usage in the caller's own namespace, which Storage derives from the PID the
 * kernel stamps on each request — a client cannot name another namespace.
 *
 * Results: >= 0 on success; a StorageError answer is ORB_STORAGE_E(code) (code =
 * ORB_STORAGE_ERR_*, orb_storage_error_code() takes it back out, and for BackendError
 * the service's reason is in s->reason); anything else is -ORB_E*: no Storage service
 * (-ENOENT), a malformed answer (-EINVAL), Storage gone for good (-EDEAD). Requests are
 * retried while Storage restarts (orb_request), so each gets exactly one answer.
 *
 * Values of up to ORB_STORAGE_MAX_VALUE_SIZE work in every call: what does not fit a
 * message goes through a shared memory object the client keeps (`shared`, made on first
 * need and grown as needed; orb_storage_close drops it).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>
#include <orbital/transfer.h>

#define ORB_STORAGE_E(code) (-0x100L - (long)(code))

/* The StorageError in rc, or -1 if rc is not a StorageError answer. */
static inline int orb_storage_error_code(long rc)
{
	return rc <= ORB_STORAGE_E(0) && rc >= ORB_STORAGE_E(ORB_STORAGE_ERR_BACKEND)
		       ? (int)(-0x100L - rc)
		       : -1;
}

/* "NotFound", "QuotaExceeded", ... (spec §4.4 names); "?" for another number. */
const char *orb_storage_error_name(unsigned code);

typedef struct orb_storage {
	orb_cptr_t ep;       /* Storage's endpoint (W) */
	char reason[128];    /* BackendError's text from the last answer ("" otherwise) */
	struct orb_xfer shared; /* large values, both ways (<orbital/transfer.h>) */
} orb_storage_t;

/* Use endpoint ep, or with ORB_CAP_NONE look "storage" up in init's registry. */
long orb_storage_open(orb_storage_t *s, orb_cptr_t ep);
void orb_storage_close(orb_storage_t *s);

/* The value of key: its length in *len and, when cap >= *len, the bytes in buf. A value
 * larger than cap is ORB_STORAGE_E(ValueTooLarge) with *len set. A missing key is
 * ORB_STORAGE_E(NotFound). */
long orb_storage_get(orb_storage_t *s, const void *key, size_t key_len, void *buf,
		     size_t cap, size_t *len);
/* Store value under key (ttl_secs 0: never expires); 0 once it is on the disk. */
long orb_storage_set(orb_storage_t *s, const void *key, size_t key_len, const void *value,
		     size_t value_len, uint32_t ttl_secs);
/* Remove key; *existed says whether it was there. */
long orb_storage_delete(orb_storage_t *s, const void *key, size_t key_len, bool *existed);

/* One page of LIST: keys as u16 length + bytes, and the cursor that continues it. */
typedef struct orb_storage_keys {
	uint32_t count;
	bool more;                                      /* next_cursor is set */
	size_t len;                                     /* bytes used in keys */
	uint8_t keys[ORB_MAX_MSG_SIZE];
	uint8_t next_cursor[ORB_STORAGE_MAX_KEY_LENGTH];
	size_t next_cursor_len;
} orb_storage_keys_t;

/* Keys starting with prefix, in byte order, after cursor (NULL: from the first), at most
 * limit (and what fits one answer); returns the count. */
long orb_storage_list(orb_storage_t *s, const void *prefix, size_t prefix_len,
		      const void *cursor, size_t cursor_len, uint64_t limit,
		      orb_storage_keys_t *out);
/* Walk a page: start with *pos = 0; false after the last key. */
bool orb_storage_next_key(const orb_storage_keys_t *k, size_t *pos, const uint8_t **key,
			  size_t *key_len);

/* Bytes used (keys + values) by the caller's namespace, and its quota. */
long orb_storage_quota(orb_storage_t *s, uint64_t *used, uint64_t *quota);
/* Every namespace's figures from number `first` on (System callers only): up to max
 * records in items; returns the count, *more if others follow. */
long orb_storage_usage(orb_storage_t *s, uint32_t first, orb_storage_usage_t *items,
		       size_t max, bool *more);
