/* SPDX-License-Identifier: Apache-2.0 */
/*
 * identity_check: a scripted client of the Identity service (tests/e2e/test_identity.py).
 * Each case prints `idcheck: ok NAME` or `idcheck: FAIL NAME: what happened`; values the
 * host checks itself (keys, signatures, challenges) come as `idcheck: data KEY=HEX`. The
 * image runs it twice: as system-idcheck (a System process, the scenarios) and as idapp
 * (an Application, which may not register services or create the first user, and whose
 * burst of requests meets the per-caller rate limit).
 */
#pragma once

#include <orbital.h>
#include <orbital/identity.h>
#include <orbital/messages.h>
#include <orbital/random.h>
#include <orbital/service.h>

#include <sodium.h>

extern orb_identity_t id;

void check(const char *name, bool ok, long rc);
void expect_ok(const char *name, long rc);
void expect_err(const char *name, long rc, unsigned code);
void data_hex(const char *key, const void *p, size_t n);
bool is_token(const char *t);
/* Send a raw payload with `tag` (one call, no retry): the answer's tag, or -E from the
 * kernel; *code is the MSG_ERROR code when the answer is one. */
long raw_request(uint32_t tag, const void *payload, size_t len, uint32_t *code);

void accounts_cases(void);
/* A live administrator's session token (logs in again as needed). */
const char *admin_token(void);
void key_cases(void);
void service_cases(void);
/* Identity's records in Storage, and a restart of Identity (needs service_cases'
 * service token and key). */
void persist_cases(const char *service_token, const uint8_t *service_key);
/* Whether an earlier boot on this disk ran the scenarios (then: reboot_cases). */
bool storage_marked(void);
void reboot_cases(void);
extern char service_token[ORB_IDENTITY_TOKEN_BUF];
extern uint8_t service_key[32];
void hostile_cases(void);
void no_entropy_cases(bool system);
void application_cases(void);
void secret_cases(void);
/* The entropy driver's protocol (rng.c). */
void rng_cases(void);
