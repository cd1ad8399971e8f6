/* SPDX-License-Identifier: Apache-2.0 */
/*
 * URLs the Network service accepts: `http://` or `https://`, a host (a DNS name or a
 * dotted IPv4 address), an optional port, then the path and query sent to the server.
 * The fragment is dropped (it never leaves the client). User information (`user@`),
 * IPv6 literals, spaces, control characters and anything outside RFC 3986's characters
 * make the URL invalid: nothing a caller writes can reach the request line as more than
 * one token. Portable C: the WASM target's fetch() backend shares it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define URL_MAX_HOST 253
#define URL_MAX 2048

struct url {
	bool https;
	uint16_t port;
	char host[URL_MAX_HOST + 1];    /* lower case */
	/* The URL policies match: scheme and host in lower case, no fragment. */
	char full[URL_MAX + 1];
	size_t full_len;
	const char *target;             /* path and query, inside full ("/" if none) */
	size_t target_len;
};

/* Parse text[0..len); 0, or -1 with *why naming the problem. */
int url_parse(const char *text, size_t len, struct url *u, const char **why);
/* 1 and the address (first octet in bits 0-7) when host is a dotted IPv4 address. */
bool url_host_ipv4(const char *host, uint32_t *addr);
