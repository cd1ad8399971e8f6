/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage checker (images/storage-test.toml): one program under a System name
 * (system-kv-check, namespace `system`) and two Application names (kvapp-a, kvapp-b,
 * namespaces `app:kvapp-a`, `app:kvapp-b`). Each scenario prints one summary line
 * "NAME: SCENARIO: facts: PASS|FAIL" that tests/e2e/test_storage.py reads; a failed
 * check also prints why on its own line.
 */
#pragma once

#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/storage.h>

#define STORAGE_SLOT ORB_SLOT_FIRST_CAP   /* endpoint:storage:w */

#define CHECK(ok, ...)                                                                    \
	do {                                                                              \
		if (!(ok)) {                                                              \
			orb_printf(ORB_SERVICE_NAME ": check failed: " __VA_ARGS__);     \
			orb_printf("\n");                                                 \
			failures++;                                                       \
		}                                                                         \
	} while (0)

#define VERDICT(failures) ((failures) ? "FAIL" : "PASS")

/* The value stored under the System namespace's "secret" (apps must never see it). */
#define SYSTEM_SECRET "system-only-7f3a"
#define SECRET_BYTES (6 + sizeof(SYSTEM_SECRET) - 1)   /* "secret" + the value */

extern orb_storage_t kv;

/* util.c */
long kv_set_str(const char *key, const char *value, uint32_t ttl);
/* 0 and the value in buf (NUL-terminated) or the client's result. */
long kv_get_str(const char *key, char *buf, size_t cap);
/* Whether key holds exactly value (printing what it holds instead when not). */
bool kv_holds(const char *key, const void *value, size_t len);
/* Every key of the namespace with prefix, by pages of `page`: their count, or -E. */
long kv_count(const char *prefix, uint64_t page);
/* Fill the namespace with values of `size` bytes under prefix until QuotaExceeded:
 * the number stored, or -1. */
long kv_fill(const char *prefix, size_t size, long max);
/* Scratch buffer 0 or 1, ORB_STORAGE_MAX_VALUE_SIZE + 1 bytes each, from the heap (made on
 * first use): static arrays this large would not fit the static-data window of the
 * wasm64 target (4 MiB, D183). */
#define KV_SCRATCH (ORB_STORAGE_MAX_VALUE_SIZE + 1)
uint8_t *kv_scratch(unsigned which);
long kv_delete_prefix(const char *prefix);
/* Pseudo-random bytes from seed (a value's content names its key and round). */
void kv_pattern(uint8_t *buf, size_t len, uint64_t seed);
/* A raw request, for payloads the client library would never build. */
long kv_raw(uint32_t tag, const void *data, size_t len, orb_msg_t *reply);

/* system.c: scenarios of the System instance; app.c: of the applications. */
int system_first(void);     /* before the applications start */
int system_last(void);      /* while they run, and after they are done */
int app_scenarios(void);
