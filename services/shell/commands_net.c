/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Network commands: `fetch` (an HTTP(S) request through the Network service), `ping` and
 * `net`. The Network service is found in init's registry ("network") once.
 *
 * fetch lends the service one shared object (made on first use, NET_MAX_BODY bytes) for
 * response bodies too large for a message, and prints the status, the body's length and
 * its FNV-1a-64 digest (so long bodies can be checked without printing them), then the
 * body itself when it is short text. A NET_REQUEST is never retried: when the service
 * dies holding it, the command says so (the request may or may not have reached the
 * server).
 */
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/transfer.h>

#include "shell.h"

#define PRINT_MAX 512

static orb_cptr_t network = ORB_CAP_NONE;
static struct orb_xfer room;

static const char *const error_names[] = { "PolicyDenied", "DnsError", "ConnectionFailed",
					   "Timeout", "InvalidUrl", "CorsError", "Other" };
static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
				       "OPTIONS" };

static long find_network(const char *cmd)
{
	if (network != ORB_CAP_NONE)
		return 0;
	long rc = orb_lookup_service("network", &network, NULL, 0);
	if (rc < 0) {
		orb_printf("%s: no network service: %s (%s)\n", cmd, orb_errno_text(rc),
			   orb_errno_name(rc));
		network = ORB_CAP_NONE;
	}
	return rc;
}

/* A call that is not retried; one line on failure. */
static long ask(const char *cmd, uint32_t tag, const void *req, size_t len,
		const orb_cptr_t *caps, unsigned ncaps, uint32_t want, orb_msg_t *reply)
{
	if (find_network(cmd) < 0)
		return -ORB_ENOENT;
	long rc = orb_call(network, tag, req, len, caps, ncaps, reply);
	if (rc == -ORB_EDEAD) {
		orb_printf("%s: error Other: the network service ended during the request\n", cmd);
		return rc;
	}
	if (rc < 0) {
		orb_printf("%s: no answer from the network service: %s\n", cmd, orb_errno_text(rc));
		return rc;
	}
	for (uint32_t i = 0; i < reply->ncaps && i < ORB_MAX_MSG_CAPS; i++)
		orb_cap_delete(reply->caps[i]);
	if (reply->tag != want) {
		orb_printf("%s: the network service answered with tag %#x\n", cmd, reply->tag);
		return -ORB_EINVAL;
	}
	return 0;
}

static uint64_t fnv1a(const uint8_t *p, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (uint64_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* A wire string as a C string (liborbital's printf has no %.*s). */
static const char *cstr(orb_str_t s)
{
	static char buf[512];
	orb_strcopy(buf, sizeof(buf), s.ptr, s.len);
	return buf;
}

static bool printable(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t' && p[i] != '\r') || p[i] > 0x7e)
			return false;
	return true;
}

static void cmd_fetch(int argc, char **argv)
{
	orb_msg_net_request_t req = { .method = ORB_NET_METHOD_GET, .timeout_ms = 0 };
	const char *url = NULL, *data = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-X") == 0 && i + 1 < argc) {
			const char *m = argv[++i];
			unsigned k = 0;
			while (k < ORB_ARRAY_SIZE(methods) && strcmp(methods[k], m) != 0)
				k++;
			if (k == ORB_ARRAY_SIZE(methods)) {
				orb_printf("fetch: unknown method '%s'\n", m);
				return;
			}
			req.method = (uint8_t)k;
		} else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
			data = argv[++i];
		} else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
			uint64_t ms;
			if (!args_u64(argv[++i], ORB_NET_MAX_TIMEOUT_MS, &ms)) {
				orb_printf("fetch: -t takes milliseconds, at most %u\n",
					   ORB_NET_MAX_TIMEOUT_MS);
				return;
			}
			req.timeout_ms = (uint32_t)ms;
		} else if (!url && argv[i][0] != '-') {
			url = argv[i];
		} else {
			orb_printf("usage: fetch [-X METHOD] [-d DATA] [-t TIMEOUT_MS] URL\n");
			return;
		}
	}
	if (!url) {
		orb_printf("usage: fetch [-X METHOD] [-d DATA] [-t TIMEOUT_MS] URL\n");
		return;
	}
	if (!room.data) {
		long rc = orb_xfer_create(&room, ORB_NET_MAX_BODY);
		if (rc < 0) {
			orb_printf("fetch: no shared object for the response: %s\n",
				   orb_errno_text(rc));
			return;
		}
	}
	req.url = (orb_str_t){ url, (uint16_t)strlen(url) };
	if (data) {
		req.flags |= ORB_NET_REQ_BODY;
		req.body = (orb_bytes_t){ (const uint8_t *)data, (uint32_t)strlen(data) };
	}
	req.flags |= ORB_NET_REQ_RESPONSE_SHARED;
	req.response_offset = 0;
	req.response_capacity = room.size;
	static uint8_t buf[ORB_MAX_MSG_SIZE];
	long n = orb_msg_net_request_encode(buf, sizeof(buf), &req);
	long lent = orb_xfer_lend(&room, ORB_RIGHT_READ | ORB_RIGHT_WRITE);
	if (n < 0 || lent < 0) {
		orb_printf("fetch: the request does not fit a message\n");
		return;
	}
	orb_cptr_t caps[1] = { (orb_cptr_t)lent };
	orb_msg_t reply;
	if (ask("fetch", ORB_MSG_NET_REQUEST, buf, (size_t)n, caps, 1, ORB_MSG_NET_RESPONSE,
		&reply) < 0)
		return;
	orb_msg_net_response_t r;
	if (orb_msg_net_response_decode(reply.data, reply.len, &r) < 0) {
		orb_printf("fetch: malformed answer from the network service\n");
		return;
	}
	if (!r.ok) {
		orb_printf("fetch: error %s: %s\n",
			   r.error < ORB_ARRAY_SIZE(error_names) ? error_names[r.error] : "?",
			   cstr(r.reason));
		return;
	}
	const uint8_t *body = r.flags & ORB_NET_RESP_BODY_SHARED ? room.data : r.body.ptr;
	uint64_t len = r.flags & ORB_NET_RESP_BODY_SHARED ? r.body_length : r.body.len;
	orb_printf("fetch: status %u, %lu bytes, fnv64 %016lx, %u headers%s\n", r.status,
		   (unsigned long)len, (unsigned long)fnv1a(body, len), r.header_count,
		   r.flags & ORB_NET_RESP_HEADERS_CUT ? " (cut)" : "");
	if (len && len <= PRINT_MAX && printable(body, len)) {
		static char text[PRINT_MAX + 1];
		memcpy(text, body, len);
		text[len] = 0;
		orb_printf("%s\n", text);
	}
}

