/* SPDX-License-Identifier: Apache-2.0 */
#include "crypto_test.h"

long unhex(uint8_t *out, size_t cap, const char *hex)
{
	size_t n = 0;
	const char *end = NULL;
	size_t len = strlen(hex);
	if (len % 2 || len / 2 > cap)
		return -1;
	if (sodium_hex2bin(out, cap, hex, len, NULL, &n, &end) != 0 || *end != '\0')
		return -1;
	return (long)n;
}

/* One console line `crypto: LABEL<hex>` (sodium_bin2hex, chunked so that any length fits
 * liborbital's printf buffer without splitting the line). */
void print_hex(const char *label, const uint8_t *b, size_t n)
{
	static char line[2 * 2048 + 256];
	size_t at = (size_t)snprintf(line, sizeof(line), "crypto: %s", label);
	if (2 * n + at + 2 > sizeof(line)) {
		orb_printf("crypto: %s<%zu bytes: too long to print>\n", label, n);
		return;
	}
	sodium_bin2hex(line + at, sizeof(line) - at, b, n);
	at += 2 * n;
	line[at++] = '\n';
	orb_debug_write(line, at);
}
