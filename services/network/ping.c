/* SPDX-License-Identifier: Apache-2.0 */
/*
 * NET_PING on the stack thread: resolve the host, send one ICMP echo request through a
 * raw pcb and answer when the matching reply comes (same id and sequence) or the timeout
 * passes. Only System callers may ping: ICMP is not HTTP and has no URL to police.
 */
#include "net.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"

#define PING_ID 0x4f52

struct pinger {
	struct job *job;
	bool active, resolving, waiting;           /* waiting: for a DHCP lease */
	char host[URL_MAX_HOST + 1];
	ip_addr_t addr;
	uint16_t seq;
	uint64_t sent_ns, deadline_ns;
};

static struct pinger pings[NET_MAX_ACTIVE];
static struct raw_pcb *pcb;

static void answer(struct pinger *pg, bool ok, uint8_t error, const char *reason)
{
	struct job *j = pg->job;
	orb_msg_net_ping_response_t r = {
		.ok = ok, .error = error, .address = ip4_addr_get_u32(ip_2_ip4(&pg->addr)),
		.rtt_us = ok ? (uint32_t)((orb_now_ns() - pg->sent_ns) / 1000) : 0,
		.reason = { reason, (uint16_t)strlen(reason) } };
	long n = orb_msg_net_ping_response_encode(j->reply, sizeof(j->reply), &r);
	j->reply_tag = ORB_MSG_NET_PING_RESPONSE;
	j->reply_len = n < 0 ? 0 : (size_t)n;
	pg->active = false;
	job_finish(j);
}

static u8_t on_raw(void *arg, struct raw_pcb *p, struct pbuf *b, const ip_addr_t *from)
{
	(void)arg;
	(void)p;
	struct icmp_echo_hdr h;
	u16_t hlen = (u16_t)(IPH_HL_BYTES((struct ip_hdr *)b->payload));
	if (b->tot_len < hlen + sizeof(h) || pbuf_copy_partial(b, &h, sizeof(h), hlen) != sizeof(h))
		return 0;
	if (h.type != ICMP_ER || h.id != PP_HTONS(PING_ID))
		return 0;
	for (unsigned i = 0; i < NET_MAX_ACTIVE; i++) {
		struct pinger *pg = &pings[i];
		if (pg->active && !pg->resolving && h.seqno == lwip_htons(pg->seq) &&
		    ip_addr_cmp(from, &pg->addr)) {
			answer(pg, true, 0, "");
			pbuf_free(b);
			return 1;                        /* eaten */
		}
	}
	return 0;
}

static void send_echo(struct pinger *pg)
{
	struct pbuf *b = pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + 32, PBUF_RAM);
	if (!b) {
		answer(pg, false, ORB_NET_ERR_OTHER, "out of buffers");
		return;
	}
	struct icmp_echo_hdr *h = b->payload;
	ICMPH_TYPE_SET(h, ICMP_ECHO);
	ICMPH_CODE_SET(h, 0);
	h->id = PP_HTONS(PING_ID);
	h->seqno = lwip_htons(pg->seq);
	memset((uint8_t *)b->payload + sizeof(*h), 0x4f, 32);
	h->chksum = 0;
	h->chksum = inet_chksum(h, b->len);
	pg->sent_ns = orb_now_ns();
	err_t e = raw_sendto(pcb, b, &pg->addr);
	pbuf_free(b);
	if (e != ERR_OK)
		answer(pg, false, ORB_NET_ERR_CONNECTION_FAILED, "the echo request was not sent");
}

static void on_dns(const char *name, const ip_addr_t *addr, void *arg)
{
	struct pinger *pg = arg;
	if (!pg->active || !pg->resolving || strcmp(name, pg->host) != 0)
		return;
	pg->resolving = false;
	if (!addr) {
		answer(pg, false, ORB_NET_ERR_DNS, "the host name did not resolve");
		return;
	}
	pg->addr = *addr;
	send_echo(pg);
}

void ping_start(struct job *j)
{
	struct pinger *pg = &pings[j - net.job];
	memset(pg, 0, sizeof(*pg));
	pg->job = j;
	pg->active = true;
	pg->seq = j->ping.seq;
	uint32_t ms = j->ping.timeout_ms ? j->ping.timeout_ms : 1000;
	pg->deadline_ns = orb_now_ns() + (uint64_t)(ms > 60000 ? 60000 : ms) * 1000000u;
	if (policy_classify(j->name) != PC_SYSTEM) {
		answer(pg, false, ORB_NET_ERR_POLICY_DENIED, "only System processes may ping");
		return;
	}
	if (fetch_host()) {
		answer(pg, false, ORB_NET_ERR_OTHER, "no ICMP: the host's HTTP client is the "
			   "only transport here");
		return;
	}
	if (!pcb) {
		pcb = raw_new(IP_PROTO_ICMP);
		if (!pcb) {
			answer(pg, false, ORB_NET_ERR_OTHER, "no raw pcb");
			return;
		}
		raw_recv(pcb, on_raw, NULL);
		raw_bind(pcb, IP_ADDR_ANY);
	}
	size_t n = j->ping.host.len < URL_MAX_HOST ? j->ping.host.len : URL_MAX_HOST;
	memcpy(pg->host, j->ping.host.ptr, n);
	pg->host[n] = 0;
	pg->waiting = true;
	ping_poll(orb_now_ns());
}

static void ping_go(struct pinger *pg)
{
	pg->waiting = false;
	uint32_t a;
	if (url_host_ipv4(pg->host, &a)) {
		ip_addr_set_ip4_u32(&pg->addr, a);
		send_echo(pg);
		return;
	}
	pg->resolving = true;
	err_t e = dns_gethostbyname(pg->host, &pg->addr, on_dns, pg);
	if (e == ERR_OK) {
		pg->resolving = false;
		send_echo(pg);
	} else if (e != ERR_INPROGRESS) {
		answer(pg, false, ORB_NET_ERR_DNS, "the host name cannot be looked up");
	}
}

void ping_poll(uint64_t now_ns)
{
	extern struct netif *netif_default;
	for (unsigned i = 0; i < NET_MAX_ACTIVE; i++) {
		struct pinger *pg = &pings[i];
		if (!pg->active)
			continue;
		if (now_ns >= pg->deadline_ns)
			answer(pg, false, ORB_NET_ERR_TIMEOUT, pg->waiting ? "no DHCP lease yet"
			       : "no echo reply in time");
		else if (pg->waiting && netif_default && dhcp_supplied_address(netif_default))
			ping_go(pg);
	}
}
