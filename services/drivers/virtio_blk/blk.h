/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk (virtio 1.2 §5.2), a driver in user space: the state its threads share.
 *
 * The driver holds one PCI device capability (slot ORB_SLOT_FIRST_CAP) and nothing else
 * of the machine. It serves the block protocol (docs/services.md "Block devices") on its
 * endpoint with QUEUE_DEPTH threads, each taking a request, submitting it to the device's
 * one virtqueue and waiting for its completion; a separate interrupt thread takes finished
 * requests off the used ring and wakes their threads. So up to QUEUE_DEPTH requests are at
 * the device at once.
 *
 * Data moves through bounce buffers in DMA memory, one per slot: a write copies the
 * client's bytes in from the shared object the client lent, a read copies them out to
 * it. The device only ever sees the driver's own DMA memory.
 */
#pragma once

#include <orbital.h>
#include <orbital/lock.h>
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/virtio.h>

#define QUEUE_DEPTH 8                  /* requests at the device at once; serving threads */
#define MAX_BYTES (64u * 1024)         /* per request */
#define SECTOR 512u
#define QUEUE_SIZE 64                  /* descriptors: 3 per request, QUEUE_DEPTH requests */
#define IO_TIMEOUT_NS (30ull * 1000000000ull)   /* a request the device never finishes */
#define SLOT_WAIT_MS 5000                        /* for a free slot, at most */

/* virtio-blk features (§5.2.3) and request types and status (§5.2.6). */
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

struct blk_req_header {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* One request at the device: its header, status byte and bounce buffer in DMA memory. */
struct slot {
	volatile struct blk_req_header *hdr;
	volatile uint8_t *status;
	uint8_t *data;
	uint64_t hdr_phys, status_phys, data_phys;
	orb_cptr_t done;                   /* notification: the interrupt thread signals it */
	bool busy;                         /* taken by a serving thread */
	bool lost;                         /* the device never finished it: never reused */
};

struct blk {
	struct virtio_dev dev;
	struct virtq q;
	orb_lock_t lock;                   /* the queue, the slots and the counters */
	struct slot slot[QUEUE_DEPTH];
	struct orb_dma meta, bounce;       /* headers and status bytes; data */
	uint64_t sectors;
	bool read_only, flush;
	/* Requests being served (read, write, flush), by the ticket they took when they began,
	 * 0 = free; one entry per serving thread. BLK_INFO waits for every request that began
	 * before it, so a restarted client never races a write its dead predecessor left at
	 * the device (see io.c, open_barrier). */
	uint64_t tickets;
	uint64_t active[QUEUE_DEPTH];
	orb_msg_blk_stats_response_t stats;
};

extern struct blk g;

/* io.c */
long blk_handle(orb_msg_t *m);
__attribute__((noreturn)) void blk_interrupts(void *unused);
