/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One HTTP(S) request on the stack thread (request.c), as the TLS layer (tls.c) sees it.
 *
 * A conn moves through its phases on lwIP's callbacks and the stack thread's polls. For
 * http:// its TCP bytes are the HTTP bytes. For https:// a BearSSL engine sits between
 * them: TCP segments wait in `rx` until the engine takes them (and only then does lwIP
 * get its window back), the plaintext request (head, then body) goes through the engine,
 * and what the engine decrypts is fed to the same response parser.
 */
#pragma once

#include "net.h"

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"

enum phase { C_IDLE, C_WAIT_NET, C_DNS, C_CONNECT, C_OPEN, C_DONE };

struct tls;

struct conn {
	struct job *job;
	enum phase phase;
	struct url url;
	uint64_t deadline_ns;
	struct tcp_pcb *pcb;
	ip_addr_t addr;
	struct tls *tls;                       /* https: this slot's engine (tls.c) */
	struct pbuf *rx;                       /* https: TCP data the engine has not taken */
	bool eof;                              /* the server closed its side */
	char head[4096];
	size_t head_len, head_sent;
	const uint8_t *body;
	uint64_t body_len, body_sent;
	uint8_t *room;                         /* where the response body goes */
	uint64_t room_len;
	bool shared;
	struct http_parser parser;
	uint8_t inline_body[NET_INLINE_BODY];
};

/* request.c, for tls.c */
/* The next plaintext bytes of the request (head, then body): their length (0: all given). */
size_t conn_plain_next(struct conn *c, const uint8_t **data);
void conn_plain_taken(struct conn *c, size_t n);
/* Response bytes for the parser: 0 to go on, -1 when the request has ended (answered). */
int conn_deliver(struct conn *c, const uint8_t *data, size_t len);
/* The transport has ended: the parser decides whether the response is complete. */
void conn_end(struct conn *c);
void conn_fail(struct conn *c, uint8_t error, const char *reason);

/* fetch.c (net.h has the rest) */
/* Send c's request through it and answer (conn_deliver/conn_end or conn_fail). */
void fetch_run(struct conn *c);

/* tls.c */
/* Prepare slot i's engine for c (host name for SNI and the certificate check): 0, or -1
 * having answered the request. */
int tls_begin(struct conn *c, unsigned slot);
/* Run the engine as far as it goes: send records, take received data, deliver plaintext. */
void tls_run(struct conn *c);
/* Free what the engine's conn still holds (the pending TCP data). */
void tls_release(struct conn *c);
/* The wall clock for certificate validity (clock.c): seconds since 1970, or 0 unknown. */
uint64_t clock_unix_seconds(void);
void clock_start(orb_cptr_t rtc);
