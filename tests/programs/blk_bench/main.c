/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blk-bench (images/bench-io.toml, `orbital-qemu bench`): raw write throughput of the
 * block driver alone, through the block protocol: 16 MiB in 64 KiB requests, first from
 * one thread (one request at a time), then from four threads at once (the driver keeps
 * them at the device together), each run ended by a flush inside the timing. Prints one
 * line `blkbench: {json}` with MiB/s in guest time (the TSC, calibrated at boot).
 */
#include <orbital.h>
#include <orbital/blk.h>
#include <orbital/service.h>

#define TOTAL (16u << 20)
#define CHUNK (64u << 10)
#define THREADS 4
#define FIRST_SECTOR 8192u

static orb_cptr_t ep;
static uint8_t data[THREADS][CHUNK];

struct run {
	unsigned index, threads;
	long result;
};

static void writer(void *arg)
{
	struct run *r = arg;
	struct orb_blk b;
	r->result = orb_blk_open(&b, ep);
	uint32_t per = TOTAL / r->threads, sectors = CHUNK / 512;
	uint64_t first = FIRST_SECTOR + (uint64_t)r->index * (per / 512);
	for (uint32_t done = 0; done < per && r->result == 0; done += CHUNK)
		r->result = orb_blk_write(&b, first + done / 512, sectors, data[r->index]);
	orb_blk_close(&b);
}

/* MiB/s * 100 of writing TOTAL with `threads` writers, or -E. */
static long measure(unsigned threads, struct orb_blk *b)
{
	static struct run runs[THREADS];
	long tids[THREADS];
	uint64_t t0 = orb_now_ns();
	for (unsigned i = 0; i < threads; i++) {
		runs[i] = (struct run){ .index = i, .threads = threads };
		tids[i] = orb_thread_start(writer, &runs[i], orb_priority());
		if (tids[i] < 0)
			return tids[i];
	}
	for (unsigned i = 0; i < threads; i++) {
		orb_thread_join_out_t out;
		orb_thread_join((uint64_t)tids[i], &out);
		if (runs[i].result < 0)
			return runs[i].result;
	}
	long rc = orb_blk_flush(b);
	uint64_t ns = orb_now_ns() - t0;
	if (rc < 0)
		return rc;
	return (long)((uint64_t)TOTAL * 100 * 1000000000ull / (ns ? ns : 1) >> 20);
}

int main(void)
{
	orb_send_ready();
	struct orb_blk b;
	long rc = orb_lookup_service("blk", &ep, NULL, 0);
	if (rc == 0)
		rc = orb_blk_open(&b, ep);
	if (rc < 0) {
		orb_printf("blkbench: no block device: %ld\n", rc);
		return 1;
	}
	for (unsigned t = 0; t < THREADS; t++)
		for (uint32_t i = 0; i < CHUNK; i++)
			data[t][i] = (uint8_t)(i * 7 + t);
	long qd1 = measure(1, &b), qd4 = measure(THREADS, &b);
	orb_msg_blk_stats_response_t st;
	long srq = orb_blk_stats(&b, &st);
	if (qd1 < 0 || qd4 < 0 || srq < 0) {
		orb_printf("blkbench: failed: %ld %ld %ld\n", qd1, qd4, srq);
		return 1;
	}
	orb_printf("blkbench: {\"blk_raw_write_mib_per_s\": %ld.%02ld, "
		   "\"blk_raw_write_qd1_mib_per_s\": %ld.%02ld, \"blk_bytes_per_run\": %u, "
		   "\"blk_request_bytes\": %u, \"blk_threads\": %u, \"blk_max_inflight\": %u}\n",
		   qd4 / 100, qd4 % 100, qd1 / 100, qd1 % 100, TOTAL, CHUNK, THREADS,
		   st.max_inflight);
	return 0;
}
