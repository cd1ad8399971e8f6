/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk driver: bring the device up, then serve (see blk.h).
 *
 * Bring-up follows virtio 1.2 §3.1.1: reset, ACKNOWLEDGE, DRIVER, features (VERSION_1
 * required; FLUSH, RO and BLK_SIZE taken when offered), FEATURES_OK, the request queue
 * with its MSI-X vector, DRIVER_OK. A restarted instance starts the same way: the reset
 * throws away whatever the previous instance left at the device.
 */
#include "blk.h"

struct blk g;

static void die(const char *what, long rc)
{
	orb_printf("virtio-blk: %s failed: %ld\n", what, rc);
	if (g.dev.common)
		virtio_fail(&g.dev);
	orb_exit_process(1);
}

static void slots_init(void)
{
	long rc = orb_dma_alloc(g.dev.pci, 4096, &g.meta);
	if (rc < 0)
		die("DMA memory for request headers", rc);
	rc = orb_dma_alloc(g.dev.pci, (uint64_t)QUEUE_DEPTH * MAX_BYTES, &g.bounce);
	if (rc < 0)
		die("DMA memory for data", rc);
	for (unsigned i = 0; i < QUEUE_DEPTH; i++) {
		struct slot *s = &g.slot[i];
		s->hdr = (volatile struct blk_req_header *)(g.meta.va + 32 * i);
		s->status = g.meta.va + 32 * i + 16;
		s->hdr_phys = g.meta.phys + 32 * i;
		s->status_phys = g.meta.phys + 32 * i + 16;
		s->data = g.bounce.va + (uint64_t)i * MAX_BYTES;
		s->data_phys = g.bounce.phys + (uint64_t)i * MAX_BYTES;
		long n = orb_notification_create();
		if (n < 0)
			die("a notification", n);
		s->done = (orb_cptr_t)n;
	}
}

int main(void)
{
	long rc = virtio_open(&g.dev, ORB_SLOT_FIRST_CAP);
	if (rc < 0)
		die("opening the device", rc);
	rc = virtio_negotiate(&g.dev, 1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_RO |
				      1ull << VIRTIO_BLK_F_BLK_SIZE, 0);
	if (rc < 0)
		die("feature negotiation", rc);
	uint64_t capacity;
	if ((rc = virtio_config_read(&g.dev, 0, &capacity, sizeof(capacity))) < 0)
		die("reading the capacity", rc);
	g.sectors = capacity;
	g.read_only = virtio_has(&g.dev, VIRTIO_BLK_F_RO);
	g.flush = virtio_has(&g.dev, VIRTIO_BLK_F_FLUSH);
	uint16_t entry = g.dev.info.msix_entries > 1 ? 1 : 0;
	if ((rc = virtio_queue(&g.dev, &g.q, 0, QUEUE_SIZE, entry)) < 0)
		die("setting up the request queue", rc);
	slots_init();
	if ((rc = virtio_start(&g.dev)) < 0)
		die("starting the device", rc);
	const orb_pci_info_t *i = &g.dev.info;
	orb_printf("virtio-blk: %04x:%04x at %02x:%02x.%u, %lu sectors (%lu MiB), queue %u, "
		   "depth %u%s%s\n", i->vendor, i->device, i->bdf >> 8, (i->bdf >> 3) & 31,
		   i->bdf & 7, (unsigned long)g.sectors, (unsigned long)(g.sectors >> 11),
		   g.q.size, QUEUE_DEPTH, g.flush ? ", flush" : "", g.read_only ? ", read-only" : "");
	rc = orb_thread_start(blk_interrupts, NULL, orb_priority());
	if (rc < 0)
		die("starting the interrupt thread", rc);
	static const struct orb_service svc = {
		.type = "blk", .version = ORB_SERVICE_VERSION, .handle = blk_handle,
		.threads = QUEUE_DEPTH,
	};
	return orb_service_run(&svc);
}
