/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's HTTP client, when the machine's host has one: in the browser, the page's
 * fetch(). On x86_64 there is none (the Network service speaks TCP through lwIP on a NIC
 * driver); orb_hostfetch_open says so.
 *
 * This is a transport of the Network service, not a client API: the service has already
 * parsed the URL, applied its policy and rate limit and written the HTTP/1.1 request head
 * (core/http.c) before it asks. The host sends that request with its own client and
 * answers in HTTP/1.1 form too — a status line, the headers the host may show, a
 * Content-Length, the body — which the service feeds to its own response parser, as it
 * would the bytes of a TCP connection. Redirects are not followed (the policy saw one
 * URL).
 *
 * Results: 0 with the response's length, -ORB_ENOSYS when there is no host client, or
 * ORB_HOSTFETCH_E(NetworkError) (ORB_NET_ERR_*: ConnectionFailed, Timeout, CorsError —
 * the server answered but does not let this page's origin read it — or Other) with
 * orb_hostfetch_reason() saying why.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>

#define ORB_HOSTFETCH_E(error) (-0x200L - (long)(error))

/* The NetworkError in rc, or -1 if rc is not one. */
static inline int orb_hostfetch_error(long rc)
{
	return rc <= ORB_HOSTFETCH_E(0) && rc > ORB_HOSTFETCH_E(256) ? (int)(-0x200L - rc) : -1;
}

/* 0 and a one-line description in what[cap] if the host has a client, -ORB_ENOSYS if not. */
long orb_hostfetch_open(char *what, size_t cap);

/* Send the request (its URL, HTTP/1.1 head and body) within timeout_ms; the response in
 * HTTP/1.1 form goes to out[cap], its length to *len (a response larger than cap is
 * ORB_HOSTFETCH_E(Other)). */
long orb_hostfetch(const char *url, size_t url_len, const void *head, size_t head_len,
		   const void *body, size_t body_len, uint32_t timeout_ms, uint8_t *out,
		   size_t cap, size_t *len);

/* Why the last call failed (a NUL-terminated text). */
const char *orb_hostfetch_reason(void);
