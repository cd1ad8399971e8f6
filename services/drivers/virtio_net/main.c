/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net driver: bring the device up, then serve the frame protocol (see net.h).
 *
 * Bring-up follows virtio 1.2 §3.1.1 and §5.1.5: reset, ACKNOWLEDGE, DRIVER, features
 * (VERSION_1 required; MAC and STATUS taken when offered; no offloads, no mergeable
 * buffers, so every header is 12 bytes and every frame one buffer), FEATURES_OK, the
 * receive queue (0) and the transmit queue (1), each with its MSI-X vector, DRIVER_OK.
 * A restarted instance starts the same way: the reset makes the device forget whatever
 * the previous instance had posted.
 */
#include "net.h"

struct vnet g;

static void die(const char *what, long rc)
{
	orb_printf("virtio-net: %s failed: %ld\n", what, rc);
	if (g.dev.common)
		virtio_fail(&g.dev);
	orb_exit_process(1);
}

uint64_t vnet_mac_word(void)
{
	uint64_t w = 0;
	for (int i = 0; i < 6; i++)
		w |= (uint64_t)g.mac[i] << (8 * i);
	return w;
}

/* Take back the transmit buffers the device has finished with. */
static void tx_reclaim(void)
{
	for (;;) {
		uint32_t written = 0;
		void *token = virtq_pop(&g.tx, &written);
		if (!token) {
			if (written == ~0u) {
				orb_printf("virtio-net: the device returned a frame it was never "
					   "given; stopping\n");
				virtio_fail(&g.dev);
				orb_exit_process(1);
			}
			return;
		}
		g.tx_free[g.ntx_free++] = (uint16_t)((uintptr_t)token - 1);
	}
}

static void transmit(const orb_msg_t *m)
{
	orb_msg_netdev_tx_t tx;
	bool ok = orb_msg_netdev_tx_decode(m->data, m->len, &tx) >= 0 &&
		  tx.frame.len >= 14 && tx.frame.len <= ORB_NETDEV_MAX_FRAME;
	orb_lock(&g.lock);
	ok = ok && g.attached_pid == m->sender;
	orb_unlock(&g.lock);
	if (ok) {
		tx_reclaim();
		ok = g.ntx_free > 0;
	}
	if (ok) {
		uint16_t i = g.tx_free[--g.ntx_free];
		uint8_t *buf = g.txmem.va + (uint64_t)i * BUF_SIZE;
		memset(buf, 0, NET_HDR_SIZE);
		memcpy(buf + NET_HDR_SIZE, tx.frame.ptr, tx.frame.len);
		struct virtq_buf b = { g.txmem.phys + (uint64_t)i * BUF_SIZE,
				       NET_HDR_SIZE + tx.frame.len, false };
		if (virtq_add(&g.tx, &b, 1, (void *)(uintptr_t)(i + 1)) < 0) {
			g.tx_free[g.ntx_free++] = i;
			ok = false;
		} else {
			virtq_kick(&g.tx);
		}
	}
	orb_lock(&g.lock);
	if (ok) {
		g.stats.tx_frames++;
		g.stats.tx_bytes += tx.frame.len;
	} else {
		g.stats.tx_dropped++;
	}
	orb_unlock(&g.lock);
}

static long attach(orb_msg_t *m)
{
	if (m->ncaps != 1)
		return -ORB_EINVAL;
	orb_lock(&g.lock);
	orb_cptr_t old = g.attached;
	g.attached = m->caps[0];
	g.attached_pid = m->sender;
	bool link = g.link;
	orb_unlock(&g.lock);
	m->caps[0] = ORB_CAP_NONE;            /* kept: the loop must not delete it */
	if (old != ORB_CAP_NONE && old != g.attached)
		orb_cap_delete(old);
	orb_msg_netdev_attach_response_t r = { .status = 0, .mac = vnet_mac_word(), .mtu = 1500,
					       .link = link };
	uint8_t buf[64];
	long n = orb_msg_netdev_attach_response_encode(buf, sizeof(buf), &r);
	return orb_reply(ORB_MSG_NETDEV_ATTACH_RESPONSE, buf, (size_t)n, NULL, 0);
}

