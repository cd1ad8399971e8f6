/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP requests on the stack thread (spec §4.5 "Execution"): check the URL, the policy
 * and the rate limit; on a host with its own HTTP client (the browser) hand the request
 * to it (fetch.c); otherwise wait for an address if DHCP has none yet; resolve the host; open a
 * TCP connection (TLS for https, tls.c); send the head and the body as the send buffer
 * allows; feed what arrives to the response parser (core/http.c), whose body goes
 * straight into the caller's shared object or an inline buffer; answer. Every step is
 * bounded by the request's deadline (timeout_ms, end to end): when it passes the
 * connection is aborted and the answer is Timeout.
 *
 * One `conn` per job slot. lwIP's callbacks carry the conn; a conn that has answered
 * clears them first, so a late callback finds nothing to do.
 */
#include "conn.h"

#include "lwip/dhcp.h"
#include "lwip/dns.h"

static struct conn conns[NET_MAX_ACTIVE];
/* The pcb detach_pcb aborted during the current callback (each callback clears it
 * first): a callback whose own pcb is here returns ERR_ABRT, as lwIP requires of a
 * callback that aborted its connection. */
static struct tcp_pcb *aborted;

uint32_t request_active(void)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < NET_MAX_ACTIVE; i++)
		n += conns[i].phase == C_OPEN || conns[i].phase == C_CONNECT;
	return n;
}

static void detach_pcb(struct conn *c, bool abort)
{
	if (!c->pcb)
		return;
	tcp_arg(c->pcb, NULL);
	tcp_recv(c->pcb, NULL);
	tcp_sent(c->pcb, NULL);
	tcp_err(c->pcb, NULL);
	if (abort || tcp_close(c->pcb) != ERR_OK) {
		aborted = c->pcb;
		tcp_abort(c->pcb);
	}
	c->pcb = NULL;
}

static err_t cb_result(struct tcp_pcb *pcb)
{
	if (aborted != pcb)
		return ERR_OK;
	aborted = NULL;
	return ERR_ABRT;
}

static void release(struct conn *c, bool abort)
{
	detach_pcb(c, abort);
	if (c->tls)
		tls_release(c);
}

void conn_fail(struct conn *c, uint8_t error, const char *reason)
{
	if (c->phase == C_DONE || c->phase == C_IDLE)
		return;
	release(c, true);
	c->phase = C_DONE;
	job_answer_error(c->job, error, reason);
	job_finish(c->job);
	c->phase = C_IDLE;
}

static void succeed(struct conn *c)
{
	static uint8_t headers[ORB_NET_MAX_REPLY_HEADERS];
	release(c, false);
	struct job *j = c->job;
	struct http_parser *p = &c->parser;
	uint32_t count;
	bool cut;
	size_t hlen = http_encode_headers(p, headers, sizeof(headers), &count, &cut);
	orb_msg_net_response_t r = {
		.ok = 1, .status = p->status, .header_count = count,
		.headers = { headers, (uint32_t)hlen }, .body_length = p->body_len,
		.flags = (uint8_t)((c->shared ? ORB_NET_RESP_BODY_SHARED : 0) |
				   (cut ? ORB_NET_RESP_HEADERS_CUT : 0)) };
	if (!c->shared)
		r.body = (orb_bytes_t){ c->inline_body, (uint32_t)p->body_len };
	long n = orb_msg_net_response_encode(j->reply, sizeof(j->reply), &r);
	if (n < 0) {
		c->phase = C_OPEN;
		conn_fail(c, ORB_NET_ERR_OTHER, "the response does not fit a message");
		return;
	}
	j->reply_tag = ORB_MSG_NET_RESPONSE;
	j->reply_len = (size_t)n;
	net.count.requests++;
	c->phase = C_IDLE;
	job_finish(j);
}

static int store_body(void *ctx, const uint8_t *data, size_t len, const char **why)
{
	struct conn *c = ctx;
	uint64_t at = c->parser.body_len;
	if (len > c->room_len - at) {
		*why = c->shared ? "the response body is larger than the room the caller lent"
				 : "the response body does not fit a message: lend a shared object";
		return -1;
	}
	memcpy(c->room + at, data, len);
	return 0;
}

