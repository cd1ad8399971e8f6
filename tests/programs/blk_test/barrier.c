/* SPDX-License-Identifier: Apache-2.0 */
/*
 * barrier (images/blk-barrier.toml, a disk QEMU throttles to 64 KiB/s of writes): one
 * thread writes 64 KiB twice; the first fills the throttle's bucket, so the second is at
 * the device for about a second; meanwhile another handle
 * opens the device. BLK_INFO must not be answered before that write has finished: a
 * restarted client (a killed Storage's successor) never races a write its predecessor
 * left at the device. The driver's write count, read before and after the open, shows it.
 */
#include "blktest.h"

#define CHUNK 128u                /* sectors: 64 KiB, about a second at 64 KiB/s */

static struct orb_blk wb;
static uint8_t buf[CHUNK * SECTOR];
static volatile long write_rc = 1;

static void writer(void *unused)
{
	(void)unused;
	write_rc = orb_blk_write(&wb, BARRIER_SECTOR, CHUNK, buf);
	if (write_rc == 0)
		write_rc = orb_blk_write(&wb, BARRIER_SECTOR, CHUNK, buf);
}

int stage_barrier(struct orb_blk *b)
{
	for (uint32_t i = 0; i < sizeof(buf); i++)
		buf[i] = pattern(9, BARRIER_SECTOR + i / SECTOR, i % SECTOR);
	long rc = orb_blk_open(&wb, blk_ep);
	long tid = rc < 0 ? rc : orb_thread_start(writer, NULL, orb_priority());
	if (tid < 0) {
		orb_printf("blk-test: barrier: no writer: %ld\n", tid);
		return 1;
	}
	orb_msg_blk_stats_response_t before = { 0 }, after = { 0 };
	/* the first write is done and the second at the device */
	for (unsigned ms = 0; ms < 3000; ms++) {
		if (orb_blk_stats(b, &before) < 0 || (before.writes == 1 && before.inflight == 1))
			break;
		orb_sleep_ms(1);
	}
	uint64_t t0 = orb_now_ns();
	struct orb_blk late;
	rc = orb_blk_open(&late, blk_ep);
	uint64_t open_ms = (orb_now_ns() - t0) / 1000000;
	if (rc == 0)
		rc = orb_blk_stats(&late, &after);
	orb_thread_join_out_t code;
	orb_thread_join((uint64_t)tid, &code);
	orb_printf("blk-test: barrier: inflight=%lu writes_before=%lu writes_after=%lu "
		   "open_ms=%lu write=%ld open=%ld\n", (unsigned long)before.inflight,
		   (unsigned long)before.writes, (unsigned long)after.writes,
		   (unsigned long)open_ms, write_rc, rc);
	if (rc == 0)
		orb_blk_close(&late);
	orb_blk_close(&wb);
	return rc == 0 && write_rc == 0 && before.writes == 1 && before.inflight == 1 &&
	       after.writes == 2 ? 0 : 1;
}
