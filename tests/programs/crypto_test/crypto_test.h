/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crypto_test: libsodium, as built for ring 3 from the lock file, checked in the guest.
 *
 * First the known answers (RFC 8032 Ed25519, RFC 9106 Argon2id, the CSPRNG's refusals and
 * output), each printed as `crypto: ok NAME` or `crypto: FAIL NAME: why`, then the summary
 * `crypto: N passed, M failed`. Then a prompt `crypto> ` on COM1 takes commands from the
 * host (tests/e2e/test_crypto.py types them with `--input`) for the cross-checks with
 * Python's cryptography and argon2-cffi, and the benchmark: see commands.c.
 */
#pragma once

#include <orbital.h>
#include <orbital/random.h>
#include <sodium.h>

struct ed25519_vector {
	const char *name;
	const char *secret;      /* the 32-byte private key (libsodium's seed) */
	const char *public;
	const char *message;
	const char *signature;
};

struct argon2_vector {
	uint8_t password_byte, salt_byte, secret_byte, ad_byte;
	uint32_t password_len, salt_len, secret_len, ad_len;
	uint32_t t_cost, m_cost_kib, lanes;
	const char *tag;
};

extern const struct ed25519_vector rfc8032_ed25519[];
extern const size_t rfc8032_ed25519_count;
extern const struct ed25519_vector rfc8032_ed25519ph_abc;
extern const struct argon2_vector rfc9106_argon2id;

/* cases.c: the known-answer checks; returns the number that failed. */
int run_cases(int *passed);

/* hex.c: hex text <-> bytes (libsodium's codecs); unhex returns the length or -1. */
long unhex(uint8_t *out, size_t cap, const char *hex);
void print_hex(const char *label, const uint8_t *b, size_t n);

/* serial.c: one line typed on COM1 (polled), without its end of line. */
long serial_open(orb_cptr_t port_cap);
long serial_read_line(char *buf, size_t cap);

/* commands.c: the host's commands after the prompt, until `quit`. */
int command_loop(void);

/* The test's initial capability (images/crypto-test.toml). */
#define CT_COM1_CAP 0
