/* SPDX-License-Identifier: Apache-2.0 */
/* NET_REQUEST from a client's side (netcheck.h): one shared object per thread carries a
 * large request body and every response body. */
#include "netcheck.h"

#define XFER_SIZE (2 * BIG + 2 * 65536)
#define RESP_OFFSET (BIG + 65536)

static const char *const kinds[] = { "PolicyDenied", "DnsError", "ConnectionFailed",
				     "Timeout", "InvalidUrl", "CorsError", "Other" };

struct client main_client;
static uint8_t pattern_buf[BIG];

uint64_t fnv1a(const uint8_t *p, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (uint64_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

void fill_pattern(uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		p[i] = (uint8_t)(((i % 4096) * 7 + 3) & 0xff);
}

const uint8_t *pattern_bytes(void)
{
	if (pattern_buf[0] == 0)
		fill_pattern(pattern_buf, BIG);
	return pattern_buf;
}

const uint8_t *last_body(const struct client *c)
{
	return c->room.data + RESP_OFFSET;
}

static bool same_nocase(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/* header_count (name str, value str) pairs: the value of `name` (case-insensitive). */
static void find_header(const orb_msg_net_response_t *m, const char *name, char *out,
			size_t cap)
{
	out[0] = 0;
	const uint8_t *p = m->headers.ptr, *end = p + m->headers.len;
	for (uint32_t i = 0; i < m->header_count && p + 2 <= end; i++) {
		uint16_t nl = (uint16_t)(p[0] | p[1] << 8);
		const char *n = (const char *)p + 2;
		p += 2 + nl;
		if (p + 2 > end)
			return;
		uint16_t vl = (uint16_t)(p[0] | p[1] << 8);
		const char *v = (const char *)p + 2;
		p += 2 + vl;
		if (p > end)
			return;
		if (nl == strlen(name) && same_nocase(n, name, nl)) {
			orb_strcopy(out, cap, v, vl);
			return;
		}
	}
}

void net_do(struct client *c, uint8_t method, const char *url, const uint8_t *body, uint64_t body_len,
	    bool has_body, uint32_t timeout_ms, const char *want_header, struct result *r)
{
	memset(r, 0, sizeof(*r));
	if (!c->room.data && (r->call = orb_xfer_create(&c->room, XFER_SIZE)) < 0)
		return;
	orb_msg_net_request_t req = {
		.method = method, .timeout_ms = timeout_ms,
		.url = { url, (uint16_t)strlen(url) },
		.flags = ORB_NET_REQ_RESPONSE_SHARED,
		.response_offset = RESP_OFFSET, .response_capacity = BIG + 65536,
	};
	if (has_body) {
		req.flags |= ORB_NET_REQ_BODY;
		if (body_len > 3000) {
			memcpy(c->room.data, body, body_len);
			req.flags |= ORB_NET_REQ_BODY_SHARED;
			req.body_length = body_len;
		} else {
			req.body = (orb_bytes_t){ body, (uint32_t)body_len };
		}
	}
	long n = orb_msg_net_request_encode(c->msg, sizeof(c->msg), &req);
	long lent = orb_xfer_lend(&c->room, ORB_RIGHT_READ | ORB_RIGHT_WRITE);
	if (n < 0 || lent < 0) {
		r->call = n < 0 ? n : lent;
		return;
	}
	orb_cptr_t caps[1] = { (orb_cptr_t)lent };
	orb_msg_t reply;
	r->call = orb_call(NET_SLOT, ORB_MSG_NET_REQUEST, c->msg, (size_t)n, caps, 1, &reply);
	if (r->call < 0)
		return;
	orb_msg_net_response_t m;
	if (reply.tag != ORB_MSG_NET_RESPONSE ||
	    orb_msg_net_response_decode(reply.data, reply.len, &m) < 0) {
		r->call = -ORB_EINVAL;
		return;
	}
	r->ok = m.ok;
	r->error = m.error;
	orb_strcopy(r->reason, sizeof(r->reason), m.reason.ptr, m.reason.len);
	if (!m.ok)
		return;
	r->status = m.status;
	const uint8_t *b = m.flags & ORB_NET_RESP_BODY_SHARED ? last_body(c) : m.body.ptr;
	r->len = m.flags & ORB_NET_RESP_BODY_SHARED ? m.body_length : m.body.len;
	r->fnv = fnv1a(b, r->len);
	if (want_header)
		find_header(&m, want_header, r->header, sizeof(r->header));
}

void report(const char *name, const struct result *r)
{
	if (r->call < 0)
		orb_printf(ORB_SERVICE_NAME ": %s: no answer: %s\n", name, orb_errno_name(r->call));
	else if (!r->ok)
		orb_printf(ORB_SERVICE_NAME ": %s: error %s: %s\n", name,
			   r->error < ORB_ARRAY_SIZE(kinds) ? kinds[r->error] : "?", r->reason);
	else
		orb_printf(ORB_SERVICE_NAME ": %s: status %u, %lu bytes, fnv64 %016lx%s%s\n", name,
			   r->status, (unsigned long)r->len, (unsigned long)r->fnv,
			   r->header[0] ? ", header " : "", r->header);
}

void fetch_report(const char *name, uint8_t method, const char *url, const uint8_t *body,
		  uint64_t body_len, bool has_body, uint32_t timeout_ms)
{
	struct result r;
	net_do(&main_client, method, url, body, body_len, has_body, timeout_ms, NULL, &r);
	report(name, &r);
}

int wait_for_process(const char *name, bool present, unsigned max_ms)
{
	static orb_proc_entry_t list[64];
	for (unsigned waited = 0; waited <= max_ms; waited += 20) {
		long n = orb_process_list(list, sizeof(list));
		bool found = false;
		for (long i = 0; i < n && i < 64; i++)
			found |= !strcmp((const char *)list[i].name, name);
		if (n >= 0 && found == present)
			return 0;
		orb_sleep_ms(20);
	}
	return -1;
}
