/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-rng driver (virtio 1.2 §5.4, "Entropy Device"): the machine's second entropy
 * source, next to the CPU's RDRAND/RDSEED (the kernel's entropy_get), as a ring-3 service
 * on the virtio library. It holds its device's PCI capability and nothing else.
 *
 * The device has one queue (requestq) and no features or configuration of its own: the
 * driver offers a device-writable buffer and the device fills some or all of it with
 * random bytes. Each RNG_READ {length} (1..ENTROPY_MAX) is served by offering the missing
 * part of one DMA buffer until it is full, waiting for each completion at most
 * READ_TIMEOUT_NS in all; the bytes are copied into the answer and wiped from the buffer.
 * One request at a time (a single serving thread): entropy is drawn rarely, to seed a
 * CSPRNG (liborbital's orb_entropy mixes these bytes with the CPU's).
 *
 * Bring-up as for every virtio device: reset, ACKNOWLEDGE, DRIVER, no features but
 * VERSION_1, FEATURES_OK, the queue with its MSI-X vector, DRIVER_OK. A restarted
 * instance starts the same way; the reset forgets what the previous one left at the device.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/virtio.h>

#define QUEUE_SIZE 8
#define READ_TIMEOUT_NS (2ull * 1000000000ull)

static struct virtio_dev dev;
static struct virtq q;
static struct orb_dma buf;      /* ENTROPY_MAX bytes the device writes */

static void die(const char *what, long rc)
{
	orb_printf("virtio-rng: %s failed: %ld\n", what, rc);
	if (dev.common)
		virtio_fail(&dev);
	orb_exit_process(1);
}

/* Fill buf.va[0..len) from the device; 0 or -ETIMEDOUT. */
static long fill(uint32_t len)
{
	uint32_t have = 0;
	uint64_t deadline = orb_now_ns() + READ_TIMEOUT_NS;
	while (have < len) {
		struct virtq_buf b = { .phys = buf.phys + have, .len = len - have,
				       .device_writes = true };
		long rc = virtq_add(&q, &b, 1, &buf);
		if (rc < 0)
			return rc;
		virtq_kick(&q);
		uint32_t written = 0;
		void *done;
		while (!(done = virtq_pop(&q, &written))) {
			if (written == ~0u)
				die("the queue (the device returned a buffer it was never given)",
				    -ORB_EIO);
			uint64_t now = orb_now_ns();
			if (now >= deadline) {
				/* the buffer stays with the device: reset it, so it is never written
				 * after being reused for the next request */
				orb_printf("virtio-rng: the device gave %u of %u bytes in %llu ms; "
					   "starting again\n", have, len,
					   (unsigned long long)(READ_TIMEOUT_NS / 1000000));
				virtio_fail(&dev);
				orb_exit_process(1);
			}
			long w = virtio_wait(&dev, &q, deadline - now);
			if (w < 0 && w != -ORB_ETIMEDOUT)
				die("waiting for the device", w);
		}
		have += written <= len - have ? written : len - have;
	}
	return 0;
}

static long handle(orb_msg_t *m)
{
	if (m->tag != ORB_MSG_RNG_READ)
		return -ORB_ENOSYS;
	orb_msg_rng_read_t r;
	if (orb_msg_rng_read_decode(m->data, m->len, &r) < 0 || r.length == 0 ||
	    r.length > ORB_ENTROPY_MAX)
		return -ORB_EINVAL;
	static uint8_t out[ORB_ENTROPY_MAX + 16];
	long rc = fill(r.length);
	orb_msg_rng_read_response_t a = { .status = (int32_t)rc };
	if (rc == 0)
		a.data = (orb_bytes_t){ .ptr = buf.va, .len = r.length };
	long n = orb_msg_rng_read_response_encode(out, sizeof(out), &a);
	memset(buf.va, 0, ORB_ENTROPY_MAX);
	long sent = n < 0 ? n : orb_reply(ORB_MSG_RNG_READ_RESPONSE, out, (size_t)n, NULL, 0);
	memset(out, 0, sizeof(out));
	return sent;
}

int main(void)
{
	long rc = virtio_open(&dev, ORB_SLOT_FIRST_CAP);
	if (rc < 0)
		die("opening the device", rc);
	if ((rc = virtio_negotiate(&dev, 0, 0)) < 0)
		die("feature negotiation", rc);
	uint16_t entry = dev.info.msix_entries > 1 ? 1 : 0;
	if ((rc = virtio_queue(&dev, &q, 0, QUEUE_SIZE, entry)) < 0)
		die("setting up the request queue", rc);
	if ((rc = orb_dma_alloc(dev.pci, 4096, &buf)) < 0)
		die("DMA memory", rc);
	if ((rc = virtio_start(&dev)) < 0)
		die("starting the device", rc);
	if ((rc = fill(32)) < 0)   /* the device answers before we say ready */
		die("a first read", rc);
	memset(buf.va, 0, 32);
	const orb_pci_info_t *i = &dev.info;
	orb_printf("virtio-rng: %04x:%04x at %02x:%02x.%u, queue %u: serving entropy\n",
		   i->vendor, i->device, i->bdf >> 8, (i->bdf >> 3) & 31, i->bdf & 7, q.size);
	static const struct orb_service svc = {
		.type = "rng", .version = ORB_SERVICE_VERSION, .handle = handle,
	};
	return orb_service_run(&svc);
}
