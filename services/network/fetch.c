// SPDX-License-Identifier: Apache-2.0
/*
 * The host's HTTP client as the transport under the requests (<orbital/hostfetch.h>; in
 * the browser, fetch()). main.c asks once at start; with one, request.c hands each
 * request here once the URL, the policy and the rate limit have let it through and its
 * HTTP/1.1 head is written, instead of opening a TCP connection. The host answers in
 * HTTP/1.1 form, which goes to the same response parser as a connection's bytes
 * (conn_deliver, conn_end), with the same limits on heads and bodies. The stack thread
 * waits for the answer; the request's deadline bounds it.
 */
#include <orbital/hostfetch.h>

#include "conn.h"

static bool host;

bool fetch_open(void)
{
	char what[96];
	host = orb_hostfetch_open(what, sizeof(what)) == 0;
	if (host)
		orb_printf("network: the host's HTTP client: %s\n", what);
	return host;
}

bool fetch_host(void)
{
	return host;
}

void fetch_run(struct conn *c)
{
	uint64_t now = orb_now_ns();
	if (now >= c->deadline_ns) {
		conn_fail(c, ORB_NET_ERR_TIMEOUT, "timeout_ms passed before the request was sent");
		return;
	}
	size_t cap = HTTP_MAX_HEAD + (size_t)c->room_len;
	uint8_t *buf = orb_malloc(cap);
	if (!buf) {
		conn_fail(c, ORB_NET_ERR_OTHER, "no memory for the response");
		return;
	}
	size_t len;
	uint32_t ms = (uint32_t)((c->deadline_ns - now + 999999u) / 1000000u);
	long rc = orb_hostfetch(c->url.full, c->url.full_len, c->head, c->head_len, c->body,
				(size_t)c->body_len, ms, buf, cap, &len);
	int error = orb_hostfetch_error(rc);
	if (rc < 0)
		conn_fail(c, error >= 0 ? (uint8_t)error : ORB_NET_ERR_OTHER,
			  error >= 0 ? orb_hostfetch_reason() : "the host's HTTP client failed");
	else if (conn_deliver(c, buf, len) == 0)
		conn_end(c);
	orb_free(buf);
}
