/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage engine: a namespaced key-value store in a log on a block device.
 *
 * The format is docs/storage-format.md (layouts in <orbital/abi.h>, declared once in
 * orbital_build/abi/defs/storage.py). The engine knows nothing of IPC, callers or
 * permissions: the Storage service derives the namespace from the kernel-stamped sender,
 * checks permissions, and passes the namespace to every call here. The engine checks
 * names, lengths and quotas, keeps an index in memory (key -> log offset, never values)
 * and makes every SET and DELETE durable (records written, device flushed) before it
 * returns 0.
 *
 * Results: 0 (or a count) on success, ST_E_* on failure: -1 - ORB_STORAGE_ERR_*, so
 * st_error_code(rc) is the StorageError a reply carries. st_reason() says what a
 * ST_E_BACKEND was. Time: every call that looks at expiry takes `now`, nanoseconds since
 * boot (orb_now_ns() in the service); the engine turns it into the disk's own clock,
 * which carries on from where the last mount left it.
 *
 * Portable: only memcpy/memset/memcmp/memmove and orb_malloc/orb_free (port.h), so it
 * builds freestanding for ring 3 and with the host's gcc for tests.
 */
#pragma once

#include "port.h"

/* A block device of 512-byte sectors. Each function returns 0 or a negative error.
 * Writes may reach the medium in any order until flush() returns. */
struct st_blkdev {
	void *ctx;
	uint64_t nsectors;
	int (*read)(void *ctx, uint64_t sector, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t sector, uint32_t count, const void *buf);
	int (*flush)(void *ctx);
};

#define ST_OK 0
#define ST_E_NOT_FOUND (-1 - (int)ORB_STORAGE_ERR_NOT_FOUND)
#define ST_E_QUOTA (-1 - (int)ORB_STORAGE_ERR_QUOTA_EXCEEDED)
#define ST_E_KEY_TOO_LONG (-1 - (int)ORB_STORAGE_ERR_KEY_TOO_LONG)
#define ST_E_VALUE_TOO_LARGE (-1 - (int)ORB_STORAGE_ERR_VALUE_TOO_LARGE)
#define ST_E_PERMISSION (-1 - (int)ORB_STORAGE_ERR_PERMISSION_DENIED)
#define ST_E_BACKEND (-1 - (int)ORB_STORAGE_ERR_BACKEND)

static inline int st_error_code(int rc)
{
	return -1 - rc;
}

/* One finding of the mount check (ORB_STORAGE_PROBLEM_*): `where` is the superblock copy
 * or the log offset in sectors, first..last the sequence numbers concerned. */
struct st_problem {
	uint32_t kind;
	uint32_t _pad;
	uint64_t where;
	uint64_t first;
	uint64_t last;
};

#define ST_MAX_PROBLEMS 16

/* What mount found and did. `damage` counts findings other than a torn write. */
struct st_report {
	uint64_t generation;   /* superblock generation found */
	uint64_t records;      /* records replayed */
	uint64_t keys;         /* live keys after the replay */
	uint64_t expired;      /* keys whose time ran out, dropped */
	uint64_t log_sectors;  /* sectors from the tail to the head */
	uint32_t nproblems;    /* findings; the first ST_MAX_PROBLEMS are in problems[] */
	uint32_t damage;
	struct st_problem problems[ST_MAX_PROBLEMS];
	const char *error;     /* why st_mount failed (a constant string) */
};

struct st_engine;

/* Write an empty disk over the whole device: both superblock copies, flushed. */
int st_format(const struct st_blkdev *dev, uint64_t disk_id);

/* Check and replay the disk, seal what it found and start a new epoch (a superblock
 * update), so later writes can follow. *out is the engine; *report says what was done. */
int st_mount(struct st_engine **out, const struct st_blkdev *dev, uint64_t now,
	     struct st_report *report);
void st_unmount(struct st_engine *st);

/* The value of (ns, key): its length in *len and, if cap >= *len, the bytes in buf
 * (checked against its checksum first; a damaged value is never copied out). A value
 * larger than cap gives ST_E_VALUE_TOO_LARGE with *len set. */
int st_get(struct st_engine *st, const char *ns, const void *key, size_t key_len,
	   uint64_t now, void *buf, size_t cap, size_t *len);

/* Store a value; ttl_secs 0 = never expires. Durable when it returns 0. */
int st_set(struct st_engine *st, const char *ns, const void *key, size_t key_len,
	   const void *value, size_t value_len, uint32_t ttl_secs, uint64_t now);

/* Remove a key; *existed says whether it was there (nothing is written if not). */
int st_delete(struct st_engine *st, const char *ns, const void *key, size_t key_len,
	      uint64_t now, bool *existed);

/* Keys of ns starting with prefix, in byte order, after `cursor` when it is not NULL,
 * at most `limit`: emit() gets each; a nonzero return means it could not take that key
 * (a full reply), which ends the listing there. Returns the number taken; *more says
 * whether a matching key follows the last one taken (the next call's cursor). */
typedef int (*st_emit_fn)(void *ctx, const void *key, size_t key_len);
int st_list(struct st_engine *st, const char *ns, const void *prefix, size_t prefix_len,
	    const void *cursor, size_t cursor_len, uint64_t limit, uint64_t now,
	    st_emit_fn emit, void *ctx, bool *more);

/* Key + value bytes used by ns and its quota (10 MiB, 1 MiB for `system`). */
int st_usage(struct st_engine *st, const char *ns, uint64_t now, uint64_t *used,
	     uint64_t *quota);

/* Namespace number i (0, 1, ... in the order the disk first held them): its name (NUL-
 * terminated, name[ORB_STORAGE_MAX_NAMESPACE_LENGTH + 1]), usage, quota and live keys.
 * ST_E_NOT_FOUND past the last one. For an administrator's view (`df`). */
int st_namespace(struct st_engine *st, size_t i, uint64_t now, char *name, uint64_t *used,
		 uint64_t *quota, uint64_t *keys);

/* Reclaim every dead sector of the log now (SETs do it by themselves when short). */
int st_compact(struct st_engine *st, uint64_t now);

/* Why the last call failed with ST_E_BACKEND (a constant string). */
const char *st_reason(const struct st_engine *st);
/* Whether a device write or flush failed: the engine then takes no more writes until it
 * is mounted again. */
bool st_failed(const struct st_engine *st);

/* Counters for tests and benchmarks. */
struct st_stats {
	uint64_t keys, live_sectors, log_sectors, ring_sectors;
	uint64_t generation, next_seq, compactions, copied_records;
};
void st_stats(const struct st_engine *st, struct st_stats *out);
