/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Requests: the block protocol's handler (run by QUEUE_DEPTH serving threads at once) and
 * the interrupt thread that finishes them.
 *
 * A request takes a free slot, builds a three-descriptor chain — header (device reads),
 * data (device reads for a write, writes for a read; none for a flush), status (device
 * writes) — adds it to the queue under the lock, kicks the device and waits on the slot's
 * notification. The interrupt thread pops finished chains (their token is the slot) and
 * signals each slot's notification. Everything the client sends is checked before the
 * device sees anything: the length, the sectors against the capacity, the window against
 * the shared object.
 *
 * Opening is a barrier. A client that dies (a killed Storage) can leave a write at the
 * device; its restarted successor opens the device with BLK_INFO, reads the log and may
 * write the same sectors. Were the old write to land after the new one, an acknowledged
 * write would be lost. So BLK_INFO is answered only once every request that began before
 * it has finished: whatever a dead client left behind is on the device (or failed) before
 * its successor reads anything.
 */
#include "blk.h"

#include <orbital/transfer.h>

/* A free slot; NULL when none freed up for SLOT_WAIT_MS (every slot is lost to a device
 * that stopped answering). */
static struct slot *slot_take(void)
{
	for (unsigned ms = 0; ms < SLOT_WAIT_MS; ms++) {   /* a slot per serving thread */
		orb_lock(&g.lock);
		for (unsigned i = 0; i < QUEUE_DEPTH; i++) {
			struct slot *s = &g.slot[i];
			if (!s->busy && !s->lost) {
				s->busy = true;
				orb_unlock(&g.lock);
				return s;
			}
		}
		orb_unlock(&g.lock);
		orb_sleep_ms(1);
	}
	return NULL;
}

/* A request begins: its ticket in a free entry of g.active; returns the entry. There is
 * always one: QUEUE_DEPTH threads serve, each one request at a time. */
static unsigned request_begin(void)
{
	orb_lock(&g.lock);
	unsigned i = 0;
	while (i < QUEUE_DEPTH - 1 && g.active[i])
		i++;
	g.active[i] = ++g.tickets;
	orb_unlock(&g.lock);
	return i;
}

static void request_end(unsigned i)
{
	orb_lock(&g.lock);
	g.active[i] = 0;
	orb_unlock(&g.lock);
}

/* Wait until every request that began before now has finished (bounded by the device
 * timeout: a request the device never finishes gives up after IO_TIMEOUT_NS). */
static void open_barrier(void)
{
	orb_lock(&g.lock);
	uint64_t me = ++g.tickets;
	orb_unlock(&g.lock);
	for (uint64_t ms = 0; ms <= IO_TIMEOUT_NS / 1000000; ms++) {
		bool older = false;
		orb_lock(&g.lock);
		for (unsigned i = 0; i < QUEUE_DEPTH; i++)
			older |= g.active[i] && g.active[i] < me;
		orb_unlock(&g.lock);
		if (!older)
			return;
		orb_sleep_ms(1);
	}
}

static void slot_give(struct slot *s)
{
	orb_lock(&g.lock);
	s->busy = false;
	orb_unlock(&g.lock);
}

/* Submit the slot's request with `len` data bytes and wait for it: 0, -EIO, -ENOSYS
 * (the device does not do it) or -ETIMEDOUT (the slot is lost). */
static long submit(struct slot *s, uint32_t type, uint64_t sector, uint32_t len)
{
	s->hdr->type = type;
	s->hdr->reserved = 0;
	s->hdr->sector = sector;
	*s->status = 0xFF;
	struct virtq_buf bufs[3] = { { s->hdr_phys, sizeof(struct blk_req_header), false } };
	unsigned n = 1;
	if (len)
		bufs[n++] = (struct virtq_buf){ s->data_phys, len, type == VIRTIO_BLK_T_IN };
	bufs[n++] = (struct virtq_buf){ s->status_phys, 1, true };
	orb_notification_poll(s->done);   /* nothing stale */
	orb_lock(&g.lock);
	long rc = virtq_add(&g.q, bufs, n, s);
	if (rc >= 0) {
		virtq_kick(&g.q);
		if (++g.stats.inflight > g.stats.max_inflight)
			g.stats.max_inflight = g.stats.inflight;
	}
	orb_unlock(&g.lock);
	if (rc < 0)
		return rc;
	long bits = orb_notification_wait(s->done, IO_TIMEOUT_NS);
	if (bits < 0) {
		orb_printf("virtio-blk: request at sector %lu: no answer from the device (%ld)\n",
			   (unsigned long)sector, bits);
		orb_lock(&g.lock);
		s->lost = true;   /* the device may still write into it: never reuse it */
		orb_unlock(&g.lock);
		return -ORB_ETIMEDOUT;
	}
	uint8_t st = *s->status;
	if (st == VIRTIO_BLK_S_OK)
		return 0;
	orb_lock(&g.lock);
	g.stats.errors++;
	orb_unlock(&g.lock);
	return st == VIRTIO_BLK_S_UNSUPP ? -ORB_ENOSYS : -ORB_EIO;
}

static long reply(long status)
{
	uint8_t buf[8];
	orb_msg_blk_response_t r = { .status = (int32_t)status };
	long n = orb_msg_blk_response_encode(buf, sizeof(buf), &r);
	return n < 0 ? n : orb_reply(ORB_MSG_BLK_RESPONSE, buf, (size_t)n, NULL, 0);
}

