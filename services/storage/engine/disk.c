// SPDX-License-Identifier: Apache-2.0
/*
 * Sectors, records and superblocks: the only code that touches the device.
 *
 * A record is a 64-byte header, the namespace, the key and the value, zero-padded to a
 * whole sector; it may run past the end of the ring and continue at its start. Writes
 * go out in batches: st_append() writes records, st_commit() flushes the device (only
 * then is a SET or DELETE acknowledged) and writes a SEAL record where the next record
 * will go, which proves to a later mount that everything before it was flushed.
 */
#include "internal.h"

static uint32_t crc_table[256];

uint32_t st_crc32(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = data;

	if (crc_table[1] == 0) {  /* CRC-32 (ISO-HDLC): reflected polynomial 0xEDB88320 */
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			crc_table[i] = c;
		}
	}
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

uint32_t st_record_sectors(size_t ns_len, size_t key_len, size_t value_len)
{
	return (uint32_t)((ST_HEADER + ns_len + key_len + value_len + ST_SECTOR - 1) / ST_SECTOR);
}

int st_fail(struct st_engine *st, const char *reason)
{
	st->failed = true;
	st->reason = reason;
	return ST_E_BACKEND;
}

static int device_io(struct st_engine *st, uint64_t off, uint32_t count, void *buf, bool write);

/* Move `count` sectors between buf and the log at offset `off`, wrapping at the ring's end.
 * While mount replays (st->win set), reads of up to a chunk come from a window read a
 * chunk at a time: the log is read in 64 KiB requests, not one or two per record. */
int st_io(struct st_engine *st, uint64_t off, uint32_t count, void *buf, bool write)
{
	if (write || !st->win || count > ST_CHUNK) {
		st->win_len = 0;
		return device_io(st, off, count, buf, write);
	}
	if (!st->win_len || off < st->win_off || off + count > st->win_off + st->win_len) {
		st->win_len = 0;
		int rc = device_io(st, off, ST_CHUNK, st->win, false);
		if (rc < 0)
			return rc;
		st->win_off = off;
		st->win_len = ST_CHUNK;
	}
	memcpy(buf, st->win + (size_t)(off - st->win_off) * ST_SECTOR, (size_t)count * ST_SECTOR);
	return 0;
}

static int device_io(struct st_engine *st, uint64_t off, uint32_t count, void *buf, bool write)
{
	uint8_t *p = buf;

	while (count) {
		uint64_t first = off % st->ring;
		uint32_t n = count;
		if (n > st->ring - first)
			n = (uint32_t)(st->ring - first);
		uint64_t sector = st->sb.log_start + first;
		int rc = write ? st->dev.write(st->dev.ctx, sector, n, p)
			       : st->dev.read(st->dev.ctx, sector, n, p);
		if (rc < 0) {
			st->reason = write ? "device write failed" : "device read failed";
			return ST_E_BACKEND;
		}
		p += (size_t)n * ST_SECTOR;
		off += n;
		count -= n;
	}
	return 0;
}

static uint32_t head_crc(uint64_t disk_id, const uint8_t *sector, size_t names)
{
	uint8_t id[8];
	for (int i = 0; i < 8; i++)
		id[i] = (uint8_t)(disk_id >> (8 * i));
	uint32_t c = st_crc32(0, id, 8);
	c = st_crc32(c, sector, ST_HEADER - 4);
	return st_crc32(c, sector + ST_HEADER, names);
}

/* Is `sector` a record header of this disk that fits in `room` sectors? */
bool st_parse_header(const struct st_engine *st, const uint8_t *sector, uint64_t room,
		     orb_storage_record_t *h)
{
	memcpy(h, sector, sizeof(*h));
	if (h->magic != ORB_STORAGE_RECORD_MAGIC || h->kind < ORB_STORAGE_REC_SET ||
	    h->kind > ORB_STORAGE_REC_SEAL)
		return false;
	if (h->ns_len > ORB_STORAGE_MAX_NAMESPACE_LENGTH ||
	    h->key_len > ORB_STORAGE_MAX_KEY_LENGTH || h->value_len > ORB_STORAGE_MAX_VALUE_SIZE)
		return false;
	if (h->kind != ORB_STORAGE_REC_SET && (h->value_len || h->expires_at))
		return false;
	if (h->sectors != st_record_sectors(h->ns_len, h->key_len, h->value_len) || h->seq == 0 ||
	    h->sectors > room)
		return false;
	if (head_crc(st->sb.disk_id, sector, (size_t)h->ns_len + h->key_len) != h->head_crc)
		return false;
	if (h->kind == ORB_STORAGE_REC_SEAL)
		return h->ns_len == 0 && h->key_len == 0;
	return st_valid_namespace((const char *)sector + ST_HEADER, h->ns_len);
}

