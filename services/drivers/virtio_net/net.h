/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-net (virtio 1.2 §5.1), a NIC driver in user space: the state its threads share.
 *
 * The driver holds one PCI device capability (slot ORB_SLOT_FIRST_CAP) and nothing else
 * of the machine, and speaks the frame protocol of docs/services.md "Network devices":
 * the Network service attaches with NETDEV_ATTACH, handing over an endpoint; every
 * received frame goes there as a NETDEV_RX message and link changes as NETDEV_LINK;
 * NETDEV_TX messages from the attached process are transmitted. One frame per message:
 * a frame (at most 1514 bytes) always fits.
 *
 * The receive queue is kept full: RX_BUFFERS buffers of DMA memory are posted at start,
 * and each one is posted again as soon as its frame has been sent on (or dropped). The
 * transmit queue has TX_BUFFERS buffers; a frame is copied into a free one, and finished
 * ones are taken back before each transmission. The serving thread owns the transmit
 * queue and the interrupt thread the receive queue, so neither needs the other's lock;
 * `lock` guards only the attachment and the counters.
 */
#pragma once

#include <orbital.h>
#include <orbital/lock.h>
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/virtio.h>

#define RX_BUFFERS 128
#define TX_BUFFERS 128
#define BUF_SIZE 2048                 /* header + frame, with room to spare */
#define NET_HDR_SIZE 12               /* struct virtio_net_hdr with VERSION_1 (§5.1.6) */
#define LINK_POLL_NS (500ull * 1000000ull)

/* virtio-net features (§5.1.3) and status bits (§5.1.4). */
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1

struct vnet {
	struct virtio_dev dev;
	struct virtq rx, tx;
	struct orb_dma rxmem, txmem;
	uint16_t tx_free[TX_BUFFERS];     /* indexes of free transmit buffers */
	unsigned ntx_free;
	uint8_t mac[6];
	bool has_status;
	orb_lock_t lock;                  /* the attachment and the counters */
	orb_cptr_t attached;              /* W to the Network service's frame endpoint */
	uint32_t attached_pid;
	bool link;
	orb_msg_netdev_stats_response_t stats;
};

extern struct vnet g;

/* rx.c */
void vnet_rx_fill(void);
__attribute__((noreturn)) void vnet_interrupts(void *unused);
/* main.c */
uint64_t vnet_mac_word(void);
