// SPDX-License-Identifier: Apache-2.0
/*
 * Mount: pick the superblock, replay the log, report what was found, seal it.
 *
 * The replay starts at the superblock's tail and accepts one record per expected
 * sequence number (its epoch never below the previous record's). Where no such record
 * is, the check tells the end of the log from a torn write and from damage:
 *   - up to the superblock's sealed_seq every record was complete when it was written,
 *     so a missing one is damage;
 *   - after it, a valid record further on (within one largest record) from a later flush
 *     batch proves the missing one was flushed (damage); from the same batch, that the
 *     batch never finished (torn: discarded, a note, not damage); nothing: the end.
 * A damaged header hides the record's length: the log resumes at the next valid header
 * (remembered as a hole for compaction). A damaged value keeps its key, marked damaged,
 * so GET reports it instead of serving it. orbital_build/storage/scan.py is the same
 * procedure in Python; the host tests hold the two to the same findings.
 *
 * Then the engine writes both superblock copies with the next generation: every record
 * replayed is sealed, and records written from now on carry the new epoch, so records of
 * a batch discarded here can never be mistaken for new ones later.
 */
#include "internal.h"

int st_format(const struct st_blkdev *dev, uint64_t disk_id)
{
	orb_storage_superblock_t sb;

	if (dev->nsectors < ORB_STORAGE_MIN_SECTORS)
		return ST_E_BACKEND;
	memset(&sb, 0, sizeof(sb));
	sb.magic = ORB_STORAGE_SB_MAGIC;
	sb.version = ORB_STORAGE_FORMAT_VERSION;
	sb.sector_size = ORB_STORAGE_SECTOR_SIZE;
	sb.generation = 1;
	sb.disk_id = disk_id;
	sb.nsectors = dev->nsectors;
	sb.log_start = ORB_STORAGE_LOG_START;
	sb.tail_seq = 1;
	return st_write_superblocks(dev, &sb);
}

static void note(struct st_report *r, uint32_t kind, uint64_t where, uint64_t first,
		 uint64_t last)
{
	if (r->nproblems < ST_MAX_PROBLEMS)
		r->problems[r->nproblems] = (struct st_problem){kind, 0, where, first, last};
	r->nproblems++;
	if (kind != ORB_STORAGE_PROBLEM_TORN)
		r->damage++;
}

/* Why superblock copy `raw` is unusable (a kind of problem), or NULL if it is fine. */
static bool sb_ok(const uint8_t *raw, orb_storage_superblock_t *sb)
{
	memcpy(sb, raw, sizeof(*sb));
	uint32_t crc = sb->crc;
	sb->crc = 0;
	bool ok = sb->magic == ORB_STORAGE_SB_MAGIC && st_crc32(0, sb, sizeof(*sb)) == crc &&
		  sb->version == ORB_STORAGE_FORMAT_VERSION &&
		  sb->sector_size == ORB_STORAGE_SECTOR_SIZE &&
		  sb->log_start == ORB_STORAGE_LOG_START &&
		  sb->nsectors >= ORB_STORAGE_MIN_SECTORS && sb->nsectors < (1ull << 48);
	sb->crc = crc;
	if (!ok)
		return false;
	uint64_t ring = sb->nsectors - sb->log_start;
	return sb->tail <= sb->sealed_head && sb->sealed_head <= sb->tail + ring &&
	       sb->tail_seq != 0 && sb->tail_seq <= sb->sealed_seq + 1;
}

/* The first valid header after `start`, within one largest record, that continues the
 * log: a later sequence number and no older epoch. 1 with *at and *h, 0, or an error. */
static int look_ahead(struct st_engine *st, uint64_t start, uint64_t expect, uint64_t epoch,
		      uint64_t limit, uint64_t *at, orb_storage_record_t *h)
{
	uint64_t end = start + ORB_STORAGE_MAX_RECORD_SECTORS;
	if (end > limit)
		end = limit;
	for (uint64_t off = start; off < end; off += ST_CHUNK) {  /* read a chunk at a time */
		uint32_t n = end - off < ST_CHUNK ? (uint32_t)(end - off) : ST_CHUNK;
		int rc = st_io(st, off, n, st->buf, false);
		if (rc < 0)
			return rc;
		for (uint32_t i = 0; i < n; i++) {
			const uint8_t *sector = st->buf + (size_t)i * ST_SECTOR;
			if (st_parse_header(st, sector, limit - off - i, h) && h->seq > expect &&
			    h->epoch >= epoch) {
				memcpy(st->sector, sector, ST_SECTOR);
				*at = off + i;
				return 1;
			}
		}
	}
	return 0;
}

static int apply(struct st_engine *st, const orb_storage_record_t *h, uint64_t off,
		 bool damaged, uint64_t *clock)
{
	const char *ns = (const char *)st->sector + ST_HEADER;
	const uint8_t *key = st->sector + ST_HEADER + h->ns_len;

	if (h->time > *clock)
		*clock = h->time;
	int idx = st_space(st, ns, h->ns_len, h->kind == ORB_STORAGE_REC_SET);
	if (idx == ST_E_BACKEND)
		return idx;
	if (h->kind == ORB_STORAGE_REC_SET)
		return st_put(st, (uint16_t)idx, key, h->key_len, h, off, damaged);
	if (idx >= 0)
		st_remove(st, (uint16_t)idx, key, h->key_len);
	return 0;
}

