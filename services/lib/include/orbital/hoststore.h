/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machine's own key-value store, when its host keeps one: in the browser, the page's
 * IndexedDB database `orbital-storage` (spec §4.4: stores `system`, `apps`, `users`,
 * entries {key, value, expires, created}). On x86_64 there is none (the Storage service
 * keeps its data on a disk through its engine); orb_hoststore_open says so.
 *
 * This is the Storage service's backend, not a client API: the namespace is an argument
 * (the service derives it from the kernel-stamped sender and never lets a caller name
 * one). The host enforces what the disk engine enforces: key and value limits, the quota
 * of each namespace (ORB_STORAGE_DEFAULT_QUOTA, ORB_STORAGE_SYSTEM_QUOTA for `system`),
 * expiry (a key past its time is gone). A SET returns once the host's transaction has
 * committed.
 *
 * Results: >= 0 on success, ORB_STORAGE_E(code) for a StorageError (<orbital/storage.h>;
 * for BackendError orb_hoststore_reason() says why), -ORB_ENOSYS when there is no store.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <orbital/storage.h>

/* 0 and a one-line description in what[cap] if the host keeps a store, -ORB_ENOSYS if not. */
long orb_hoststore_open(char *what, size_t cap);

/* The value of ns's key: its length in *len and, if cap >= *len, the bytes in buf; a
 * larger value is ORB_STORAGE_E(ValueTooLarge) with *len set. */
long orb_hoststore_get(const char *ns, const void *key, size_t key_len, void *buf, size_t cap,
		       size_t *len);
/* Store a value (ttl_secs 0: never expires); 0 once the host has it. */
long orb_hoststore_set(const char *ns, const void *key, size_t key_len, const void *value,
		       size_t value_len, uint32_t ttl_secs);
/* Remove a key; *existed says whether it was there. */
long orb_hoststore_delete(const char *ns, const void *key, size_t key_len, bool *existed);
/* Keys of ns starting with prefix, after cursor when it is not NULL, in order, at most
 * limit: packed into out[cap] as u16 length + bytes each (*used bytes). Returns the count;
 * *more says whether a matching key follows the last one packed. */
long orb_hoststore_list(const char *ns, const void *prefix, size_t prefix_len,
			const void *cursor, size_t cursor_len, uint64_t limit, uint8_t *out,
			size_t cap, size_t *used, bool *more);
/* Key + value bytes ns uses and its quota. */
long orb_hoststore_usage(const char *ns, uint64_t *used, uint64_t *quota);
/* Namespace number i (in name order): its name (NUL-terminated, name[cap]), usage, quota
 * and live keys; ORB_STORAGE_E(NotFound) past the last. */
long orb_hoststore_namespace(size_t i, char *name, size_t cap, uint64_t *used,
			     uint64_t *quota, uint64_t *keys);
/* Why the last call was a BackendError (a NUL-terminated text). */
const char *orb_hoststore_reason(void);