static void ip_str(uint32_t a, char out[16])
{
	snprintf(out, 16, "%u.%u.%u.%u", a & 255, (a >> 8) & 255, (a >> 16) & 255, a >> 24);
}

static void cmd_ping(int argc, char **argv)
{
	uint64_t count = 3;
	if ((argc > 2 && !args_u64(argv[2], 100, &count)) || count == 0) {
		orb_printf("ping: COUNT must be 1-100\n");
		return;
	}
	for (uint64_t seq = 1; seq <= count; seq++) {
		orb_msg_net_ping_t p = { .host = { argv[1], (uint16_t)strlen(argv[1]) },
					 .timeout_ms = 5000, .seq = (uint16_t)seq };
		uint8_t buf[512];
		long n = orb_msg_net_ping_encode(buf, sizeof(buf), &p);
		orb_msg_t reply;
		orb_msg_net_ping_response_t r;
		if (n < 0 || ask("ping", ORB_MSG_NET_PING, buf, (size_t)n, NULL, 0,
				 ORB_MSG_NET_PING_RESPONSE, &reply) < 0)
			return;
		if (orb_msg_net_ping_response_decode(reply.data, reply.len, &r) < 0) {
			orb_printf("ping: malformed answer\n");
			return;
		}
		char a[16];
		ip_str(r.address, a);
		if (r.ok)
			orb_printf("ping: reply from %s seq=%u time=%u us\n", a, (unsigned)seq,
				   r.rtt_us);
		else
			orb_printf("ping: %s seq=%u error %s: %s\n", a, (unsigned)seq,
				   r.error < ORB_ARRAY_SIZE(error_names) ? error_names[r.error] : "?",
				   cstr(r.reason));
	}
}

static void cmd_net(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	orb_msg_t reply;
	orb_msg_net_info_response_t r;
	if (ask("net", ORB_MSG_NET_INFO, NULL, 0, NULL, 0, ORB_MSG_NET_INFO_RESPONSE, &reply) < 0)
		return;
	if (orb_msg_net_info_response_decode(reply.data, reply.len, &r) < 0) {
		orb_printf("net: malformed answer\n");
		return;
	}
	char a[16], m[16], g[16], d[16];
	ip_str(r.address, a);
	ip_str(r.netmask, m);
	ip_str(r.gateway, g);
	ip_str(r.dns, d);
	orb_printf("net: link %s, mac %02x:%02x:%02x:%02x:%02x:%02x, %s %s netmask %s gateway %s "
		   "dns %s\n", r.link ? "up" : "down", (unsigned)(r.mac & 255),
		   (unsigned)(r.mac >> 8 & 255), (unsigned)(r.mac >> 16 & 255),
		   (unsigned)(r.mac >> 24 & 255), (unsigned)(r.mac >> 32 & 255),
		   (unsigned)(r.mac >> 40 & 255), r.bound ? "address" : "no lease, address", a, m,
		   g, d);
	orb_printf("net: rx %lu frames %lu bytes, tx %lu frames %lu bytes; requests %lu, "
		   "denied %lu, rate-limited %lu, failed %lu; tcp %u open\n",
		   (unsigned long)r.rx_frames, (unsigned long)r.rx_bytes, (unsigned long)r.tx_frames,
		   (unsigned long)r.tx_bytes, (unsigned long)r.requests, (unsigned long)r.denied,
		   (unsigned long)r.rate_limited, (unsigned long)r.failed, r.tcp_active);
}

const struct command commands_net[] = {
	{ "fetch", "[-X METHOD] [-d DATA] [-t MS] URL", "an HTTP(S) request via the network",
	  1, 7, cmd_fetch },
	{ "ping", "HOST [COUNT]", "ICMP echo via the network service", 1, 2, cmd_ping },
	{ "net", "", "the interface, its lease and counters", 0, 0, cmd_net },
};
const size_t commands_net_count = ORB_ARRAY_SIZE(commands_net);