size_t conn_plain_next(struct conn *c, const uint8_t **data)
{
	if (c->head_sent < c->head_len) {
		*data = (const uint8_t *)c->head + c->head_sent;
		return c->head_len - c->head_sent;
	}
	*data = c->body + c->body_sent;
	uint64_t left = c->body_len - c->body_sent;
	return left > SIZE_MAX ? SIZE_MAX : (size_t)left;
}

void conn_plain_taken(struct conn *c, size_t n)
{
	if (c->head_sent < c->head_len)
		c->head_sent += n;
	else
		c->body_sent += n;
}

int conn_deliver(struct conn *c, const uint8_t *data, size_t len)
{
	if (http_feed(&c->parser, data, len, store_body, c) < 0) {
		conn_fail(c, ORB_NET_ERR_OTHER, c->parser.error);
		return -1;
	}
	if (c->parser.state == HTTP_DONE) {
		succeed(c);
		return -1;
	}
	return 0;
}

void conn_end(struct conn *c)
{
	if (http_eof(&c->parser) == 0)
		succeed(c);
	else
		conn_fail(c, ORB_NET_ERR_OTHER, c->parser.error);
}

/* Send what the send buffer takes: the head, then the body (through TLS for https). */
static void pump(struct conn *c)
{
	if (c->tls) {
		tls_run(c);
		return;
	}
	bool wrote = false;
	const uint8_t *src;
	size_t left;
	while (c->pcb && (left = conn_plain_next(c, &src)) > 0) {
		u16_t room = tcp_sndbuf(c->pcb);
		size_t n = left < room ? left : room;
		if (n == 0 || tcp_write(c->pcb, src, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		wrote = true;
		conn_plain_taken(c, n);
	}
	if (wrote)
		tcp_output(c->pcb);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	aborted = NULL;
	(void)len;
	struct conn *c = arg;
	if (c && c->phase == C_OPEN)
		pump(c);
	return cb_result(pcb);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	aborted = NULL;
	struct conn *c = arg;
	if (!c || c->phase != C_OPEN) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (!p || err != ERR_OK) {                   /* the server closed its side */
		if (p)
			pbuf_free(p);
		c->eof = true;
		if (c->tls)
			tls_run(c);
		else
			conn_end(c);
		return cb_result(pcb);
	}
	if (c->tls) {                                /* the engine takes it when it can */
		if (c->rx)
			pbuf_cat(c->rx, p);
		else
			c->rx = p;
		tls_run(c);
		return cb_result(pcb);
	}
	u16_t total = p->tot_len;
	int rc = 0;
	for (struct pbuf *q = p; q && rc == 0; q = q->next)
		rc = conn_deliver(c, q->payload, q->len);
	pbuf_free(p);
	if (rc == 0)
		tcp_recved(pcb, total);
	return cb_result(pcb);
}

static void on_err(void *arg, err_t err)
{
	struct conn *c = arg;
	if (!c)
		return;
	c->pcb = NULL;                               /* lwIP has freed it */
	if (c->phase == C_CONNECT)
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, err == ERR_RST ? "connection refused"
			: "the connection could not be opened");
	else
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, err == ERR_RST ?
		     "the connection was reset by the server" : "the connection failed");
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	aborted = NULL;
	struct conn *c = arg;
	if (!c || c->phase != C_CONNECT)
		return ERR_OK;
	if (err != ERR_OK) {
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, "the connection could not be opened");
		return cb_result(pcb);
	}
	c->phase = C_OPEN;
	if (c->url.https && tls_begin(c, (unsigned)(c - conns)) < 0)
		return cb_result(pcb);
	pump(c);
	return cb_result(pcb);
}

static void connect(struct conn *c)
{
	c->pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	if (!c->pcb) {
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, "no free connection");
		return;
	}
	tcp_arg(c->pcb, c);
	tcp_recv(c->pcb, on_recv);
	tcp_sent(c->pcb, on_sent);
	tcp_err(c->pcb, on_err);
	c->phase = C_CONNECT;
	if (tcp_connect(c->pcb, &c->addr, c->url.port, on_connected) != ERR_OK)
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, "the connection could not be started");
}