static int replay(struct st_engine *st, struct st_report *r, uint64_t *clock)
{
	const orb_storage_superblock_t *sb = &st->sb;
	uint64_t pos = sb->tail, expect = sb->tail_seq, epoch = 0;
	uint64_t limit = sb->tail + st->ring;
	orb_storage_record_t h, nh;
	uint64_t at;
	int rc;

	while (pos < limit) {
		rc = st_header_at(st, pos, limit, &h);
		if (rc < 0)
			return rc;
		if (rc && h.seq == expect && h.epoch >= epoch) {
			if (h.kind == ORB_STORAGE_REC_SEAL)
				break;
			int intact = st_check_body(st, pos, &h, NULL, false);
			if (intact < 0)
				return intact;
			if (!intact) {
				uint8_t names[ST_HEADER + ST_NS_MAX + ORB_STORAGE_MAX_KEY_LENGTH];
				memcpy(names, st->sector, sizeof(names));
				rc = st_header_at(st, pos + h.sectors, limit, &nh);
				if (rc < 0)
					return rc;
				bool later = rc && nh.seq == expect + 1 && nh.epoch >= h.epoch &&
					     nh.batch > expect;
				memcpy(st->sector, names, sizeof(names));
				if (expect > sb->sealed_seq && !later) {
					note(r, ORB_STORAGE_PROBLEM_TORN, pos, expect, expect);
					break;
				}
				note(r, ORB_STORAGE_PROBLEM_DAMAGED_VALUE, pos, expect, expect);
			}
			rc = apply(st, &h, pos, !intact, clock);
			if (rc < 0)
				return rc;
			r->records++;
			pos += h.sectors;
			expect++;
			epoch = h.epoch;
			continue;
		}
		rc = look_ahead(st, pos + 1, expect, epoch, limit, &at, &nh);
		if (rc < 0)
			return rc;
		if (expect <= sb->sealed_seq || (rc && nh.batch > expect)) {
			if (!rc) {
				note(r, ORB_STORAGE_PROBLEM_LOST_END, pos, expect, sb->sealed_seq);
				break;
			}
			note(r, ORB_STORAGE_PROBLEM_LOST, pos, expect, nh.seq - 1);
			if (st->nholes == ST_MAX_HOLES) {
				st->reason = "too many damaged stretches in the log";
				return ST_E_BACKEND;
			}
			st->holes[st->nholes++] = (struct st_hole){pos, at, nh.seq};
			pos = at;
			expect = nh.seq;
			continue;
		}
		if (rc)
			note(r, ORB_STORAGE_PROBLEM_TORN, pos, expect, expect);
		break;
	}
	st->head = pos;
	st->next_seq = expect;
	return 0;
}

static int mount_fail(struct st_engine *st, struct st_report *r, const char *why)
{
	r->error = why;
	st_unmount(st);
	return ST_E_BACKEND;
}

int st_mount(struct st_engine **out, const struct st_blkdev *dev, uint64_t now,
	     struct st_report *r)
{
	memset(r, 0, sizeof(*r));
	*out = NULL;
	struct st_engine *st = orb_malloc(sizeof(*st));
	if (!st) {
		r->error = "out of memory";
		return ST_E_BACKEND;
	}
	memset(st, 0, sizeof(*st));
	st->dev = *dev;
	st->buf = orb_malloc((size_t)ST_CHUNK * ST_SECTOR);
	if (!st->buf)
		return mount_fail(st, r, "out of memory");
	if (dev->nsectors < ORB_STORAGE_SB_COPIES)
		return mount_fail(st, r, "not a storage disk (too small)");

	/* the superblock: the valid copy with the highest generation */
	orb_storage_superblock_t copy[ORB_STORAGE_SB_COPIES];
	int best = -1;
	bool magic = false;
	for (int i = 0; i < (int)ORB_STORAGE_SB_COPIES; i++) {
		if (dev->read(dev->ctx, (uint64_t)i, 1, st->sector) < 0)
			return mount_fail(st, r, "device read failed");
		magic |= ((orb_storage_superblock_t *)st->sector)->magic == ORB_STORAGE_SB_MAGIC;
		if (!sb_ok(st->sector, &copy[i])) {
			note(r, ORB_STORAGE_PROBLEM_SUPERBLOCK, (uint64_t)i, 0, 0);
			continue;
		}
		if (best < 0 || copy[i].generation > copy[best].generation)
			best = i;
	}
	if (best < 0)
		return mount_fail(st, r, magic ? "no usable superblock"
					       : "not a storage disk (no superblock)");
	st->sb = copy[best];
	r->generation = st->sb.generation;
	if (dev->nsectors < st->sb.nsectors)
		return mount_fail(st, r, "truncated: the device is smaller than the disk");
	st->ring = st->sb.nsectors - st->sb.log_start;

	uint64_t clock = st->sb.clock;
	st->win = orb_malloc((size_t)ST_CHUNK * ST_SECTOR);   /* read-ahead, replay only */
	int rc = st->win ? replay(st, r, &clock) : ST_E_BACKEND;
	orb_free(st->win);
	st->win = NULL;
	st->win_len = 0;
	if (rc < 0)
		return mount_fail(st, r, st->reason ? st->reason : "device read failed");
	st->clock_base = clock;
	st->mount_now = now;
	r->expired = st_expire(st, clock);
	st->largest = 0;
	for (size_t i = 0; i < st->n; i++)
		if (st->ent[i]->sectors > st->largest)
			st->largest = st->ent[i]->sectors;
	r->keys = st->n;
	r->log_sectors = st->head - st->sb.tail;

	if (st_update_superblock(st, now) < 0)
		return mount_fail(st, r, "superblock write failed");
	*out = st;
	return 0;
}

void st_unmount(struct st_engine *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		orb_free(st->ent[i]);
	orb_free(st->ent);
	orb_free(st->spaces);
	orb_free(st->buf);
	orb_free(st);
}
