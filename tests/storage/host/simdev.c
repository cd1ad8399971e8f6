// SPDX-License-Identifier: Apache-2.0
/*
 * A block device in RAM that can lose power, for the engine's host tests (loaded with
 * ctypes by tests/storage/engine.py), and the heap the engine expects (port.h).
 *
 * Writes land in a cache that reads see at once, and are remembered until the next
 * flush, which makes them durable (the medium). sim_arm(n) lets n more writes or flushes
 * happen and then cuts the power: that call and every later one fails. sim_cut() then
 * decides what the medium kept of each unflushed sector write, in a random order: kept,
 * dropped, or torn (its first k bytes new, the rest old), as a device that reorders
 * writes between flushes might.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define SECTOR 512u

void *orb_malloc(size_t n)
{
	return malloc(n);
}

void orb_free(void *p)
{
	free(p);
}

struct pending {
	uint64_t sector;
	uint8_t data[SECTOR];
};

struct sim {
	struct st_blkdev dev;
	uint64_t nsectors;
	uint8_t *media, *cache;
	struct pending *pend;
	size_t npend, cap;
	long ops_left;          /* writes/flushes until the power goes; -1: never */
	bool dead;
	uint64_t rng;
	uint64_t writes, flushes, sectors_written;
	int fail_next;          /* make the next write (1) or flush (2) fail, power on */
	uint32_t kept, dropped, torn, sb_touched;
};

static uint64_t next(struct sim *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

static bool power(struct sim *s)
{
	if (s->dead)
		return false;
	if (s->ops_left == 0) {
		s->dead = true;
		return false;
	}
	if (s->ops_left > 0)
		s->ops_left--;
	return true;
}

static int sim_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	struct sim *s = ctx;
	if (s->dead || sector + count > s->nsectors)
		return -5;
	memcpy(buf, s->cache + sector * SECTOR, (size_t)count * SECTOR);
	return 0;
}

static int sim_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	struct sim *s = ctx;
	if (sector + count > s->nsectors || !power(s))
		return -5;
	if (s->fail_next == 1) {
		s->fail_next = 0;
		return -5;
	}
	s->writes++;
	for (uint32_t i = 0; i < count; i++) {
		if (s->npend == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->pend = realloc(s->pend, s->cap * sizeof(*s->pend));
		}
		struct pending *p = &s->pend[s->npend++];
		p->sector = sector + i;
		memcpy(p->data, (const uint8_t *)buf + (size_t)i * SECTOR, SECTOR);
		memcpy(s->cache + (sector + i) * SECTOR, p->data, SECTOR);
	}
	s->sectors_written += count;
	return 0;
}

static int sim_flush(void *ctx)
{
	struct sim *s = ctx;
	if (!power(s))
		return -5;
	if (s->fail_next == 2) {
		s->fail_next = 0;
		return -5;
	}
	s->flushes++;
	for (size_t i = 0; i < s->npend; i++)
		memcpy(s->media + s->pend[i].sector * SECTOR, s->pend[i].data, SECTOR);
	s->npend = 0;
	return 0;
}

/* Every unflushed write reaches the medium: the machine stayed on long enough. */
void sim_settle(struct sim *s)
{
	for (size_t i = 0; i < s->npend; i++)
		memcpy(s->media + s->pend[i].sector * SECTOR, s->pend[i].data, SECTOR);
	s->npend = 0;
}

struct sim *sim_new(uint64_t nsectors, uint64_t seed)
{
	struct sim *s = calloc(1, sizeof(*s));
	s->nsectors = nsectors;
	s->media = calloc(nsectors, SECTOR);
	s->cache = calloc(nsectors, SECTOR);
	s->ops_left = -1;
	s->rng = seed | 1;
	s->dev = (struct st_blkdev){s, nsectors, sim_read, sim_write, sim_flush};
	return s;
}

void sim_free(struct sim *s)
{
	free(s->media);
	free(s->cache);
	free(s->pend);
	free(s);
}

struct st_blkdev *sim_dev(struct sim *s)
{
	return &s->dev;
}

void sim_arm(struct sim *s, long ops)
{
	s->ops_left = ops;
}

void sim_fail_next(struct sim *s, int what)
{
	s->fail_next = what;
}

bool sim_dead(const struct sim *s)
{
	return s->dead;
}

/* The power is gone: decide the fate of every unflushed write, then power up again. */
void sim_cut(struct sim *s)
{
	s->kept = s->dropped = s->torn = s->sb_touched = 0;
	for (size_t i = s->npend; i > 1; i--) {  /* the order they reach the medium */
		size_t j = next(s) % i;
		struct pending t = s->pend[i - 1];
		s->pend[i - 1] = s->pend[j];
		s->pend[j] = t;
	}
	for (size_t i = 0; i < s->npend; i++) {
		struct pending *p = &s->pend[i];
		uint8_t *dst = s->media + p->sector * SECTOR;
		uint64_t r = next(s) % 10;
		if (r < 4) {
			s->dropped++;
			continue;
		}
		if (p->sector < ORB_STORAGE_LOG_START)
			s->sb_touched++;
		if (r < 8) {
			memcpy(dst, p->data, SECTOR);
			s->kept++;
		} else {
			size_t k = 1 + next(s) % (SECTOR - 1);
			memcpy(dst, p->data, k);
			s->torn++;
		}
	}
	s->npend = 0;
	memcpy(s->cache, s->media, s->nsectors * SECTOR);
	s->dead = false;
	s->ops_left = -1;
}

uint32_t sim_counter(const struct sim *s, int which)
{
	switch (which) {
	case 0: return s->kept;
	case 1: return s->dropped;
	case 2: return s->torn;
	case 3: return s->sb_touched;
	case 4: return (uint32_t)s->npend;
	default: return 0;
	}
}

uint64_t sim_stat(const struct sim *s, int which)
{
	return which == 0 ? s->writes : which == 1 ? s->flushes : s->sectors_written;
}

/* The medium as it is (durable state), and loading an image into it. */
uint8_t *sim_media(struct sim *s)
{
	return s->media;
}

void sim_load(struct sim *s, const uint8_t *image, uint64_t len)
{
	memcpy(s->media, image, len);
	memcpy(s->cache, image, len);
	s->npend = 0;
}

/* Flip bits of a byte on the medium (damage between boots). */
void sim_flip(struct sim *s, uint64_t offset, uint8_t mask)
{
	s->media[offset] ^= mask;
	s->cache[offset] ^= mask;
}
