/* SPDX-License-Identifier: Apache-2.0 */
/* Flat entry points into the Network service's portable core (services/network/core) for
 * the host tests: ctypes sees plain pointers and integers, never the structs. */
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "policy.h"
#include "url.h"

int shim_url(const char *text, size_t len, char *host, unsigned *port, int *https,
	     char *target, char *full, const char **why)
{
	static struct url u;
	if (url_parse(text, len, &u, why) < 0)
		return -1;
	strcpy(host, u.host);
	*port = u.port;
	*https = u.https;
	memcpy(target, u.target, u.target_len);
	target[u.target_len] = 0;
	strcpy(full, u.full);
	return 0;
}

int shim_ipv4(const char *host, unsigned *addr)
{
	uint32_t a;
	if (!url_host_ipv4(host, &a))
		return 0;
	*addr = a;
	return 1;
}

long shim_request(unsigned method, const char *url, const uint8_t *headers, size_t hlen,
		  uint32_t count, int has_body, uint64_t body_len, char *out, size_t cap,
		  const char **why)
{
	static struct url u;
	if (url_parse(url, strlen(url), &u, why) < 0)
		return -2;
	return http_request_head(out, cap, method, &u, headers, hlen, count, has_body, body_len,
				 why);
}

struct shim_parser {
	struct http_parser p;
	uint8_t *body;
	size_t len, cap;
};

static int collect(void *ctx, const uint8_t *d, size_t n, const char **why)
{
	struct shim_parser *s = ctx;
	if (s->len + n > s->cap) {
		size_t cap = (s->len + n) * 2;
		uint8_t *b = realloc(s->body, cap);
		if (!b) {
			*why = "host: out of memory";
			return -1;
		}
		s->body = b;
		s->cap = cap;
	}
	memcpy(s->body + s->len, d, n);
	s->len += n;
	return 0;
}

void *shim_parser_new(int head_only, uint64_t body_max)
{
	struct shim_parser *s = calloc(1, sizeof(*s));
	http_parser_init(&s->p, head_only, body_max);
	return s;
}

void shim_parser_free(struct shim_parser *s)
{
	free(s->body);
	free(s);
}

int shim_feed(struct shim_parser *s, const uint8_t *d, size_t n)
{
	return http_feed(&s->p, d, n, collect, s);
}

int shim_eof(struct shim_parser *s)
{
	return http_eof(&s->p);
}

int shim_state(struct shim_parser *s)
{
	return s->p.state;
}

const char *shim_error(struct shim_parser *s)
{
	return s->p.error;
}

unsigned shim_status(struct shim_parser *s)
{
	return s->p.status;
}

size_t shim_body(struct shim_parser *s, const uint8_t **out)
{
	*out = s->body;
	return s->len;
}

size_t shim_headers(struct shim_parser *s, uint8_t *buf, size_t cap, uint32_t *count,
		    int *cut)
{
	bool c;
	size_t n = http_encode_headers(&s->p, buf, cap, count, &c);
	*cut = c;
	return n;
}

void *shim_policy_default(void)
{
	struct policy *p = calloc(1, sizeof(*p));
	policy_default(p);
	return p;
}

void shim_free(void *p)
{
	free(p);
}

int shim_policy_check(struct policy *p, const char *name, uint32_t pid, const char *url,
		      int *rule)
{
	static struct url u;
	const char *why;
	if (url_parse(url, strlen(url), &u, &why) < 0)
		return -1;
	struct policy_verdict v = policy_check(p, name, pid, u.full, u.full_len, u.host);
	*rule = v.rule;
	return v.allow;
}

int shim_glob(const char *pattern, const char *text)
{
	return policy_glob(pattern, text, strlen(text));
}

int shim_classify(const char *name)
{
	return policy_classify(name);
}

unsigned shim_policy_count(struct policy *p)
{
	return p->count;
}

long shim_policy_encode(struct policy *p, uint8_t *buf, size_t cap)
{
	return policy_encode(p, buf, cap);
}

int shim_policy_decode(struct policy *p, uint32_t count, const uint8_t *buf, size_t len,
		       const char **why)
{
	return policy_decode(p, count, buf, len, why);
}

void *shim_rate_new(uint32_t limit, uint64_t window_ns)
{
	struct rate_limit *r = calloc(1, sizeof(*r));
	rate_init(r, limit, window_ns);
	return r;
}

int shim_rate_take(struct rate_limit *r, uint32_t pid, uint64_t now)
{
	return rate_take(r, pid, now);
}

void shim_rate_forget(struct rate_limit *r, uint32_t pid)
{
	rate_forget(r, pid);
}
