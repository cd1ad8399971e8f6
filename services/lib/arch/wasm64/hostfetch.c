/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's HTTP client on wasm64 (<orbital/hostfetch.h>): the page's fetch(), reached
 * through one host import, `fetch`, the way the host store is (hoststore.c): a request
 * block in the process's memory, handed by the thread's worker to the page
 * (site/process.js, site/fetch.js), which answers into it while the thread waits.
 */
#include <orbital.h>
#include <orbital/hostfetch.h>

#define HOST(name) __attribute__((import_module("orbital"), import_name(#name)))

/* Read by site/process.js: every field is a u64. */
struct fetch_req {
	uint64_t op;                 /* 0: open (describe the client), 1: send */
	uint64_t url, url_len;
	uint64_t head, head_len;     /* the HTTP/1.1 request head */
	uint64_t body, body_len;
	uint64_t timeout_ms;
	uint64_t out, out_cap;       /* the response, or the reason of an error */
	uint64_t out_len;            /* answered: bytes put in out */
};

HOST(fetch) int64_t orb_wasm_fetch(struct fetch_req *req);

static char reason[256];

long orb_hostfetch_open(char *what, size_t cap)
{
	struct fetch_req q = { .op = 0, .out = (uint64_t)(uintptr_t)what,
			       .out_cap = cap ? cap - 1 : 0 };
	long rc = (long)orb_wasm_fetch(&q);
	if (cap)
		what[rc == 0 && q.out_len < cap ? q.out_len : 0] = '\0';
	return rc == 0 ? 0 : -ORB_ENOSYS;
}

long orb_hostfetch(const char *url, size_t url_len, const void *head, size_t head_len,
		   const void *body, size_t body_len, uint32_t timeout_ms, uint8_t *out,
		   size_t cap, size_t *len)
{
	struct fetch_req q = {
		.op = 1, .url = (uint64_t)(uintptr_t)url, .url_len = url_len,
		.head = (uint64_t)(uintptr_t)head, .head_len = head_len,
		.body = (uint64_t)(uintptr_t)body, .body_len = body ? body_len : 0,
		.timeout_ms = timeout_ms, .out = (uint64_t)(uintptr_t)out, .out_cap = cap,
	};
	long rc = (long)orb_wasm_fetch(&q);
	*len = rc == 0 ? (size_t)q.out_len : 0;
	if (rc < 0) {   /* the reason is in out */
		size_t n = q.out_len < sizeof(reason) - 1 ? (size_t)q.out_len : sizeof(reason) - 1;
		memcpy(reason, out, n);
		reason[n] = '\0';
	}
	return rc;
}

const char *orb_hostfetch_reason(void)
{
	return reason;
}