/* A read or write of `length` bytes at `sector`, through the object in m->caps[0]. */
static long transfer(orb_msg_t *m, bool write, uint64_t sector, uint64_t offset,
		     uint64_t length)
{
	if (!length || length % SECTOR || length > MAX_BYTES || m->ncaps != 1)
		return reply(-ORB_EINVAL);
	uint64_t count = length / SECTOR;
	if (sector >= g.sectors || count > g.sectors - sector)
		return reply(-ORB_ERANGE);
	if (write && g.read_only)
		return reply(-ORB_EPERM);
	struct orb_xfer_view v;
	/* a read fills the client's object: it must be lent writable */
	long rc = orb_xfer_open(m->caps[0], offset, length, !write, &v);
	if (rc < 0)
		return reply(rc);
	struct slot *s = slot_take();
	if (!s) {
		orb_xfer_close(&v);
		return reply(-ORB_ETIMEDOUT);
	}
	if (write)
		memcpy(s->data, v.data, length);
	rc = submit(s, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, (uint32_t)length);
	if (rc == 0 && !write)
		memcpy(v.data, s->data, length);
	if (rc != -ORB_ETIMEDOUT)
		slot_give(s);
	orb_xfer_close(&v);
	if (rc == 0) {
		orb_lock(&g.lock);
		if (write)
			g.stats.writes++, g.stats.bytes_written += length;
		else
			g.stats.reads++, g.stats.bytes_read += length;
		orb_unlock(&g.lock);
	}
	return reply(rc);
}

static long flush(void)
{
	if (!g.flush)
		return reply(0);   /* no write cache: every finished write is already durable */
	struct slot *s = slot_take();
	if (!s)
		return reply(-ORB_ETIMEDOUT);
	long rc = submit(s, VIRTIO_BLK_T_FLUSH, 0, 0);
	if (rc != -ORB_ETIMEDOUT)
		slot_give(s);
	if (rc == 0) {
		orb_lock(&g.lock);
		g.stats.flushes++;
		orb_unlock(&g.lock);
	}
	return reply(rc);
}

long blk_handle(orb_msg_t *m)
{
	uint8_t buf[96];
	long n;
	switch (m->tag) {
	case ORB_MSG_BLK_READ: {
		orb_msg_blk_read_t r;
		if (orb_msg_blk_read_decode(m->data, m->len, &r) < 0)
			return -ORB_EINVAL;
		unsigned a = request_begin();
		n = transfer(m, false, r.sector, r.offset, r.length);
		request_end(a);
		return n;
	}
	case ORB_MSG_BLK_WRITE: {
		orb_msg_blk_write_t w;
		if (orb_msg_blk_write_decode(m->data, m->len, &w) < 0)
			return -ORB_EINVAL;
		unsigned a = request_begin();
		n = transfer(m, true, w.sector, w.offset, w.length);
		request_end(a);
		return n;
	}
	case ORB_MSG_BLK_FLUSH: {
		unsigned a = request_begin();
		n = flush();
		request_end(a);
		return n;
	}
	case ORB_MSG_BLK_INFO: {
		open_barrier();
		orb_msg_blk_info_response_t r = {
			.sector_size = SECTOR, .sectors = g.sectors, .max_bytes = MAX_BYTES,
			.queue_depth = QUEUE_DEPTH,
			.flags = (uint16_t)((g.read_only ? ORB_BLK_FLAG_READ_ONLY : 0) |
					    (g.flush ? ORB_BLK_FLAG_FLUSH : 0)),
		};
		n = orb_msg_blk_info_response_encode(buf, sizeof(buf), &r);
		return n < 0 ? n : orb_reply(ORB_MSG_BLK_INFO_RESPONSE, buf, (size_t)n, NULL, 0);
	}
	case ORB_MSG_BLK_STATS: {
		orb_lock(&g.lock);
		orb_msg_blk_stats_response_t r = g.stats;
		orb_unlock(&g.lock);
		n = orb_msg_blk_stats_response_encode(buf, sizeof(buf), &r);
		return n < 0 ? n : orb_reply(ORB_MSG_BLK_STATS_RESPONSE, buf, (size_t)n, NULL, 0);
	}
	default:
		return -ORB_ENOSYS;
	}
}

void blk_interrupts(void *unused)
{
	(void)unused;
	for (;;) {
		long bits = orb_notification_wait(g.dev.ntfn, ORB_TIMEOUT_FOREVER);
		if (bits < 0) {
			orb_printf("virtio-blk: waiting for interrupts failed: %ld\n", bits);
			orb_exit_process(1);
		}
		if (!(bits & (long)g.q.bit))
			continue;
		orb_lock(&g.lock);
		for (;;) {
			uint32_t written = 0;
			struct slot *s = virtq_pop(&g.q, &written);
			if (!s) {
				if (written == ~0u) {   /* the device named a chain it never had */
					orb_unlock(&g.lock);
					orb_printf("virtio-blk: the device returned a request it was never "
						   "given; stopping\n");
					virtio_fail(&g.dev);
					orb_exit_process(1);
				}
				break;
			}
			g.stats.inflight--;
			orb_notification_signal(s->done, 1);
		}
		orb_unlock(&g.lock);
		virtq_ack(&g.q);   /* unmask: one that came meanwhile is pending, not lost */
	}
}
