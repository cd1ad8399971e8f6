/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP/1.1 for the Network service's client (RFC 9112), without any transport: the
 * request head it sends and an incremental parser for the response it reads, fed with
 * whatever bytes TCP (or TLS) delivered. Portable C, host-tested (tests/network/).
 *
 * Requests say `Connection: close`: one request per connection, so a response ends at
 * its Content-Length, its last chunk, or the connection's close, and no state survives
 * between requests. The service sets Host, Content-Length and Connection itself and
 * refuses them (and Transfer-Encoding) from callers.
 *
 * The parser refuses what a hostile server can use to exhaust the service: a status line
 * and headers longer than NET_MAX_HEAD bytes or more than NET_MAX_HEADERS lines, a body
 * larger than the caller's room, malformed chunk sizes or chunk ends, conflicting
 * lengths, unsupported transfer codings. Interim 1xx responses are skipped. Each refusal
 * is an error with a one-line reason; the transport adds the timeouts.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "url.h"

#define HTTP_MAX_HEAD 16384
#define HTTP_MAX_HEADERS 64

/* The request head, from the caller's headers in wire form (count (name str, value str)
 * pairs): bytes written, or -1 with *why. */
long http_request_head(char *buf, size_t cap, unsigned method, const struct url *u,
		       const uint8_t *headers, size_t headers_len, uint32_t header_count,
		       bool has_body, uint64_t body_len, const char **why);

enum http_state {
	HTTP_HEAD,          /* reading the status line and headers */
	HTTP_BODY,          /* Content-Length bytes left in `remaining` */
	HTTP_BODY_CLOSE,    /* until the connection closes */
	HTTP_CHUNK_SIZE,    /* a chunk-size line */
	HTTP_CHUNK_DATA,    /* `remaining` bytes of a chunk */
	HTTP_CHUNK_END,     /* the CRLF after a chunk's data */
	HTTP_TRAILERS,      /* trailer lines after the last chunk */
	HTTP_DONE,
	HTTP_ERROR,
};

struct http_field {
	uint16_t name, name_len, value, value_len;  /* offsets into head[] */
};

/* Receives body bytes in order; returns 0, or -1 to stop (the parser fails with `why`). */
typedef int (*http_body_fn)(void *ctx, const uint8_t *data, size_t len, const char **why);

struct http_parser {
	enum http_state state;
	bool head_only;             /* the request was HEAD: no body follows any head */
	uint16_t status;
	uint64_t body_max;          /* the caller's room for the body */
	uint64_t body_len;          /* body bytes delivered */
	uint64_t remaining;
	bool chunked, has_length;
	uint64_t length;
	const char *error;
	size_t head_len;            /* bytes in head[] */
	size_t line_start;          /* where the line being read begins (head or line[]) */
	unsigned nfields;
	struct http_field field[HTTP_MAX_HEADERS];
	char line[80];              /* a chunk-size or trailer line */
	size_t line_len;
	size_t trailer_bytes;
	char head[HTTP_MAX_HEAD];
};

void http_parser_init(struct http_parser *p, bool head_only, uint64_t body_max);
/* Feed received bytes; body bytes go to fn. Returns 0 (more is needed or the response is
 * complete: state HTTP_DONE), or -1 (state HTTP_ERROR, `error` says why). Bytes after
 * the end of the response are ignored. */
int http_feed(struct http_parser *p, const uint8_t *data, size_t len, http_body_fn fn,
	      void *ctx);
/* The connection closed: completes a body that runs to the close; anything else not yet
 * complete is an error. Returns 0 when the response is complete. */
int http_eof(struct http_parser *p);

/* Header i's name and value (pointers into the parser). */
static inline const char *http_field_name(const struct http_parser *p, unsigned i)
{
	return p->head + p->field[i].name;
}
static inline const char *http_field_value(const struct http_parser *p, unsigned i)
{
	return p->head + p->field[i].value;
}

/* The response headers in wire form, as many whole pairs as fit in cap: bytes written;
 * *count = pairs written, *cut = whether some did not fit. */
size_t http_encode_headers(const struct http_parser *p, uint8_t *buf, size_t cap,
			   uint32_t *count, bool *cut);