static long handle(orb_msg_t *m)
{
	switch (m->tag) {
	case ORB_MSG_NETDEV_TX:
		transmit(m);
		return 0;
	case ORB_MSG_NETDEV_ATTACH:
		return attach(m);
	case ORB_MSG_NETDEV_STATS: {
		orb_lock(&g.lock);
		orb_msg_netdev_stats_response_t s = g.stats;
		s.attached_pid = g.attached_pid;
		s.link = g.link;
		orb_unlock(&g.lock);
		uint8_t buf[128];
		long n = orb_msg_netdev_stats_response_encode(buf, sizeof(buf), &s);
		return orb_reply(ORB_MSG_NETDEV_STATS_RESPONSE, buf, (size_t)n, NULL, 0);
	}
	default:
		return -ORB_ENOSYS;
	}
}

int main(void)
{
	g.attached = ORB_CAP_NONE;
	long rc = virtio_open(&g.dev, ORB_SLOT_FIRST_CAP);
	if (rc < 0)
		die("opening the device", rc);
	rc = virtio_negotiate(&g.dev, 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS, 0);
	if (rc < 0)
		die("feature negotiation", rc);
	if (virtio_has(&g.dev, VIRTIO_NET_F_MAC)) {
		if ((rc = virtio_config_read(&g.dev, 0, g.mac, 6)) < 0)
			die("reading the MAC address", rc);
	} else {   /* no MAC from the device: a locally administered one of our own */
		uint8_t mac[6] = { 0x02, 0x4f, 0x52, 0x42, 0, 1 };
		memcpy(g.mac, mac, 6);
	}
	g.has_status = virtio_has(&g.dev, VIRTIO_NET_F_STATUS);
	uint16_t entries = g.dev.info.msix_entries;
	if ((rc = virtio_queue(&g.dev, &g.rx, 0, RX_BUFFERS, entries > 1 ? 1 : 0)) < 0)
		die("setting up the receive queue", rc);
	if ((rc = virtio_queue(&g.dev, &g.tx, 1, TX_BUFFERS, entries > 2 ? 2 : 0)) < 0)
		die("setting up the transmit queue", rc);
	if ((rc = orb_dma_alloc(g.dev.pci, (uint64_t)RX_BUFFERS * BUF_SIZE, &g.rxmem)) < 0)
		die("DMA memory for receiving", rc);
	if ((rc = orb_dma_alloc(g.dev.pci, (uint64_t)TX_BUFFERS * BUF_SIZE, &g.txmem)) < 0)
		die("DMA memory for transmitting", rc);
	for (unsigned i = 0; i < TX_BUFFERS; i++)
		g.tx_free[g.ntx_free++] = (uint16_t)(TX_BUFFERS - 1 - i);
	vnet_rx_fill();
	if ((rc = virtio_start(&g.dev)) < 0)
		die("starting the device", rc);
	g.link = true;
	if (g.has_status) {
		uint16_t status = 0;
		if (virtio_config_read(&g.dev, 6, &status, 2) == 0)
			g.link = status & VIRTIO_NET_S_LINK_UP;
	}
	const orb_pci_info_t *i = &g.dev.info;
	orb_printf("virtio-net: %04x:%04x at %02x:%02x.%u, mac %02x:%02x:%02x:%02x:%02x:%02x, "
		   "link %s, rx %u tx %u\n", i->vendor, i->device, i->bdf >> 8,
		   (i->bdf >> 3) & 31, i->bdf & 7, g.mac[0], g.mac[1], g.mac[2], g.mac[3],
		   g.mac[4], g.mac[5], g.link ? "up" : "down", g.rx.size, g.tx.size);
	rc = orb_thread_start(vnet_interrupts, NULL, orb_priority());
	if (rc < 0)
		die("starting the interrupt thread", rc);
	static const struct orb_service svc = { .handle = handle };
	return orb_service_run(&svc);
}
