/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The host's commands, one per `crypto> ` prompt (hex for bytes, decimal for numbers):
 *
 *   ed25519-sign MSG             a fresh key pair (orb_random) signs MSG:
 *                                `crypto: ed25519-sign pk=HEX` and `... sig=HEX`
 *   ed25519-verify PK MSG SIG    `crypto: ed25519-verify ok|bad`
 *   argon2id-hash T M_KIB PW     `crypto: argon2id-hash ms=N $argon2id$v=19$m=..,t=..,p=1$..`
 *   argon2id-verify PW ENCODED   `crypto: argon2id-verify ok|bad ms=N`
 *   ed25519-bench N              N signatures and N verifications of a 64-byte message:
 *                                `crypto: ed25519-bench n=N sign_ns=T verify_ns=T`
 *   quit                         end the program (and so the machine: it is init)
 *
 * A malformed command answers `crypto: error ...` and the loop goes on.
 */
#include "crypto_test.h"

#define MAX_WORDS 4

static char line[4096];
static uint8_t msg[1024];

static int split(char *s, char **words)
{
	int n = 0;
	while (*s && n < MAX_WORDS) {
		while (*s == ' ')
			*s++ = '\0';
		if (!*s)
			break;
		words[n++] = s;
		while (*s && *s != ' ')
			s++;
	}
	return *s ? -1 : n;   /* -1: more words than any command takes */
}

static bool number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 1000000000)
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return true;
}

static void ed25519_sign(char **w, int n)
{
	uint8_t pk[32], sk[64], sig[64];
	long mlen = n == 2 ? unhex(msg, sizeof(msg), w[1]) : -1;
	if (mlen < 0) {
		orb_printf("crypto: error usage: ed25519-sign MSG_HEX\n");
		return;
	}
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, (size_t)mlen, sk);
	sodium_memzero(sk, sizeof(sk));
	print_hex("ed25519-sign pk=", pk, sizeof(pk));
	print_hex("ed25519-sign sig=", sig, sizeof(sig));
}

static void ed25519_verify(char **w, int n)
{
	uint8_t pk[32], sig[64];
	long mlen = n == 4 ? unhex(msg, sizeof(msg), w[2]) : -1;
	if (mlen < 0 || unhex(pk, 32, w[1]) != 32 || unhex(sig, 64, w[3]) != 64) {
		orb_printf("crypto: error usage: ed25519-verify PK MSG SIG (hex)\n");
		return;
	}
	bool ok = crypto_sign_verify_detached(sig, msg, (size_t)mlen, pk) == 0;
	orb_printf("crypto: ed25519-verify %s\n", ok ? "ok" : "bad");
}

static void argon2id_hash(char **w, int n)
{
	static char out[crypto_pwhash_STRBYTES];
	uint64_t t, m;
	long pwlen = n == 4 ? unhex(msg, sizeof(msg), w[3]) : -1;
	if (pwlen < 0 || !number(w[1], &t) || !number(w[2], &m) || t < 1 || m < 8 ||
	    m > (1u << 20)) {
		orb_printf("crypto: error usage: argon2id-hash T M_KIB PW_HEX\n");
		return;
	}
	uint64_t t0 = orb_now_ns();
	int rc = crypto_pwhash_str_alg(out, (const char *)msg, (size_t)pwlen, t, m * 1024,
				       crypto_pwhash_ALG_ARGON2ID13);
	uint64_t ms = (orb_now_ns() - t0) / 1000000;
	if (rc != 0)
		orb_printf("crypto: error argon2id-hash failed (out of memory?)\n");
	else
		orb_printf("crypto: argon2id-hash ms=%llu %s\n", (unsigned long long)ms, out);
}

static void argon2id_verify(char **w, int n)
{
	long pwlen = n == 3 ? unhex(msg, sizeof(msg), w[1]) : -1;
	if (pwlen < 0) {
		orb_printf("crypto: error usage: argon2id-verify PW_HEX ENCODED\n");
		return;
	}
	uint64_t t0 = orb_now_ns();
	bool ok = crypto_pwhash_str_verify(w[2], (const char *)msg, (size_t)pwlen) == 0;
	uint64_t ms = (orb_now_ns() - t0) / 1000000;
	orb_printf("crypto: argon2id-verify %s ms=%llu\n", ok ? "ok" : "bad",
		   (unsigned long long)ms);
}

static void ed25519_bench(char **w, int n)
{
	uint64_t count;
	if (n != 2 || !number(w[1], &count) || count == 0 || count > 100000) {
		orb_printf("crypto: error usage: ed25519-bench N (1-100000)\n");
		return;
	}
	uint8_t pk[32], sk[64], sig[64], m[64];
	crypto_sign_keypair(pk, sk);
	orb_random(m, sizeof(m));
	uint64_t t0 = orb_now_ns();
	for (uint64_t i = 0; i < count; i++) {
		m[0] = (uint8_t)i;
		crypto_sign_detached(sig, NULL, m, sizeof(m), sk);
	}
	uint64_t t1 = orb_now_ns();
	int bad = 0;
	for (uint64_t i = 0; i < count; i++)
		bad += crypto_sign_verify_detached(sig, m, sizeof(m), pk) != 0;
	uint64_t t2 = orb_now_ns();
	if (bad)
		orb_printf("crypto: error ed25519-bench: %d verifications failed\n", bad);
	else
		orb_printf("crypto: ed25519-bench n=%llu sign_ns=%llu verify_ns=%llu\n",
			   (unsigned long long)count, (unsigned long long)(t1 - t0),
			   (unsigned long long)(t2 - t1));
}

int command_loop(void)
{
	for (;;) {
		orb_puts("crypto> ");
		long len = serial_read_line(line, sizeof(line));
		if (len < 0) {
			orb_printf("crypto: error reading COM1: %ld\n", len);
			return 1;
		}
		char *w[MAX_WORDS];
		int n = split(line, w);
		if (n == 0)
			continue;
		if (n < 0)
			orb_printf("crypto: error too many words\n");
		else if (!strcmp(w[0], "quit"))
			return 0;
		else if (!strcmp(w[0], "ed25519-sign"))
			ed25519_sign(w, n);
		else if (!strcmp(w[0], "ed25519-verify"))
			ed25519_verify(w, n);
		else if (!strcmp(w[0], "argon2id-hash"))
			argon2id_hash(w, n);
		else if (!strcmp(w[0], "argon2id-verify"))
			argon2id_verify(w, n);
		else if (!strcmp(w[0], "ed25519-bench"))
			ed25519_bench(w, n);
		else
			orb_printf("crypto: error unknown command '%s'\n", w[0]);
	}
}
