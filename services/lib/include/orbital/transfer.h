/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The large-transfer path (docs/services.md "Large transfers"): a payload larger than a
 * message travels in a shared memory object. The sender fills the object, lends a copy of
 * its capability narrowed to what the receiver needs (R to be read, R|W to be written: a
 * mapping is always readable) in cap 0 of the message, and puts {offset, length} of the
 * payload in the message. The receiver maps the object, checks the window lies inside
 * it, reads or writes, unmaps and drops the capability. The same object serves every
 * request of a client; one message moves one lent copy.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <orbital/abi.h>

/* The sender's side: an object it keeps mapped read-write. */
struct orb_xfer {
	orb_cptr_t shm;       /* R|W|G */
	uint8_t *data;
	uint64_t size;
};

long orb_xfer_create(struct orb_xfer *x, uint64_t size);
void orb_xfer_destroy(struct orb_xfer *x);
/* A copy of the object's capability with only `rights` (ORB_RIGHT_READ and/or
 * ORB_RIGHT_WRITE, plus GRANT so that it can move), for cap 0 of one message. */
long orb_xfer_lend(const struct orb_xfer *x, uint8_t rights);

/* The receiver's side: the window [offset, offset + length) of a lent object. */
struct orb_xfer_view {
	uint8_t *data;        /* the window's first byte */
	uint64_t length;
	uint64_t base;        /* the whole mapping, for unmapping */
	uint64_t size;
};

/* Map the object `cap` names (read-only, or read-write when `write`) and check the window:
 * -EINVAL when it does not lie inside the object (or length is 0), -EPERM when the
 * capability lacks the right, -EBADF/-ESTALE when it is no (longer a) shared object. */
long orb_xfer_open(orb_cptr_t cap, uint64_t offset, uint64_t length, bool write,
		   struct orb_xfer_view *v);
/* Unmap it. The capability is the caller's to delete (the service loop deletes the
 * capabilities a handler did not keep). */
void orb_xfer_close(struct orb_xfer_view *v);
