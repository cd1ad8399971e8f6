/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The lwIP interface on the NIC driver: the netif's output sends each frame to the driver
 * as NETDEV_TX, and each NETDEV_RX from it goes into lwIP. The interface comes up with the
 * driver's MAC and asks DHCP for an address (and through it the gateway and the DNS
 * server). The attachment is renewed every few seconds, so a restarted driver sends its
 * frames here again.
 */
#include "net.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define KEEPALIVE_NS (3000ull * 1000000ull)

static struct netif nif;
static uint64_t mac_word;
static bool link_up;
static uint64_t next_attach_ns;
static uint64_t rx_frames, tx_frames, rx_bytes, tx_bytes;

static err_t output(struct netif *n, struct pbuf *p)
{
	(void)n;
	static uint8_t frame[ORB_NETDEV_MAX_FRAME];
	static uint8_t msg[ORB_MAX_MSG_SIZE];
	if (p->tot_len > sizeof(frame))
		return ERR_BUF;
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	orb_msg_netdev_tx_t tx = { .frame = { frame, p->tot_len } };
	long len = orb_msg_netdev_tx_encode(msg, sizeof(msg), &tx);
	if (len < 0)
		return ERR_BUF;
	/* A full driver queue drops the frame, as a busy NIC would: TCP sends it again. */
	if (orb_send(SLOT_DRIVER, ORB_MSG_NETDEV_TX, msg, (size_t)len, NULL, 0) == 0) {
		tx_frames++;
		tx_bytes += p->tot_len;
	}
	return ERR_OK;
}

static err_t init_netif(struct netif *n)
{
	n->name[0] = 'e';
	n->name[1] = 'n';
	n->output = etharp_output;
	n->linkoutput = output;
	n->mtu = 1500;
	n->hwaddr_len = 6;
	for (int i = 0; i < 6; i++)
		n->hwaddr[i] = (uint8_t)(mac_word >> (8 * i));
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif_set_hostname(n, "orbital");
	return ERR_OK;
}

/* NETDEV_ATTACH: hand the driver a W copy of the frame endpoint. */
static long attach(bool quiet)
{
	long copy = orb_cap_derive(net.frames, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT, 0, 0);
	if (copy < 0)
		return copy;
	orb_cptr_t caps[1] = { (orb_cptr_t)copy };
	orb_msg_t reply;
	long rc = orb_call(SLOT_DRIVER, ORB_MSG_NETDEV_ATTACH, NULL, 0, caps, 1, &reply);
	orb_msg_netdev_attach_response_t r;
	if (rc < 0 || reply.tag != ORB_MSG_NETDEV_ATTACH_RESPONSE ||
	    orb_msg_netdev_attach_response_decode(reply.data, reply.len, &r) < 0 || r.status) {
		if (!quiet)
			orb_printf("network: the NIC driver refused to attach: %ld\n", rc);
		return rc < 0 ? rc : -ORB_EIO;
	}
	mac_word = r.mac;
	link_up = r.link;
	return 0;
}

static bool started;

int netif_start(void)
{
	if (attach(false) < 0)
		return -1;
	started = true;
	lwip_init();
	ip4_addr_t none = { 0 };
	if (!netif_add(&nif, &none, &none, &none, NULL, init_netif, ethernet_input)) {
		orb_printf("network: lwIP refused the interface\n");
		return -1;
	}
	netif_set_default(&nif);
	netif_set_up(&nif);
	if (link_up)
		netif_set_link_up(&nif);
	dhcp_start(&nif);
	next_attach_ns = orb_now_ns() + KEEPALIVE_NS;
	orb_printf("network: %02x:%02x:%02x:%02x:%02x:%02x, link %s, asking DHCP\n",
		   nif.hwaddr[0], nif.hwaddr[1], nif.hwaddr[2], nif.hwaddr[3], nif.hwaddr[4],
		   nif.hwaddr[5], link_up ? "up" : "down");
	return 0;
}

void netif_keepalive(uint64_t now_ns)
{
	static bool announced;
	if (!started)   /* no interface: the host's HTTP client is the transport */
		return;
	if (!announced && dhcp_supplied_address(&nif)) {
		announced = true;
		char a[16], g[16], d[16];
		ip4addr_ntoa_r(netif_ip4_addr(&nif), a, sizeof(a));
		ip4addr_ntoa_r(netif_ip4_gw(&nif), g, sizeof(g));
		ip4addr_ntoa_r(ip_2_ip4(dns_getserver(0)), d, sizeof(d));
		orb_printf("network: DHCP lease %s gateway %s dns %s\n", a, g, d);
	}
	if (now_ns < next_attach_ns)
		return;
	next_attach_ns = now_ns + KEEPALIVE_NS;
	attach(true);
}

void netif_frame(const orb_msg_t *m)
{
	if (m->tag == ORB_MSG_NETDEV_LINK) {
		orb_msg_netdev_link_t l;
		if (orb_msg_netdev_link_decode(m->data, m->len, &l) < 0)
			return;
		link_up = l.link;
		if (link_up)
			netif_set_link_up(&nif);
		else
			netif_set_link_down(&nif);
		return;
	}
	orb_msg_netdev_rx_t rx;
	if (orb_msg_netdev_rx_decode(m->data, m->len, &rx) < 0 || rx.frame.len < 14 ||
	    rx.frame.len > ORB_NETDEV_MAX_FRAME)
		return;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)rx.frame.len, PBUF_POOL);
	if (!p)
		return;                               /* out of buffers: dropped, TCP resends */
	pbuf_take(p, rx.frame.ptr, (u16_t)rx.frame.len);
	rx_frames++;
	rx_bytes += rx.frame.len;
	if (nif.input(p, &nif) != ERR_OK)
		pbuf_free(p);
}

void netif_fill_info(orb_msg_net_info_response_t *r)
{
	r->link = link_up;
	r->bound = dhcp_supplied_address(&nif);
	r->mac = mac_word;
	r->address = ip4_addr_get_u32(netif_ip4_addr(&nif));
	r->netmask = ip4_addr_get_u32(netif_ip4_netmask(&nif));
	r->gateway = ip4_addr_get_u32(netif_ip4_gw(&nif));
	r->dns = ip4_addr_get_u32(ip_2_ip4(dns_getserver(0)));
	r->rx_frames = rx_frames;
	r->tx_frames = tx_frames;
	r->rx_bytes = rx_bytes;
	r->tx_bytes = tx_bytes;
}
