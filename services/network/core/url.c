/* SPDX-License-Identifier: Apache-2.0 */
/* URL parsing for the Network service (url.h). */
#include "url.h"

#include <string.h>

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 3986 unreserved, sub-delims, ':' '@' '/' '?' and '%' (escapes are passed on). */
static bool target_char(char c)
{
	if (is_alpha(c) || is_digit(c))
		return true;
	return c && strchr("-._~!$&'()*+,;=:@/?%", c) != NULL;
}

static bool host_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool prefix_nocase(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);
	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != p[i])
			return false;
	return true;
}

static int fail(const char **why, const char *text)
{
	*why = text;
	return -1;
}

bool url_host_ipv4(const char *host, uint32_t *addr)
{
	uint32_t a = 0;
	unsigned parts = 0;
	const char *p = host;
	while (parts < 4) {
		if (!is_digit(*p))
			return false;
		unsigned v = 0, digits = 0;
		while (is_digit(*p)) {
			v = v * 10 + (unsigned)(*p++ - '0');
			if (++digits > 3 || v > 255)
				return false;
		}
		a |= (uint32_t)v << (8 * parts++);
		if (parts < 4 && *p++ != '.')
			return false;
	}
	if (*p)
		return false;
	*addr = a;
	return true;
}

int url_parse(const char *text, size_t len, struct url *u, const char **why)
{
	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < len; i++)
		if (text[i] == '#') {
			len = i;
			break;
		}
	if (len > URL_MAX)
		return fail(why, "the URL is longer than 2048 bytes");
	size_t at;
	if (prefix_nocase(text, len, "https://")) {
		u->https = true;
		u->port = 443;
		at = 8;
	} else if (prefix_nocase(text, len, "http://")) {
		u->port = 80;
		at = 7;
	} else {
		return fail(why, "only http:// and https:// URLs are supported");
	}
	for (size_t i = at; i < len && text[i] != '/' && text[i] != '?'; i++)
		if (text[i] == '@')
			return fail(why, "user information in a URL is not accepted");
	size_t host_start = at;
	while (at < len && host_char(text[at]))
		at++;
	size_t host_len = at - host_start;
	if (at < len && text[at] == '[')
		return fail(why, "IPv6 addresses are not supported");
	if (host_len == 0)
		return fail(why, "the URL has no host");
	if (host_len > URL_MAX_HOST)
		return fail(why, "the host name is too long");
	for (size_t i = 0; i < host_len; i++)
		u->host[i] = lower(text[host_start + i]);
	for (size_t i = 0; i < host_len; i++) {
		bool label_start = i == 0 || u->host[i - 1] == '.';
		if (label_start && (u->host[i] == '.' || u->host[i] == '-'))
			return fail(why, "the host name is malformed");
	}
	if (at < len && text[at] == ':') {
		at++;
		unsigned port = 0, digits = 0;
		while (at < len && is_digit(text[at])) {
			port = port * 10 + (unsigned)(text[at++] - '0');
			if (++digits > 5 || port > 65535)
				return fail(why, "the port is out of range");
		}
		if (digits == 0 || port == 0)
			return fail(why, "the port is missing or 0");
		u->port = (uint16_t)port;
	}
	if (at < len && text[at] != '/' && text[at] != '?')
		return fail(why, "unexpected character after the host");
	for (size_t i = at; i < len; i++)
		if (!target_char(text[i]))
			return fail(why, "the URL holds a character that must be %-escaped");
	for (size_t i = 0; i < len; i++)
		u->full[i] = i < host_start + host_len ? lower(text[i]) : text[i];
	u->full[len] = 0;
	u->full_len = len;
	if (at == len) {
		u->target = "/";
		u->target_len = 1;
	} else {
		u->target = u->full + at;
		u->target_len = len - at;
	}
	return 0;
}
