/* SPDX-License-Identifier: Apache-2.0 */
/*
 * TLS for https:// requests, on BearSSL (0.6): one client engine per request slot, in
 * static memory (BearSSL allocates nothing), driven by the stack thread between lwIP and
 * the HTTP parser (conn.h).
 *
 * The engine verifies the server's chain with BearSSL's "minimal" X.509 engine against
 * the trust anchors the image description names (`trust` on the service; the build turns
 * the PEM files into `orb_trust_anchors`, see orbital_build/image/trust.py), checks that
 * the certificate names the URL's host, and checks validity against the wall clock
 * (clock.c). TLS 1.0-1.2 with every suite BearSSL's "full" client profile offers; the
 * engine's generator is seeded from orb_entropy() for each connection.
 *
 * tls_run() loops over the engine's state until nothing moves: encrypted records out to
 * TCP as the send buffer allows; received TCP data in, as the engine has room (lwIP's
 * window reopens only for what the engine took, so a fast server cannot make the service
 * buffer more than the window); decrypted data to the parser; the plaintext request in,
 * then a flush. When the engine closes, its error decides: none (the server's
 * close_notify) ends the response like a TCP close; a certificate error or any other
 * failure ends the request with ConnectionFailed and a reason naming it. A TCP close
 * without close_notify ends a response whose length was known (Content-Length, chunked);
 * a body that runs to the close could have been cut by an attacker, so it is refused.
 */
#include "conn.h"

#include <bearssl.h>

/* The image's trust anchors (generated at build time from the description's `trust`). */
extern const br_x509_trust_anchor orb_trust_anchors[];
extern const size_t orb_trust_anchor_count;

struct tls {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
	uint8_t iobuf[BR_SSL_BUFSIZE_BIDI];
};

static struct tls engines[NET_MAX_ACTIVE];

/* Days from 0000-01-01 (BearSSL's epoch) to 1970-01-01. */
#define UNIX_EPOCH_DAYS 719528u

int tls_begin(struct conn *c, unsigned slot)
{
	struct tls *t = &engines[slot];
	if (orb_trust_anchor_count == 0) {
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED,
			  "https: this image names no trust anchors ([[service]] trust)");
		return -1;
	}
	uint64_t now = clock_unix_seconds();
	if (now == 0) {
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED,
			  "https: no wall-clock time to check certificates against");
		return -1;
	}
	br_ssl_client_init_full(&t->cc, &t->xc, orb_trust_anchors, orb_trust_anchor_count);
	br_x509_minimal_set_time(&t->xc, (uint32_t)(now / 86400u) + UNIX_EPOCH_DAYS,
				 (uint32_t)(now % 86400u));
	br_ssl_engine_set_buffer(&t->cc.eng, t->iobuf, sizeof(t->iobuf), 1);
	uint8_t seed[32];
	if (orb_entropy(seed, sizeof(seed)) < 0) {
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, "https: no entropy for TLS");
		return -1;
	}
	br_ssl_engine_inject_entropy(&t->cc.eng, seed, sizeof(seed));
	for (volatile uint8_t *v = seed; v < seed + sizeof(seed); v++)
		*v = 0;
	if (!br_ssl_client_reset(&t->cc, c->url.host, 0)) {
		conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, "https: the TLS engine did not start");
		return -1;
	}
	c->tls = t;
	return 0;
}

void tls_release(struct conn *c)
{
	if (c->rx)
		pbuf_free(c->rx);
	c->rx = NULL;
	c->tls = NULL;
}

