/* SPDX-License-Identifier: Apache-2.0 */
/*
 * errors: every way a request can be wrong gets its own clear answer, a device error
 * included (the poison sector, which tests/e2e/test_blk.py makes fail with QEMU's
 * blkdebug), and the driver goes on serving afterwards. Requests the client library would
 * never send are built by hand.
 */
#include "blktest.h"

static uint8_t buf[2 * SECTOR];

/* A hand-made request: the transfer object lent with `lend` rights (0: no object). */
static long raw(struct orb_blk *b, uint32_t tag, uint64_t sector, uint64_t offset,
		uint64_t length, uint8_t lend)
{
	uint8_t msg[32];
	orb_msg_blk_write_t w = { .sector = sector, .offset = offset, .length = length };
	long n = orb_msg_blk_write_encode(msg, sizeof(msg), &w);   /* BLK_READ: same fields */
	orb_cptr_t cap = ORB_CAP_NONE;
	if (lend)
		cap = (orb_cptr_t)orb_xfer_lend(&b->buf, lend);
	orb_msg_t reply;
	long rc = orb_call(blk_ep, tag, msg, (size_t)n, &cap, lend ? 1 : 0, &reply);
	if (rc < 0)
		return rc;
	orb_msg_blk_response_t r;
	if (reply.tag != ORB_MSG_BLK_RESPONSE ||
	    orb_msg_blk_response_decode(reply.data, reply.len, &r) < 0)
		return -1000;
	return r.status;
}

/* The MSG_ERROR code a request gets, or -1 for any other answer. */
static long error_code(uint32_t tag, const void *data, size_t len)
{
	orb_msg_t reply;
	long rc = orb_call(blk_ep, tag, data, len, NULL, 0, &reply);
	orb_msg_error_t e;
	if (rc < 0 || reply.tag != ORB_MSG_ERROR || orb_msg_error_decode(reply.data, reply.len, &e) < 0)
		return -1;
	return e.code;
}

int stage_errors(struct orb_blk *b)
{
	long past = orb_blk_read(b, b->sectors, 1, buf);
	long crossing = orb_blk_write(b, b->sectors - 1, 2, buf);
	long bad_length = raw(b, ORB_MSG_BLK_WRITE, 0, 0, 100, ORB_RIGHT_READ);
	long too_long = raw(b, ORB_MSG_BLK_WRITE, 0, 0, b->max_bytes + SECTOR, ORB_RIGHT_READ);
	long read_only = raw(b, ORB_MSG_BLK_READ, 0, 0, SECTOR, ORB_RIGHT_READ);
	long outside = raw(b, ORB_MSG_BLK_WRITE, 0, b->buf.size, SECTOR, ORB_RIGHT_READ);
	long wrapping = raw(b, ORB_MSG_BLK_WRITE, 0, ~0ull, 2 * SECTOR, ORB_RIGHT_READ);
	long no_object = raw(b, ORB_MSG_BLK_WRITE, 0, 0, SECTOR, 0);
	long malformed = error_code(ORB_MSG_BLK_WRITE, "abc", 3);
	long unknown = error_code(ORB_MSG_BLK_STATS + 0x10, NULL, 0);
	long poison = orb_blk_read(b, POISON_SECTOR, 1, buf);
	long after = orb_blk_read(b, 0, 2, buf);
	orb_printf("blk-test: errors: past-end=%ld crossing-end=%ld bad-length=%ld too-long=%ld "
		   "read-into-read-only=%ld outside-object=%ld wrapping=%ld no-object=%ld "
		   "malformed=%ld unknown=%ld poison=%ld after=%ld\n", past, crossing, bad_length,
		   too_long, read_only, outside, wrapping, no_object, malformed, unknown, poison,
		   after);
	bool ok = past == -ORB_ERANGE && crossing == -ORB_ERANGE && bad_length == -ORB_EINVAL &&
		  too_long == -ORB_EINVAL && read_only == -ORB_EPERM && outside == -ORB_EINVAL &&
		  wrapping == -ORB_EINVAL && no_object == -ORB_EINVAL &&
		  malformed == ORB_ERROR_MALFORMED && unknown == ORB_ERROR_UNKNOWN_REQUEST &&
		  (poison == 0 || poison == -ORB_EIO) && after == 0;
	return ok ? 0 : 1;
}
