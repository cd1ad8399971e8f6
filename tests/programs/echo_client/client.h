/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The echo client: scenarios against init and the echo service (images/svc-test.toml).
 * Each scenario prints one summary line "NAME: SCENARIO: facts: PASS|FAIL" that
 * tests/e2e/test_init.py reads; a failed check also prints why, on its own line.
 */
#pragma once

#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#include "../echo/echo.h"

#define ECHO_SLOT ORB_SLOT_FIRST_CAP       /* endpoint:echo:w */
#define LOAD_MAX 512

/* A failed check: print it and count it. */
#define CHECK(ok, ...)                                                                    \
	do {                                                                              \
		if (!(ok)) {                                                              \
			orb_printf(ORB_SERVICE_NAME ": check failed: " __VA_ARGS__);     \
			orb_printf("\n");                                                 \
			failures++;                                                       \
		}                                                                         \
	} while (0)

/* svc.c: the supervision API of init. */
long svc_call(uint32_t tag, const char *name, const char *image, orb_svc_status_t *items,
	      uint32_t max, uint32_t *count);
long svc_status(const char *name, orb_svc_status_t *out);
long svc_wait_state(const char *name, uint8_t state, uint64_t timeout_ms, orb_svc_status_t *out);

/* load.c: worker threads calling ECHO through orb_request. */
struct load {
	orb_cptr_t ep;
	uint32_t total, threads;
	uint32_t crash_every;               /* crash echo before each seq ≡ every/2 */
	uint32_t notify_at;                 /* signal `ntfn` when this many calls are done */
	uint32_t slow_seq;                  /* this seq is sent with ECHO_SLOW (0: none) */
	orb_cptr_t ntfn;
	uint32_t done, exited, errors, mismatches, crashes, crash_edead;  /* atomic */
	long first_error;
	uint16_t answers[LOAD_MAX];
	uint32_t version[LOAD_MAX], pid[LOAD_MAX];
	uint32_t order[LOAD_MAX];           /* seqs in the order their answers came */
};
long load_start(struct load *l);
bool load_finish(struct load *l, uint64_t timeout_ms);
uint32_t load_answered_once(const struct load *l);

/* scenarios: each returns its number of failed checks */
int scenario_registry(void);
int scenario_probes(void);
int scenario_crash_loop(void);
int scenario_update(void);
int scenario_control(void);
int scenario_backoff(void);
int scenario_refused(void);
uint8_t client_priority(void);
