/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virtio 1.x PCI transport for user-space drivers (OASIS virtio 1.2, §4.1 "Virtio
 * Over PCI Bus" and §2.7 "Split Virtqueues"): one library for every virtio driver.
 *
 * A driver holds its device's PCI capability. virtio_open() walks the device's vendor
 * capabilities for the common, notify, ISR and device-specific structures, maps the BARs
 * they live in and resets the device; virtio_negotiate() takes it through ACKNOWLEDGE,
 * DRIVER and FEATURES_OK with the features both sides have (VIRTIO_F_VERSION_1 is
 * required: modern devices only); virtio_queue() sets up a split virtqueue in DMA memory
 * with its own MSI-X vector; virtio_start() turns bus mastering on and says DRIVER_OK.
 *
 * A queue holds many requests at once: virtq_add() takes a chain of buffers (device-
 * readable ones first, then device-writable ones) and a token, virtq_kick() tells the
 * device, virtq_pop() hands back the token of each finished chain with the bytes the
 * device wrote. virtio_wait() blocks until a queue's interrupt comes and acknowledges it.
 * Queue operations are not locked here: a driver with several threads serialises them.
 *
 * Everything the library reads from the device is checked before use (offsets inside
 * their BAR, queue sizes, used-ring ids), so a misbehaving device is an error, not a
 * stray access.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <orbital/abi.h>
#include <orbital/dma.h>

/* Feature bits (§6) and device status bits (§2.1). */
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128
/* Descriptor flags (§2.7.5). */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_USED_F_NO_NOTIFY 1
#define VIRTIO_MSI_NO_VECTOR 0xFFFF

#define VIRTQ_MAX_SIZE 256      /* descriptors per queue this library sets up at most */

struct virtio_dev {
	orb_cptr_t pci;                 /* the device's PCI capability (W) */
	orb_pci_info_t info;
	volatile uint8_t *bar[6];       /* mapped BARs (NULL: not used) */
	uint64_t bar_size[6];
	volatile uint8_t *common;       /* virtio_pci_common_cfg */
	volatile uint8_t *notify;       /* notification area */
	uint32_t notify_len, notify_mult;
	volatile uint8_t *device;       /* device-specific configuration */
	uint32_t device_len;
	uint64_t features;              /* negotiated */
	orb_cptr_t ntfn;                /* the notification every queue interrupt sets a bit in */
	uint16_t num_queues;
};

/* Descriptor, available and used rings, as the device sees them (§2.7). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq {
	struct virtio_dev *dev;
	uint16_t index, size;
	uint16_t free_head, nfree;
	uint16_t last_used;
	volatile struct virtq_desc *desc;
	volatile uint16_t *avail;       /* flags, idx, ring[size], used_event */
	volatile uint8_t *used;         /* flags, idx, {id, len}[size], avail_event */
	volatile uint16_t *notify_at;
	struct orb_dma mem;             /* the rings */
	void *token[VIRTQ_MAX_SIZE];    /* per chain head */
	uint32_t irq;                   /* its MSI-X IRQ (ORB_IRQ_MSI_FIRST..) */
	uint64_t bit;                   /* its bit in dev->ntfn */
	uint32_t inflight;              /* chains handed to the device, not yet popped */
};

/* One buffer of a chain: physical address (DMA memory), length, whether the device
 * writes it (else it reads it). */
struct virtq_buf {
	uint64_t phys;
	uint32_t len;
	bool device_writes;
};

/* Find, map and reset the device. -ENOENT when it is not a modern virtio device. */
long virtio_open(struct virtio_dev *d, orb_cptr_t pci);
/* Negotiate: take the `wanted` features the device offers (VERSION_1 always); -ENOSYS
 * when a `required` one is missing or the device refuses FEATURES_OK. */
long virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t required);
static inline bool virtio_has(const struct virtio_dev *d, unsigned feature)
{
	return (d->features >> feature) & 1;
}
/* Set up queue `index` with at most max_size descriptors, its interrupt on MSI-X entry
 * `msix_entry`. Needs virtio_negotiate() first. */
long virtio_queue(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max_size,
		  uint16_t msix_entry);
/* Bus mastering on, DRIVER_OK: the device may use the queues from now on. */
long virtio_start(struct virtio_dev *d);
/* Mark the device FAILED (the driver gives up on it). */
void virtio_fail(struct virtio_dev *d);
/* Reset the device (it forgets queues and features); unmaps nothing. */
void virtio_reset(struct virtio_dev *d);

/* The device-specific configuration, read consistently (config_generation, §4.1.4.3). */
long virtio_config_read(struct virtio_dev *d, uint32_t offset, void *out, uint32_t len);

/* The bytes a queue of `size` descriptors takes (its three rings: descriptors at 0, then
 * the available and the used ring at these offsets), and laying them out zeroed at `mem`
 * with every descriptor free (virtio_queue does both in DMA memory). */
uint64_t virtq_bytes(uint16_t size);
uint64_t virtq_avail_at(uint16_t size);
uint64_t virtq_used_at(uint16_t size);
void virtq_init(struct virtq *q, volatile uint8_t *mem, uint16_t size);
/* Add a chain of n buffers (device-readable first); returns the head, or -EAGAIN when
 * fewer than n descriptors are free, -EINVAL for a bad chain. */
long virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *token);
/* Tell the device about what was added (unless it asked not to be told). */
void virtq_kick(struct virtq *q);
/* The token of the next finished chain (its descriptors freed), *written = bytes the
 * device wrote; NULL when none is finished. A device that names a chain it was never
 * given makes this return NULL and *written = ~0u (the driver should reset it). */
void *virtq_pop(struct virtq *q, uint32_t *written);
/* Block until an interrupt of q (or any, with q NULL) arrives or timeout_ns passes (0:
 * forever); acknowledges the interrupts it saw. Returns the notification bits, or -E. */
long virtio_wait(struct virtio_dev *d, struct virtq *q, uint64_t timeout_ns);
/* Acknowledge q's interrupt after its bit was seen (virtio_wait does this itself). */
long virtq_ack(struct virtq *q);
