/* SPDX-License-Identifier: Apache-2.0 */
/*
 * depth: four threads, each with its own client handle, write 64 KiB requests at once;
 * the driver keeps several at the device together (its max_inflight), and every byte
 * reads back.
 */
#include "blktest.h"

#define THREADS 4
#define WRITES 32
#define CHUNK 128u                /* sectors per request: 64 KiB */

struct worker {
	unsigned index;
	long result;
	struct orb_blk b;
};

static uint8_t bufs[THREADS][CHUNK * SECTOR];

static void fill(uint8_t *buf, uint32_t gen, uint64_t sector)
{
	for (uint32_t s = 0; s < CHUNK; s++)
		for (uint32_t o = 0; o < SECTOR; o += 64)
			buf[s * SECTOR + o] = pattern(gen, sector + s, o);
}

static void writer(void *arg)
{
	struct worker *w = arg;
	uint8_t *buf = bufs[w->index];
	for (unsigned i = 0; i < WRITES && w->result == 0; i++) {
		uint64_t sector = DEPTH_SECTOR + ((uint64_t)w->index * WRITES + i) * CHUNK;
		fill(buf, 7, sector);
		w->result = orb_blk_write(&w->b, sector, CHUNK, buf);
	}
}

int stage_depth(struct orb_blk *b)
{
	static struct worker w[THREADS];
	long tids[THREADS];
	for (unsigned i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .index = i };
		long rc = orb_blk_open(&w[i].b, blk_ep);
		tids[i] = rc < 0 ? rc : orb_thread_start(writer, &w[i], orb_priority());
		if (tids[i] < 0) {
			orb_printf("blk-test: depth: thread %u: %ld\n", i, tids[i]);
			return 1;
		}
	}
	long failed = 0;
	for (unsigned i = 0; i < THREADS; i++) {
		orb_thread_join_out_t code;
		orb_thread_join((uint64_t)tids[i], &code);
		failed += w[i].result != 0;
		orb_blk_close(&w[i].b);
	}
	/* every thread's last request reads back */
	static uint8_t want[CHUNK * SECTOR], got[CHUNK * SECTOR];
	long mismatched = 0;
	for (unsigned i = 0; i < THREADS; i++) {
		uint64_t sector = DEPTH_SECTOR + ((uint64_t)i * WRITES + WRITES - 1) * CHUNK;
		memset(want, 0, sizeof(want));
		fill(want, 7, sector);
		if (orb_blk_read(b, sector, CHUNK, got) < 0)
			mismatched++;
		for (uint32_t s = 0; s < CHUNK; s++)
			for (uint32_t o = 0; o < SECTOR; o += 64)
				mismatched += got[s * SECTOR + o] != want[s * SECTOR + o];
	}
	orb_msg_blk_stats_response_t st;
	long rc = orb_blk_stats(b, &st);
	orb_printf("blk-test: depth: %u threads x %u writes of %u KiB: %ld failed, %ld bytes "
		   "wrong, max_inflight=%u\n", THREADS, WRITES, CHUNK * SECTOR / 1024, failed,
		   mismatched, rc < 0 ? 0 : st.max_inflight);
	return failed || mismatched || rc < 0 || st.max_inflight < 2;
}