/* 1 and the header in *h (its names in st->sector) if a valid record starts at `off`
 * and ends by `limit`, 0 if not, or an error. */
int st_header_at(struct st_engine *st, uint64_t off, uint64_t limit, orb_storage_record_t *h)
{
	if (off >= limit)
		return 0;
	int rc = st_io(st, off, 1, st->sector, false);
	if (rc < 0)
		return rc;
	return st_parse_header(st, st->sector, limit - off, h) ? 1 : 0;
}

/* Read the record at `off` whole: 1 if its value matches value_crc and its padding is
 * zero, else 0 (or an error). With dst, the value is copied there as it goes. `have`:
 * the record's first sectors (up to ST_CHUNK) are in st->buf already, not read again. */
int st_check_body(struct st_engine *st, uint64_t off, const orb_storage_record_t *h,
		  void *dst, bool have)
{
	uint64_t vstart = (uint64_t)ST_HEADER + h->ns_len + h->key_len;
	uint64_t vend = vstart + h->value_len;
	uint32_t crc = 0;
	bool pad_ok = true;

	for (uint32_t i = 0; i < h->sectors; i += ST_CHUNK) {
		uint32_t n = h->sectors - i < ST_CHUNK ? h->sectors - i : ST_CHUNK;
		int rc = i == 0 && have ? 0 : st_io(st, off + i, n, st->buf, false);
		if (rc < 0)
			return rc;
		uint64_t base = (uint64_t)i * ST_SECTOR, top = base + (uint64_t)n * ST_SECTOR;
		uint64_t a = vstart > base ? vstart : base, b = vend < top ? vend : top;
		if (a < b) {
			crc = st_crc32(crc, st->buf + (a - base), (size_t)(b - a));
			if (dst)
				memcpy((uint8_t *)dst + (a - vstart), st->buf + (a - base),
				       (size_t)(b - a));
		}
		for (uint64_t p = vend > base ? vend : base; p < top; p++)
			pad_ok &= st->buf[p - base] == 0;
	}
	return crc == h->value_crc && pad_ok;
}

uint64_t st_clock(const struct st_engine *st, uint64_t now)
{
	return st->clock_base + (now > st->mount_now ? now - st->mount_now : 0);
}

/* Copy 0, flush, copy 1, flush: whatever happens, one copy is whole. */
int st_write_superblocks(const struct st_blkdev *dev, orb_storage_superblock_t *sb)
{
	uint8_t sector[ST_SECTOR];

	sb->crc = 0;
	sb->crc = st_crc32(0, sb, sizeof(*sb));
	memset(sector, 0, sizeof(sector));
	memcpy(sector, sb, sizeof(*sb));
	for (uint64_t copy = 0; copy < ORB_STORAGE_SB_COPIES; copy++) {
		if (dev->write(dev->ctx, copy, 1, sector) < 0 || dev->flush(dev->ctx) < 0)
			return ST_E_BACKEND;
	}
	return 0;
}

/* Seal what is on the disk now: a new generation (the epoch of the records that follow),
 * the sealed end of the log, the clock. The caller has set tail and tail_seq. */
int st_update_superblock(struct st_engine *st, uint64_t now)
{
	st->sb.generation++;
	st->sb.sealed_seq = st->next_seq - 1;
	st->sb.sealed_head = st->head;
	st->sb.clock = st_clock(st, now);
	if (st_write_superblocks(&st->dev, &st->sb) < 0)
		return st_fail(st, "superblock write failed");
	return 0;
}

static void fill_header(struct st_engine *st, orb_storage_record_t *h, uint8_t kind,
			size_t ns_len, size_t key_len, size_t value_len)
{
	memset(h, 0, sizeof(*h));
	h->magic = ORB_STORAGE_RECORD_MAGIC;
	h->kind = kind;
	h->ns_len = (uint8_t)ns_len;
	h->key_len = (uint16_t)key_len;
	h->value_len = (uint32_t)value_len;
	h->sectors = st_record_sectors(ns_len, key_len, value_len);
	h->seq = st->next_seq;
	h->epoch = st->sb.generation;
	if (st->batch == 0)
		st->batch = st->next_seq;
	h->batch = st->batch;
}

