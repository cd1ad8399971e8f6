/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Network service's scripted client for tests/e2e/test_network.py. One source, five
 * instances in images/net-test.toml, each classed by its name as the policy classes
 * callers (spec §4.2), run one after another:
 *
 *   net-go            spawned by the shell at the end of its session: the others start
 *   netapp-a          an Application under the default policy (app.c)
 *   system-net-check  a System client: every method with bodies of 0 B, 5 KiB and 4 MiB
 *                     (plain and chunked), hostile servers, the policy get/set (system.c)
 *   netapp-b          an Application under the policy system-net-check set, then the
 *                     rate limit (app.c)
 *   system-net-kill   20 kills of the service during transfers (system.c)
 *
 * and in images/bench-net.toml system-net-bench, the HTTP figures of `orbital-qemu
 * bench` (bench.c).
 *
 * init starts the four at boot and each says ready at once (init wants that within 5 s);
 * each then waits until the one before it has ended (netapp-a: until net-go runs), so
 * the shell's session and the checks never overlap. Each prints one line per case,
 * "NAME: CASE: status S, L bytes, fnv64 H" or "NAME: CASE: error KIND: reason", which
 * the test asserts, and "NAME: done" last.
 */
#pragma once

#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/abi_names.h>
#include <orbital/service.h>
#include <orbital/transfer.h>

#define NET_SLOT ORB_SLOT_FIRST_CAP              /* endpoint:network:w */
#define PROC_SLOT (ORB_SLOT_FIRST_CAP + 1)       /* process:root:w (system-net-check) */
#define WEB "http://web.test:8080"
#define WEBS "https://web.test:8443"
#define BIG (4u << 20)

struct result {
	long call;                  /* orb_call's result: < 0 when no answer came */
	bool ok;
	uint8_t error;
	char reason[160];
	uint16_t status;
	uint64_t len;
	uint64_t fnv;
	char header[64];            /* the value of the header asked for, if any */
};

/* A client's shared object (a large request body and every response body) and message
 * buffer: one per thread that makes requests. */
struct client {
	struct orb_xfer room;
	uint8_t msg[ORB_MAX_MSG_SIZE];
};
extern struct client main_client;

/* One request; body_len bytes of `body` (copied into the shared object when large). The
 * response body lands in the shared object. `want_header` names a response header to keep. */
void net_do(struct client *c, uint8_t method, const char *url, const uint8_t *body, uint64_t body_len,
	    bool has_body, uint32_t timeout_ms, const char *want_header, struct result *r);
/* Print "NAME: CASE: ..." for r. */
void report(const char *name, const struct result *r);
/* The same, as one call. */
void fetch_report(const char *name, uint8_t method, const char *url, const uint8_t *body,
		  uint64_t body_len, bool has_body, uint32_t timeout_ms);
uint64_t fnv1a(const uint8_t *p, uint64_t n);
/* n bytes of the peers' pattern (tests/e2e/net_peer.py pattern()). */
void fill_pattern(uint8_t *p, uint64_t n);
const uint8_t *pattern_bytes(void);
/* The body of c's last response (in its shared object). */
const uint8_t *last_body(const struct client *c);

int app_run(bool second);
int system_run(void);
int kill_run(void);
int bench_run(void);
/* Wait (bounded) until a process of that name runs, or until none does: 0, or -1 when
 * the wait timed out. */
int wait_for_process(const char *name, bool present, unsigned max_ms);