/* A one-line reason for the engine's error code. */
static const char *reason(int err, char *buf, size_t cap)
{
	switch (err) {
	case BR_ERR_X509_NOT_TRUSTED:
		return "https: the server's certificate chain does not lead to a trust anchor";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "https: the server's certificate does not name the host";
	case BR_ERR_X509_EXPIRED:
		return "https: the server's certificate has expired or is not yet valid";
	case BR_ERR_X509_TIME_UNKNOWN:
		return "https: no time to check the certificate's validity";
	case BR_ERR_X509_BAD_SIGNATURE:
		return "https: a signature in the server's chain is wrong";
	case BR_ERR_X509_NOT_CA:
		return "https: the server's chain has a certificate that is not a CA's";
	case BR_ERR_X509_EMPTY_CHAIN:
		return "https: the server sent no certificate";
	case BR_ERR_BAD_VERSION:
	case BR_ERR_UNSUPPORTED_VERSION:
		return "https: no TLS version in common with the server (1.0-1.2 here)";
	case BR_ERR_BAD_CIPHER_SUITE:
		return "https: no cipher suite in common with the server";
	default:
		break;
	}
	if (err >= BR_ERR_RECV_FATAL_ALERT && err < BR_ERR_RECV_FATAL_ALERT + 256)
		snprintf(buf, cap, "https: the server sent TLS alert %d",
			 err - BR_ERR_RECV_FATAL_ALERT);
	else if (err >= BR_ERR_X509_OK && err < BR_ERR_X509_OK + 32)
		snprintf(buf, cap, "https: the server's certificate was refused (BearSSL X.509 "
			 "error %d)", err);
	else
		snprintf(buf, cap, "https: the TLS connection failed (BearSSL error %d)", err);
	return buf;
}

/* Move pending TCP data into the engine's record buffer; true if any moved. */
static bool feed_records(struct conn *c, br_ssl_engine_context *eng)
{
	size_t room;
	uint8_t *dst = br_ssl_engine_recvrec_buf(eng, &room);
	size_t n = c->rx->tot_len < room ? c->rx->tot_len : room;
	if (n == 0)
		return false;
	pbuf_copy_partial(c->rx, dst, (u16_t)n, 0);
	c->rx = pbuf_free_header(c->rx, (u16_t)n);
	br_ssl_engine_recvrec_ack(eng, n);
	tcp_recved(c->pcb, (u16_t)n);
	return true;
}

void tls_run(struct conn *c)
{
	struct tls *t = c->tls;
	br_ssl_engine_context *eng = &t->cc.eng;
	bool wrote = false, flushed = false;
	for (;;) {
		if (!c->pcb || c->phase != C_OPEN || c->tls != t)
			return;                          /* answered meanwhile */
		unsigned st = br_ssl_engine_current_state(eng);
		if (st & BR_SSL_CLOSED) {
			int err = br_ssl_engine_last_error(eng);
			char buf[96];
			if (err == BR_ERR_OK)
				conn_end(c);
			else
				conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, reason(err, buf,
										 sizeof(buf)));
			return;
		}
		bool moved = false;
		size_t len;
		if (st & BR_SSL_SENDREC) {
			const uint8_t *rec = br_ssl_engine_sendrec_buf(eng, &len);
			u16_t room = tcp_sndbuf(c->pcb);
			size_t n = len < room ? len : room;
			if (n > 0 && tcp_write(c->pcb, rec, (u16_t)n, TCP_WRITE_FLAG_COPY) == ERR_OK) {
				br_ssl_engine_sendrec_ack(eng, n);
				wrote = moved = true;
			}
		}
		if (st & BR_SSL_RECVAPP) {
			const uint8_t *app = br_ssl_engine_recvapp_buf(eng, &len);
			int ended = conn_deliver(c, app, len);
			if (ended)
				return;
			br_ssl_engine_recvapp_ack(eng, len);
			moved = true;
		}
		if (st & BR_SSL_SENDAPP) {
			const uint8_t *src;
			size_t left = conn_plain_next(c, &src);
			if (left > 0) {
				uint8_t *dst = br_ssl_engine_sendapp_buf(eng, &len);
				size_t n = left < len ? left : len;
				memcpy(dst, src, n);
				br_ssl_engine_sendapp_ack(eng, n);
				conn_plain_taken(c, n);
				moved = true;
			} else if (!flushed) {
				br_ssl_engine_flush(eng, 0);
				flushed = moved = true;
			}
		}
		if ((st & BR_SSL_RECVREC) && c->rx)
			moved |= feed_records(c, eng);
		if (!moved)
			break;
	}
	if (wrote)
		tcp_output(c->pcb);
	if (c->eof && !c->rx && c->phase == C_OPEN) {
		/* The server closed TCP without close_notify and every byte has been read. */
		if (c->parser.state == HTTP_BODY_CLOSE)
			conn_fail(c, ORB_NET_ERR_CONNECTION_FAILED, "https: the connection closed "
				  "without close_notify: a body that runs to the close may be cut");
		else
			conn_end(c);
	}
}
