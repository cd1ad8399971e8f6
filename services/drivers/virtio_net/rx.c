/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The receive side of the virtio-net driver: the interrupt thread takes each received
 * frame off the used ring, sends it to the attached endpoint and posts its buffer again,
 * so the device always has every buffer but the ones being looked at. A frame nobody
 * takes (no attachment, the Network service's queue full) is dropped and counted; an
 * attachment whose endpoint is gone (its process ended) is forgotten. The link state is
 * read from the configuration every LINK_POLL_NS and a change is reported.
 */
#include "net.h"

static void post(unsigned i)
{
	struct virtq_buf b = { g.rxmem.phys + (uint64_t)i * BUF_SIZE, BUF_SIZE, true };
	if (virtq_add(&g.rx, &b, 1, (void *)(uintptr_t)(i + 1)) < 0) {
		orb_printf("virtio-net: the receive queue refused buffer %u\n", i);
		virtio_fail(&g.dev);
		orb_exit_process(1);
	}
}

void vnet_rx_fill(void)
{
	for (unsigned i = 0; i < RX_BUFFERS && i < g.rx.size; i++)
		post(i);
	virtq_kick(&g.rx);
}

/* Send one message to the attached endpoint; a dead endpoint ends the attachment. */
static bool deliver(uint32_t tag, const void *data, size_t len)
{
	orb_lock(&g.lock);
	orb_cptr_t ep = g.attached;
	orb_unlock(&g.lock);
	if (ep == ORB_CAP_NONE)
		return false;
	long rc = orb_send(ep, tag, data, len, NULL, 0);
	if (rc == -ORB_EAGAIN)
		return false;
	if (rc < 0) {
		orb_lock(&g.lock);
		if (g.attached == ep) {
			g.attached = ORB_CAP_NONE;
			g.attached_pid = 0;
			orb_cap_delete(ep);
		}
		orb_unlock(&g.lock);
		return false;
	}
	return true;
}

static void receive(void)
{
	static uint8_t msg[ORB_MAX_MSG_SIZE];
	bool posted = false;
	for (;;) {
		uint32_t written = 0;
		void *token = virtq_pop(&g.rx, &written);
		if (!token) {
			if (written == ~0u) {
				orb_printf("virtio-net: the device returned a buffer it was never "
					   "given; stopping\n");
				virtio_fail(&g.dev);
				orb_exit_process(1);
			}
			break;
		}
		unsigned i = (unsigned)((uintptr_t)token - 1);
		bool ok = false;
		if (written > NET_HDR_SIZE && written <= NET_HDR_SIZE + ORB_NETDEV_MAX_FRAME) {
			orb_msg_netdev_rx_t rx = {
				.frame = { g.rxmem.va + (uint64_t)i * BUF_SIZE + NET_HDR_SIZE,
					   written - NET_HDR_SIZE } };
			long n = orb_msg_netdev_rx_encode(msg, sizeof(msg), &rx);
			ok = n > 0 && deliver(ORB_MSG_NETDEV_RX, msg, (size_t)n);
		}
		orb_lock(&g.lock);
		if (ok) {
			g.stats.rx_frames++;
			g.stats.rx_bytes += written - NET_HDR_SIZE;
		} else {
			g.stats.rx_dropped++;
		}
		orb_unlock(&g.lock);
		post(i);
		posted = true;
	}
	if (posted)
		virtq_kick(&g.rx);
}

static void link_check(void)
{
	uint16_t status = 0;
	if (!g.has_status || virtio_config_read(&g.dev, 6, &status, 2) < 0)
		return;
	bool up = status & VIRTIO_NET_S_LINK_UP;
	orb_lock(&g.lock);
	bool changed = up != g.link;
	g.link = up;
	orb_unlock(&g.lock);
	if (changed) {
		orb_msg_netdev_link_t l = { .link = up };
		uint8_t buf[8];
		long n = orb_msg_netdev_link_encode(buf, sizeof(buf), &l);
		deliver(ORB_MSG_NETDEV_LINK, buf, (size_t)n);
	}
}

void vnet_interrupts(void *unused)
{
	(void)unused;
	uint64_t next_link = orb_now_ns() + LINK_POLL_NS;
	for (;;) {
		uint64_t now = orb_now_ns();
		long bits = orb_notification_wait(g.dev.ntfn, next_link > now ? next_link - now : 1);
		if (bits < 0 && bits != -ORB_ETIMEDOUT) {
			orb_printf("virtio-net: waiting for interrupts failed: %ld\n", bits);
			orb_exit_process(1);
		}
		if (bits > 0 && (bits & (long)g.rx.bit)) {
			receive();
			virtq_ack(&g.rx);
			receive();                /* what came before the unmask */
		}
		if (bits > 0 && (bits & (long)g.tx.bit))
			virtq_ack(&g.tx);         /* the serving thread reclaims; just unmask */
		if (orb_now_ns() >= next_link) {
			link_check();
			next_link = orb_now_ns() + LINK_POLL_NS;
		}
	}
}
