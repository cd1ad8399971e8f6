/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The block driver's client (see <orbital/blk.h>). Each request is a call; while the
 * driver is restarting (its instance died holding the request, -EDEAD, or it answered
 * ERROR_RESTARTING) the call is made again, with a fresh lent capability, for up to about
 * two seconds — the same rule as orb_request. Reads, writes and flushes can be repeated
 * without harm, so a request is answered once or fails, never half done twice.
 */
#include <orbital.h>
#include <orbital/blk.h>
#include <orbital/messages.h>

#define RETRIES 200
#define RETRY_MS 10

/* One request: `lend` is the right the driver needs on the transfer object (0: none). */
static long request(struct orb_blk *b, uint32_t tag, const void *data, size_t len,
		    uint8_t lend, orb_msg_t *reply)
{
	for (int attempt = 0;; attempt++) {
		orb_cptr_t cap = ORB_CAP_NONE;
		if (lend) {
			long c = orb_xfer_lend(&b->buf, lend);
			if (c < 0)
				return c;
			cap = (orb_cptr_t)c;
		}
		long rc = orb_call(b->ep, tag, data, len, &cap, lend ? 1 : 0, reply);
		if (rc < 0 && lend)
			orb_cap_delete(cap);   /* not sent (if it went, it is gone already) */
		bool restarting = rc == -ORB_EDEAD;
		if (rc == 0 && reply->tag == ORB_MSG_ERROR) {
			orb_msg_error_t e;
			if (orb_msg_error_decode(reply->data, reply->len, &e) < 0)
				return -ORB_EINVAL;
			restarting = e.code == ORB_ERROR_RESTARTING;
			if (!restarting)
				return (e.code & ORB_ERROR_ERRNO) ? -(long)(e.code & 0xFF) : -ORB_EINVAL;
		}
		if (!restarting || attempt >= RETRIES)
			return restarting ? -ORB_EDEAD : rc;
		orb_sleep_ms(RETRY_MS);
	}
}

static long status_of(const orb_msg_t *reply)
{
	orb_msg_blk_response_t r;
	if (reply->tag != ORB_MSG_BLK_RESPONSE ||
	    orb_msg_blk_response_decode(reply->data, reply->len, &r) < 0)
		return -ORB_EINVAL;
	return r.status;
}

long orb_blk_open(struct orb_blk *b, orb_cptr_t ep)
{
	*b = (struct orb_blk){ .ep = ep, .buf = { .shm = ORB_CAP_NONE } };
	orb_msg_t reply;
	long rc = request(b, ORB_MSG_BLK_INFO, NULL, 0, 0, &reply);
	if (rc < 0)
		return rc;
	orb_msg_blk_info_response_t info;
	if (reply.tag != ORB_MSG_BLK_INFO_RESPONSE ||
	    orb_msg_blk_info_response_decode(reply.data, reply.len, &info) < 0)
		return -ORB_EINVAL;
	if (info.status < 0)
		return info.status;
	if (!info.sector_size || info.max_bytes < info.sector_size ||
	    info.max_bytes % info.sector_size)
		return -ORB_EINVAL;
	b->sector_size = info.sector_size;
	b->sectors = info.sectors;
	b->max_bytes = info.max_bytes;
	b->queue_depth = info.queue_depth;
	b->flags = info.flags;
	return orb_xfer_create(&b->buf, info.max_bytes);
}

void orb_blk_close(struct orb_blk *b)
{
	if (b->buf.data)
		orb_xfer_destroy(&b->buf);
}

/* Move count sectors in pieces of at most max_bytes. */
static long transfer(struct orb_blk *b, bool write, uint64_t sector, uint32_t count,
		     uint8_t *buf)
{
	if (!b->buf.data)
		return -ORB_EINVAL;
	uint64_t left = (uint64_t)count * b->sector_size;
	while (left) {
		uint64_t n = left < b->max_bytes ? left : b->max_bytes;
		if (write)
			memcpy(b->buf.data, buf, n);
		uint8_t msg[32];
		long len;
		if (write) {
			orb_msg_blk_write_t m = { .sector = sector, .offset = 0, .length = n };
			len = orb_msg_blk_write_encode(msg, sizeof(msg), &m);
		} else {
			orb_msg_blk_read_t m = { .sector = sector, .offset = 0, .length = n };
			len = orb_msg_blk_read_encode(msg, sizeof(msg), &m);
		}
		orb_msg_t reply;
		long rc = len < 0 ? len :
			  request(b, write ? ORB_MSG_BLK_WRITE : ORB_MSG_BLK_READ, msg, (size_t)len,
				  write ? ORB_RIGHT_READ : ORB_RIGHT_READ | ORB_RIGHT_WRITE, &reply);
		if (rc < 0 || (rc = status_of(&reply)) < 0)
			return rc;
		if (!write)
			memcpy(buf, b->buf.data, n);
		buf += n;
		left -= n;
		sector += n / b->sector_size;
	}
	return 0;
}

long orb_blk_read(struct orb_blk *b, uint64_t sector, uint32_t count, void *buf)
{
	return transfer(b, false, sector, count, buf);
}

long orb_blk_write(struct orb_blk *b, uint64_t sector, uint32_t count, const void *buf)
{
	return transfer(b, true, sector, count, (uint8_t *)(uintptr_t)buf);
}

long orb_blk_flush(struct orb_blk *b)
{
	orb_msg_t reply;
	long rc = request(b, ORB_MSG_BLK_FLUSH, NULL, 0, 0, &reply);
	return rc < 0 ? rc : status_of(&reply);
}

long orb_blk_stats(struct orb_blk *b, orb_msg_blk_stats_response_t *out)
{
	orb_msg_t reply;
	long rc = request(b, ORB_MSG_BLK_STATS, NULL, 0, 0, &reply);
	if (rc < 0)
		return rc;
	if (reply.tag != ORB_MSG_BLK_STATS_RESPONSE ||
	    orb_msg_blk_stats_response_decode(reply.data, reply.len, out) < 0)
		return -ORB_EINVAL;
	return 0;
}