static void on_dns(const char *name, const ip_addr_t *addr, void *arg)
{
	struct conn *c = arg;
	if (c->phase != C_DNS || strcmp(name, c->url.host) != 0)
		return;                                  /* an answer for an ended request */
	if (!addr) {
		conn_fail(c, ORB_NET_ERR_DNS, "the host name did not resolve");
		return;
	}
	c->addr = *addr;
	connect(c);
}

static void resolve(struct conn *c)
{
	uint32_t a;
	if (url_host_ipv4(c->url.host, &a)) {
		ip_addr_set_ip4_u32(&c->addr, a);
		connect(c);
		return;
	}
	c->phase = C_DNS;
	err_t e = dns_gethostbyname(c->url.host, &c->addr, on_dns, c);
	if (e == ERR_OK)
		connect(c);
	else if (e != ERR_INPROGRESS)
		conn_fail(c, ORB_NET_ERR_DNS, "the host name cannot be looked up (no DNS server?)");
}

void request_start(struct job *j)
{
	struct conn *c = &conns[j - net.job];
	const orb_msg_net_request_t *r = &j->req;
	memset(c, 0, offsetof(struct conn, parser));
	c->job = j;
	c->phase = C_WAIT_NET;
	uint32_t ms = r->timeout_ms ? r->timeout_ms : ORB_NET_DEFAULT_TIMEOUT_MS;
	if (ms > ORB_NET_MAX_TIMEOUT_MS)
		ms = ORB_NET_MAX_TIMEOUT_MS;
	c->deadline_ns = orb_now_ns() + (uint64_t)ms * 1000000u;
	const char *why;
	if (url_parse(r->url.ptr, r->url.len, &c->url, &why) < 0) {
		conn_fail(c, ORB_NET_ERR_INVALID_URL, why);
		return;
	}
	struct policy_verdict v = policy_check(&net.policy, j->name, j->pid, c->url.full,
					       c->url.full_len, c->url.host);
	if (!v.allow) {
		static char reason[96];
		if (v.rule < 0)
			snprintf(reason, sizeof(reason), "No policy allows this URL");
		else
			snprintf(reason, sizeof(reason), "Denied by rule: %s",
				 net.policy.rule[v.rule].id);
		conn_fail(c, ORB_NET_ERR_POLICY_DENIED, reason);
		return;
	}
	if (!rate_take(&net.rate, j->pid, orb_now_ns())) {
		net.count.rate_limited++;
		conn_fail(c, ORB_NET_ERR_OTHER, "rate limit: 100 requests per 60 s");
		net.count.failed--;                   /* counted as rate-limited instead */
		return;
	}
	bool has_body = r->flags & ORB_NET_REQ_BODY;
	if (j->body_shared) {
		c->body = j->body_view.data;
		c->body_len = j->body_view.length;
	} else if (has_body) {
		c->body = r->body.ptr;
		c->body_len = r->body.len;
	}
	long n = http_request_head(c->head, sizeof(c->head), r->method, &c->url, r->headers.ptr,
				   r->headers.len, r->header_count, has_body, c->body_len, &why);
	if (n < 0) {
		conn_fail(c, ORB_NET_ERR_OTHER, why);
		return;
	}
	c->head_len = (size_t)n;
	c->shared = j->resp_shared;
	c->room = c->shared ? j->resp_view.data : c->inline_body;
	c->room_len = c->shared ? j->resp_view.length : sizeof(c->inline_body);
	http_parser_init(&c->parser, r->method == ORB_NET_METHOD_HEAD, c->room_len);
	if (fetch_host()) {   /* the host's HTTP client is the transport (fetch.c) */
		c->phase = C_OPEN;
		fetch_run(c);
		return;
	}
	request_poll(orb_now_ns());
}

void request_poll(uint64_t now_ns)
{
	extern struct netif *netif_default;
	for (unsigned i = 0; i < NET_MAX_ACTIVE; i++) {
		struct conn *c = &conns[i];
		if (c->phase == C_IDLE || c->phase == C_DONE)
			continue;
		if (now_ns >= c->deadline_ns) {
			conn_fail(c, ORB_NET_ERR_TIMEOUT, "timeout_ms passed before the response was "
						     "complete");
			continue;
		}
		if (c->phase == C_WAIT_NET && netif_default &&
		    dhcp_supplied_address(netif_default))
			resolve(c);
	}
}
