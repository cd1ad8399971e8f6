/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A client of a block driver (the "blk" service; the protocol is docs/services.md
 * "Block devices"). Sectors move through a shared memory object the client keeps (the
 * large-transfer path): each request lends the driver a copy of its capability with only
 * the right it needs. Requests larger than the driver's max_bytes are split; one client
 * handle serves one thread at a time (give each thread its own for requests in
 * parallel: the driver keeps up to queue_depth of them at the device).
 *
 * Every call returns 0 or -E: -EIO when the device failed the request, -ERANGE past the
 * end of the device, -EDEAD or -ETIMEDOUT when no driver answered, -EINVAL for a
 * malformed answer.
 */
#pragma once

#include <stdint.h>

#include <orbital/abi.h>
#include <orbital/messages.h>
#include <orbital/transfer.h>

struct orb_blk {
	orb_cptr_t ep;            /* the driver's endpoint (W) */
	struct orb_xfer buf;      /* the transfer object, max_bytes long */
	uint32_t sector_size;
	uint64_t sectors;
	uint32_t max_bytes;       /* per request */
	uint16_t queue_depth;
	uint16_t flags;           /* ORB_BLK_FLAG_* */
};

/* Ask the driver behind `ep` what it is and make the transfer object. */
long orb_blk_open(struct orb_blk *b, orb_cptr_t ep);
void orb_blk_close(struct orb_blk *b);
long orb_blk_read(struct orb_blk *b, uint64_t sector, uint32_t count, void *buf);
long orb_blk_write(struct orb_blk *b, uint64_t sector, uint32_t count, const void *buf);
/* Every write that returned before this call is durable when it returns 0. */
long orb_blk_flush(struct orb_blk *b);
/* The driver's counters (BLK_STATS). */
long orb_blk_stats(struct orb_blk *b, orb_msg_blk_stats_response_t *out);
