// SPDX-License-Identifier: Apache-2.0
/*
 * Compaction: reclaim the log from its tail.
 *
 * A pass walks records from the tail in log order. A record the index still names is
 * live and is copied to the head (new sequence number, same value, time and expiry); a
 * record it does not name is dead: an overwritten or expired SET, a DELETE (every older
 * record of its key lies behind it, so it has nothing left to hide), a damaged value.
 * Then the batch of copies is flushed and both superblock copies move the tail past the
 * walked records, so a power cut leaves either the old tail (originals still there, the
 * copies merely duplicates with higher numbers) or the new one (copies flushed). Space
 * behind the old tail is reused only once the superblock naming the new tail is durable.
 *
 * Progress: SET keeps free space >= the largest live record (its reserve), so a pass can
 * always copy the record at the tail; each pass moves the tail forward.
 */
#include "internal.h"

static uint64_t free_sectors(const struct st_engine *st)
{
	return st->sb.tail + st->ring - st->head;
}

/* Walk from the tail until `want` sectors are gained, the log as it was at the start is
 * done, or the next live record does not fit; then move the tail. *moved: it did. */
static int clean_pass(struct st_engine *st, uint64_t want, uint64_t now, bool *moved)
{
	uint64_t end = st->head, pos = st->sb.tail, seq = st->sb.tail_seq, copied = 0;
	orb_storage_record_t h;

	*moved = false;
	while (pos < end && (pos - st->sb.tail) - copied < want) {
		if (st->nholes && st->holes[0].start == pos) {  /* a stretch mount skipped */
			pos = st->holes[0].end;
			seq = st->holes[0].end_seq;
			memmove(&st->holes[0], &st->holes[1], --st->nholes * sizeof(st->holes[0]));
			continue;
		}
		int rc = st_header_at(st, pos, end, &h);
		if (rc < 0)
			return rc;
		if (rc == 0 || h.seq != seq || h.kind == ORB_STORAGE_REC_SEAL) {
			st->reason = "a record in the log is damaged; compaction stopped";
			return ST_E_BACKEND;
		}
		int idx = h.kind == ORB_STORAGE_REC_SET
				  ? st_space(st, (const char *)st->sector + ST_HEADER, h.ns_len, false)
				  : -1;
		const uint8_t *key = st->sector + ST_HEADER + h.ns_len;
		struct st_entry *e = idx < 0 ? NULL : st_find(st, (uint16_t)idx, key, h.key_len);
		if (e && e->seq == h.seq && e->damaged) {
			st_remove(st, (uint16_t)idx, key, h.key_len);  /* nothing left to copy */
			e = NULL;
		}
		if (e && e->seq == h.seq) {
			if (free_sectors(st) < h.sectors)
				break;
			uint64_t at = st->head;
			bool intact;
			rc = st_append_copy(st, pos, &h, &intact);
			if (rc < 0)
				return rc;
			e->off = at;
			e->seq = st->next_seq - 1;
			e->damaged = !intact;
			copied += h.sectors;
			st->copied++;
		}
		pos += h.sectors;
		seq++;
	}
	if (pos == st->sb.tail)
		return 0;
	int rc = st_commit(st);
	if (rc < 0)
		return rc;
	st->sb.tail = pos;
	st->sb.tail_seq = seq;
	rc = st_update_superblock(st, now);
	if (rc < 0)
		return rc;
	st->compactions++;
	*moved = true;
	return 0;
}

/* Compact until at least `need` sectors are free. */
int st_make_room(struct st_engine *st, uint64_t need, uint64_t now)
{
	while (free_sectors(st) < need) {
		bool moved;
		int rc = clean_pass(st, need - free_sectors(st), now, &moved);
		if (rc < 0)
			return rc;
		if (!moved) {
			st->reason = "disk full";
			return ST_E_BACKEND;
		}
	}
	return 0;
}

int st_compact(struct st_engine *st, uint64_t now)
{
	if (st->failed)
		return ST_E_BACKEND;
	st_expire(st, st_clock(st, now));
	uint64_t end = st->head;
	while (st->sb.tail < end) {
		bool moved;
		int rc = clean_pass(st, ~0ull, now, &moved);
		if (rc < 0)
			return rc;
		if (!moved)
			break;
	}
	return 0;
}
