/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP/1.1 request heads and the incremental response parser (http.h). */
#include "http.h"

#include <string.h>

static const char *const method_name[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD",
					  "OPTIONS"};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool same_nocase(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* RFC 9110 §5.6.2 tchar. */
static bool token_char(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return true;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 9110 §5.5 field-vchar, SP and HTAB. */
static bool value_char(uint8_t c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* --- request head ------------------------------------------------------------------------ */

struct out {
	char *buf;
	size_t at, cap;
	bool full;
};

static void emit(struct out *o, const char *s, size_t n)
{
	if (o->full || o->cap - o->at < n) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->at, s, n);
	o->at += n;
}

static void emits(struct out *o, const char *s)
{
	emit(o, s, strlen(s));
}

static void emit_u64(struct out *o, uint64_t v)
{
	char d[24];
	size_t n = 0;
	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	emit(o, d + sizeof(d) - n, n);
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

long http_request_head(char *buf, size_t cap, unsigned method, const struct url *u,
		       const uint8_t *headers, size_t headers_len, uint32_t header_count,
		       bool has_body, uint64_t body_len, const char **why)
{
	if (method >= sizeof(method_name) / sizeof(method_name[0])) {
		*why = "unknown HTTP method";
		return -1;
	}
	if (header_count > HTTP_MAX_HEADERS) {
		*why = "more than 64 request headers";
		return -1;
	}
	struct out o = {.buf = buf, .cap = cap};
	emits(&o, method_name[method]);
	emits(&o, " ");
	if (u->target[0] == '?')
		emits(&o, "/");
	emit(&o, u->target, u->target_len);
	emits(&o, " HTTP/1.1\r\nHost: ");
	emits(&o, u->host);
	if (u->port != (u->https ? 443 : 80)) {
		emits(&o, ":");
		emit_u64(&o, u->port);
	}
	emits(&o, "\r\n");
	bool agent = false;
	size_t at = 0;
	for (uint32_t i = 0; i < header_count; i++) {
		const uint8_t *part[2];
		size_t len[2];
		for (int k = 0; k < 2; k++) {
			if (headers_len - at < 2 || headers_len - at - 2 < le16(headers + at)) {
				*why = "the request headers are malformed";
				return -1;
			}
			len[k] = le16(headers + at);
			part[k] = headers + at + 2;
			at += 2 + len[k];
		}
		if (len[0] == 0) {
			*why = "a request header has an empty name";
			return -1;
		}
		for (size_t j = 0; j < len[0]; j++)
			if (!token_char(part[0][j])) {
				*why = "a request header name holds a character RFC 9110 forbids";
				return -1;
			}
		for (size_t j = 0; j < len[1]; j++)
			if (!value_char(part[1][j])) {
				*why = "a request header value holds a control character";
				return -1;
			}
		const char *name = (const char *)part[0];
		if (same_nocase(name, len[0], "host") || same_nocase(name, len[0], "content-length") ||
		    same_nocase(name, len[0], "transfer-encoding") ||
		    same_nocase(name, len[0], "connection")) {
			*why = "Host, Content-Length, Transfer-Encoding and Connection are set by the "
			       "Network service";
			return -1;
		}
		agent |= same_nocase(name, len[0], "user-agent");
		emit(&o, name, len[0]);
		emits(&o, ": ");
		emit(&o, (const char *)part[1], len[1]);
		emits(&o, "\r\n");
	}
	if (at != headers_len) {
		*why = "bytes after the last request header";
		return -1;
	}
	if (!agent)
		emits(&o, "User-Agent: Orbital-Network/1\r\n");
	if (has_body || method == 1 || method == 2 || method == 4) {   /* POST, PUT, PATCH */
		emits(&o, "Content-Length: ");
		emit_u64(&o, has_body ? body_len : 0);
		emits(&o, "\r\n");
	}
	emits(&o, "Connection: close\r\n\r\n");
	if (o.full) {
		*why = "the request head is too long";
		return -1;
	}
	return (long)o.at;
}

/* --- response parser --------------------------------------------------------------------- */

void http_parser_init(struct http_parser *p, bool head_only, uint64_t body_max)
{
	memset(p, 0, offsetof(struct http_parser, head));
	p->head_only = head_only;
	p->body_max = body_max;
	p->state = HTTP_HEAD;
}

static int fail(struct http_parser *p, const char *why)
{
	p->state = HTTP_ERROR;
	p->error = why;
	return -1;
}

static int status_line(struct http_parser *p, const char *s, size_t n)
{
	/* HTTP/1.x SP 3DIGIT [SP reason] */
	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || (s[7] != '0' && s[7] != '1') ||
	    s[8] != ' ')
		return fail(p, "the response does not start with an HTTP/1.x status line");
	unsigned v = 0;
	for (int i = 9; i < 12; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(p, "the status code is not three digits");
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 100 || (n > 12 && s[12] != ' '))
		return fail(p, "the status line is malformed");
	for (size_t i = 12; i < n; i++)
		if (!value_char((uint8_t)s[i]))
			return fail(p, "the status line holds a control character");
	p->status = (uint16_t)v;
	return 0;
}

static int field_line(struct http_parser *p, size_t start, size_t n)
{
	char *s = p->head + start;
	if (s[0] == ' ' || s[0] == '\t')
		return fail(p, "folded header lines are not accepted");
	size_t colon = 0;
	while (colon < n && s[colon] != ':') {
		if (!token_char((uint8_t)s[colon]))
			return fail(p, "a header name holds a character RFC 9110 forbids");
		colon++;
	}
	if (colon == n || colon == 0)
		return fail(p, "a header line has no name or no colon");
	if (p->nfields == HTTP_MAX_HEADERS)
		return fail(p, "the response has more than 64 headers");
	size_t v = colon + 1, end = n;
	while (v < end && (s[v] == ' ' || s[v] == '\t'))
		v++;
	while (end > v && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	for (size_t i = v; i < end; i++)
		if (!value_char((uint8_t)s[i]))
			return fail(p, "a header value holds a control character");
	s[colon] = 0;
	s[end] = 0;
	p->field[p->nfields++] = (struct http_field){
		.name = (uint16_t)start, .name_len = (uint16_t)colon,
		.value = (uint16_t)(start + v), .value_len = (uint16_t)(end - v)};
	return 0;
}

/* The last comma-separated coding of a Transfer-Encoding value, and whether it is the
 * only one (trimmed, case-insensitive compare is the caller's). */
static int framing(struct http_parser *p)
{
	for (unsigned i = 0; i < p->nfields; i++) {
		const struct http_field *f = &p->field[i];
		const char *name = p->head + f->name, *value = p->head + f->value;
		if (same_nocase(name, f->name_len, "transfer-encoding")) {
			if (!same_nocase(value, f->value_len, "chunked"))
				return fail(p, "the response uses a transfer coding other than "
					       "chunked");
			if (p->chunked)
				return fail(p, "the response is chunked twice");
			p->chunked = true;
		} else if (same_nocase(name, f->name_len, "content-length")) {
			uint64_t v = 0;
			if (f->value_len == 0 || f->value_len > 15)
				return fail(p, "the Content-Length is malformed");
			for (unsigned k = 0; k < f->value_len; k++) {
				if (value[k] < '0' || value[k] > '9')
					return fail(p, "the Content-Length is malformed");
				v = v * 10 + (uint64_t)(value[k] - '0');
			}
			if (p->has_length && v != p->length)
				return fail(p, "the response has conflicting Content-Lengths");
			p->has_length = true;
			p->length = v;
		}
	}
	return 0;
}

static int too_large(struct http_parser *p)
{
	return fail(p, "the response body is larger than the room the caller gave");
}

/* The head is complete: decide how the body is delimited (RFC 9112 §6.3). */
static int head_done(struct http_parser *p)
{
	if (p->status >= 100 && p->status < 200) {
		if (p->status == 101)
			return fail(p, "the server switched protocols");
		p->head_len = p->line_start = 0;   /* an interim response: the real one follows */
		p->nfields = 0;
		p->status = 0;
		return 0;
	}
	if (framing(p) < 0)
		return -1;
	if (p->head_only || p->status == 204 || p->status == 304) {
		p->state = HTTP_DONE;
	} else if (p->chunked) {
		p->state = HTTP_CHUNK_SIZE;
	} else if (p->has_length) {
		if (p->length > p->body_max)
			return too_large(p);
		p->remaining = p->length;
		p->state = p->length ? HTTP_BODY : HTTP_DONE;
	} else {
		p->state = HTTP_BODY_CLOSE;
	}
	return 0;
}

/* One byte of the head; a complete line is parsed in place. */
static int head_byte(struct http_parser *p, uint8_t c)
{
	if (p->head_len == HTTP_MAX_HEAD)
		return fail(p, "the response head is larger than 16384 bytes");
	p->head[p->head_len++] = (char)c;
	if (c != '\n')
		return 0;
	size_t start = p->line_start, n = p->head_len - 1 - start;
	if (n && p->head[start + n - 1] == '\r')
		n--;
	p->line_start = p->head_len;
	if (start == 0)
		return status_line(p, p->head, n);
	if (n == 0)
		return head_done(p);
	return field_line(p, start, n);
}

/* A line for the chunk states: 1 when complete (line[] holds it, no CR/LF), 0 when more
 * is needed, -1 when too long. */
static int line_byte(struct http_parser *p, uint8_t c)
{
	if (c == '\n') {
		if (p->line_len && p->line[p->line_len - 1] == '\r')
			p->line_len--;
		p->line[p->line_len] = 0;
		return 1;
	}
	if (p->line_len == sizeof(p->line) - 1)
		return -1;
	p->line[p->line_len++] = (char)c;
	return 0;
}

static int chunk_size(struct http_parser *p)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; i < p->line_len; i++) {
		char c = lower(p->line[i]);
		unsigned d;
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else
			break;
		if (i == 15)
			return fail(p, "a chunk size is too large");
		v = v << 4 | d;
	}
	if (i == 0)
		return fail(p, "malformed chunked encoding: a chunk size is not hexadecimal");
	while (i < p->line_len && (p->line[i] == ' ' || p->line[i] == '\t'))
		i++;
	if (i < p->line_len && p->line[i] != ';')
		return fail(p, "malformed chunked encoding: junk after a chunk size");
	if (v == 0) {
		p->state = HTTP_TRAILERS;
		return 0;
	}
	if (v > p->body_max - p->body_len)
		return too_large(p);
	p->remaining = v;
	p->state = HTTP_CHUNK_DATA;
	return 0;
}

static int deliver(struct http_parser *p, const uint8_t *d, size_t n, http_body_fn fn,
		   void *ctx)
{
	if (n > p->body_max - p->body_len)
		return too_large(p);
	const char *why = "the body could not be stored";
	if (fn && fn(ctx, d, n, &why) < 0)
		return fail(p, why);
	p->body_len += n;
	return 0;
}

int http_feed(struct http_parser *p, const uint8_t *data, size_t len, http_body_fn fn,
	      void *ctx)
{
	size_t i = 0;
	while (i < len) {
		size_t n;
		int r;
		switch (p->state) {
		case HTTP_HEAD:
			if (head_byte(p, data[i++]) < 0)
				return -1;
			break;
		case HTTP_BODY:
		case HTTP_CHUNK_DATA:
			n = len - i < p->remaining ? len - i : (size_t)p->remaining;
			if (deliver(p, data + i, n, fn, ctx) < 0)
				return -1;
			i += n;
			p->remaining -= n;
			if (p->remaining == 0) {
				p->state = p->state == HTTP_BODY ? HTTP_DONE : HTTP_CHUNK_END;
				p->line_len = 0;
			}
			break;
		case HTTP_BODY_CLOSE:
			if (deliver(p, data + i, len - i, fn, ctx) < 0)
				return -1;
			i = len;
			break;
		case HTTP_CHUNK_SIZE:
		case HTTP_CHUNK_END:
			r = line_byte(p, data[i++]);
			if (r < 0)
				return fail(p, "malformed chunked encoding: a line is too long");
			if (r == 0)
				break;
			if (p->state == HTTP_CHUNK_END) {
				if (p->line_len)
					return fail(p, "malformed chunked encoding: a chunk is longer "
						       "than its size");
				p->state = HTTP_CHUNK_SIZE;
			} else if (chunk_size(p) < 0) {
				return -1;
			}
			p->line_len = 0;
			break;
		case HTTP_TRAILERS:
			if (++p->trailer_bytes > HTTP_MAX_HEAD)
				return fail(p, "the trailers are larger than 16384 bytes");
			if (data[i] == '\n') {
				if (p->line_len == 0)
					p->state = HTTP_DONE;
				p->line_len = 0;
			} else if (data[i] != '\r') {
				p->line_len = 1;     /* this trailer line is not empty */
			}
			i++;
			break;
		case HTTP_DONE:
			return 0;                    /* bytes after the response: ignored */
		case HTTP_ERROR:
			return -1;
		}
	}
	return 0;
}

int http_eof(struct http_parser *p)
{
	switch (p->state) {
	case HTTP_DONE:
		return 0;
	case HTTP_BODY_CLOSE:
		p->state = HTTP_DONE;
		return 0;
	case HTTP_ERROR:
		return -1;
	case HTTP_HEAD:
		return fail(p, p->head_len ? "the connection closed inside the response head"
			    : "the server closed the connection without answering");
	case HTTP_BODY:
		return fail(p, "the connection closed before the end of the body");
	default:
		return fail(p, "the connection closed inside the chunked body");
	}
}

size_t http_encode_headers(const struct http_parser *p, uint8_t *buf, size_t cap,
			   uint32_t *count, bool *cut)
{
	size_t at = 0;
	*count = 0;
	*cut = false;
	for (unsigned i = 0; i < p->nfields; i++) {
		const struct http_field *f = &p->field[i];
		size_t need = 4u + f->name_len + f->value_len;
		if (cap - at < need) {
			*cut = true;
			continue;
		}
		buf[at] = (uint8_t)f->name_len;
		buf[at + 1] = (uint8_t)(f->name_len >> 8);
		memcpy(buf + at + 2, p->head + f->name, f->name_len);
		at += 2u + f->name_len;
		buf[at] = (uint8_t)f->value_len;
		buf[at + 1] = (uint8_t)(f->value_len >> 8);
		memcpy(buf + at + 2, p->head + f->value, f->value_len);
		at += 2u + f->value_len;
		(*count)++;
	}
	return at;
}