/* Append one record at the head (not yet flushed). */
int st_append(struct st_engine *st, uint8_t kind, uint16_t ns, const void *key,
	      size_t key_len, const void *value, size_t value_len, uint64_t time,
	      uint64_t expires_at)
{
	const struct st_space *sp = &st->spaces[ns];
	orb_storage_record_t h;
	size_t ns_len = sp->len;

	if (st->failed)
		return ST_E_BACKEND;
	fill_header(st, &h, kind, ns_len, key_len, value_len);
	h.time = time;
	h.expires_at = expires_at;
	h.value_crc = st_crc32(0, value, value_len);

	/* the record's bytes: header, namespace, key, value, zeros; sent ST_CHUNK sectors
	 * at a time */
	const uint8_t *part[4] = {(const uint8_t *)&h, (const uint8_t *)sp->name, key, value};
	size_t left[4] = {ST_HEADER, ns_len, key_len, value_len};
	int k = 0;
	for (uint32_t i = 0; i < h.sectors; i += ST_CHUNK) {
		uint32_t n = h.sectors - i < ST_CHUNK ? h.sectors - i : ST_CHUNK;
		size_t fill = 0, size = (size_t)n * ST_SECTOR;
		while (fill < size && k < 4) {
			size_t take = left[k] < size - fill ? left[k] : size - fill;
			if (take)
				memcpy(st->buf + fill, part[k], take);
			fill += take;
			part[k] += take;
			left[k] -= take;
			if (left[k] == 0)
				k++;
		}
		memset(st->buf + fill, 0, size - fill);
		if (i == 0)  /* the header's checksum covers the names after it */
			((orb_storage_record_t *)st->buf)->head_crc =
				head_crc(st->sb.disk_id, st->buf, ns_len + key_len);
		if (st_io(st, st->head + i, n, st->buf, true) < 0)
			return st_fail(st, "device write failed");
	}
	st->head += h.sectors;
	st->next_seq++;
	return 0;
}

/* Append a copy of the record at `off` (header h) with a new sequence number and epoch;
 * *intact says whether its value still matched its checksum on the way. */
int st_append_copy(struct st_engine *st, uint64_t off, const orb_storage_record_t *h,
		   bool *intact)
{
	uint64_t vstart = (uint64_t)ST_HEADER + h->ns_len + h->key_len;
	uint64_t vend = vstart + h->value_len;
	uint32_t crc = 0;

	if (st->failed)
		return ST_E_BACKEND;
	for (uint32_t i = 0; i < h->sectors; i += ST_CHUNK) {
		uint32_t n = h->sectors - i < ST_CHUNK ? h->sectors - i : ST_CHUNK;
		if (st_io(st, off + i, n, st->buf, false) < 0)
			return ST_E_BACKEND;
		uint64_t base = (uint64_t)i * ST_SECTOR, top = base + (uint64_t)n * ST_SECTOR;
		uint64_t a = vstart > base ? vstart : base, b = vend < top ? vend : top;
		if (a < b)
			crc = st_crc32(crc, st->buf + (a - base), (size_t)(b - a));
		if (i == 0) {
			orb_storage_record_t nh;
			fill_header(st, &nh, h->kind, h->ns_len, h->key_len, h->value_len);
			nh.time = h->time;
			nh.expires_at = h->expires_at;
			nh.value_crc = h->value_crc;
			memcpy(st->buf, &nh, sizeof(nh));
			((orb_storage_record_t *)st->buf)->head_crc =
				head_crc(st->sb.disk_id, st->buf, (size_t)h->ns_len + h->key_len);
		}
		if (st_io(st, st->head + i, n, st->buf, true) < 0)
			return st_fail(st, "device write failed");
	}
	*intact = crc == h->value_crc;
	st->head += h->sectors;
	st->next_seq++;
	return 0;
}

/* Make the batch durable, then mark the end of the log with a SEAL (not flushed: the
 * next batch overwrites it, a later mount reads it as proof of this flush). */
int st_commit(struct st_engine *st)
{
	if (st->batch == 0)
		return 0;
	if (st->dev.flush(st->dev.ctx) < 0)
		return st_fail(st, "device flush failed");
	st->batch = 0;
	if (st->head < st->sb.tail + st->ring) {
		orb_storage_record_t h;
		fill_header(st, &h, ORB_STORAGE_REC_SEAL, 0, 0, 0);
		st->batch = 0;
		memset(st->sector, 0, ST_SECTOR);
		memcpy(st->sector, &h, sizeof(h));
		((orb_storage_record_t *)st->sector)->head_crc =
			head_crc(st->sb.disk_id, st->sector, 0);
		if (st_io(st, st->head, 1, st->sector, true) < 0)
			st_fail(st, "device write failed");
	}
	return 0;
}
