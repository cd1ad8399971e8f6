/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage engine's own state, shared by its files: disk.c (sectors, records,
 * superblocks), index.c (keys and namespaces in memory), mount.c (check and replay),
 * ops.c (the calls), compact.c (reclaiming the log).
 *
 * Log offsets count sectors since the disk was created; offset o lives in sector
 * log_start + o % ring. The log is [tail, head): tail is the durable superblock's, head
 * is where the next record goes. Sequence numbers rise by one per record.
 */
#pragma once

#include "engine.h"

#define ST_SECTOR ORB_STORAGE_SECTOR_SIZE
#define ST_HEADER ((uint32_t)sizeof(orb_storage_record_t))
#define ST_CHUNK 128u           /* sectors moved per device call (64 KiB) */
#define ST_MAX_HOLES 32u        /* unreadable stretches of the log remembered by mount */
#define ST_NS_MAX ORB_STORAGE_MAX_NAMESPACE_LENGTH

/* A live key. Sorted by (namespace index, key bytes). */
struct st_entry {
	uint64_t off;           /* log offset of its newest record */
	uint64_t seq;
	uint64_t time;
	uint64_t expires_at;    /* storage clock, 0 = never */
	uint32_t sectors;
	uint32_t value_len;
	uint16_t key_len;
	uint16_t ns;            /* index in st->spaces */
	bool damaged;           /* its value failed its checksum: never served */
	uint8_t key[];
};

struct st_space {
	char name[ST_NS_MAX + 1];
	uint8_t len;
	uint64_t used;          /* key + value bytes of its live keys */
	uint64_t quota;
};

/* A stretch of the log mount could not read: records resume at `end` with `end_seq`. */
struct st_hole {
	uint64_t start, end, end_seq;
};

struct st_engine {
	struct st_blkdev dev;
	orb_storage_superblock_t sb;    /* as last written (tail, generation, ...) */
	uint64_t ring;
	uint64_t head;
	uint64_t next_seq;
	uint64_t batch;                 /* first seq of the unflushed batch, 0 = none */
	uint64_t clock_base, mount_now; /* clock = clock_base + (now - mount_now) */
	bool failed;                    /* a write or flush failed: no more writes */
	const char *reason;

	struct st_entry **ent;          /* sorted */
	size_t n, cap;
	struct st_space *spaces;
	size_t nspaces, spaces_cap;
	uint64_t live_sectors;          /* sectors of the live keys' records */
	uint32_t largest;               /* no live record is larger (kept as a reserve) */
	uint64_t next_expiry;           /* no entry expires before this, 0 = none */

	/* mount's read-ahead (only while it replays): the ST_CHUNK sectors from log offset
	 * win_off, win_len of them valid */
	uint8_t *win;
	uint64_t win_off;
	uint32_t win_len;

	struct st_hole holes[ST_MAX_HOLES];
	size_t nholes;
	uint64_t compactions, copied;
	uint8_t *buf;                   /* ST_CHUNK sectors */
	uint8_t sector[ST_SECTOR];
};

/* disk.c */
uint32_t st_crc32(uint32_t crc, const void *data, size_t n);
uint32_t st_record_sectors(size_t ns_len, size_t key_len, size_t value_len);
int st_io(struct st_engine *st, uint64_t off, uint32_t count, void *buf, bool write);
bool st_parse_header(const struct st_engine *st, const uint8_t *sector, uint64_t room,
		     orb_storage_record_t *out);
int st_header_at(struct st_engine *st, uint64_t off, uint64_t limit, orb_storage_record_t *h);
int st_check_body(struct st_engine *st, uint64_t off, const orb_storage_record_t *h,
		  void *dst, bool have);
uint64_t st_clock(const struct st_engine *st, uint64_t now);
int st_write_superblocks(const struct st_blkdev *dev, orb_storage_superblock_t *sb);
int st_append(struct st_engine *st, uint8_t kind, uint16_t ns, const void *key,
	      size_t key_len, const void *value, size_t value_len, uint64_t time,
	      uint64_t expires_at);
int st_append_copy(struct st_engine *st, uint64_t off, const orb_storage_record_t *h,
		   bool *intact);
int st_commit(struct st_engine *st);
int st_update_superblock(struct st_engine *st, uint64_t now);
int st_fail(struct st_engine *st, const char *reason);

/* index.c */
bool st_valid_namespace(const char *ns, size_t len);
int st_space(struct st_engine *st, const char *ns, size_t len, bool create);
size_t st_lower_bound(const struct st_engine *st, uint16_t ns, const void *key,
		      size_t key_len);
struct st_entry *st_find(const struct st_engine *st, uint16_t ns, const void *key,
			 size_t key_len);
int st_put(struct st_engine *st, uint16_t ns, const void *key, size_t key_len,
	   const orb_storage_record_t *h, uint64_t off, bool damaged);
void st_remove(struct st_engine *st, uint16_t ns, const void *key, size_t key_len);
size_t st_expire(struct st_engine *st, uint64_t clock);

/* compact.c */
int st_make_room(struct st_engine *st, uint64_t need, uint64_t now);
