/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Network service's URL policy (spec §4.5) and its per-process rate limit, apart from
 * any transport so that the WASM target's fetch() backend enforces the same rules.
 *
 * A rule applies to a process class (System, Runtime, Application, a Named process or one
 * Pid), holds a glob (`*` any run of characters, `?` one) matched against the whole URL
 * (without its fragment) or against the host alone, an allow/deny verdict and a priority.
 * The rules of the caller's class are tried from the highest priority down (equal
 * priorities in policy order); the first whose glob matches decides. None matching
 * denies. Classification is by process name, the Permissions service's (spec §4.2, §5.10
 * #50): init, terminal, supervisor, shell, process and `system-*` are System; storage,
 * network, identity and permissions are Runtime; the rest are Applications. A Named rule
 * applies to processes of that name and a Pid rule to that process, whatever their class.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define POLICY_MAX_RULES 64
#define POLICY_MAX_ID 64
#define POLICY_MAX_NAME 64
#define POLICY_MAX_PATTERN 256

enum { PC_SYSTEM, PC_RUNTIME, PC_APPLICATION, PC_NAMED, PC_PID };

struct policy_rule {
	char id[POLICY_MAX_ID + 1];
	uint8_t applies_to;                  /* PC_* */
	char class_name[POLICY_MAX_NAME + 1];  /* PC_NAMED */
	uint32_t class_pid;                  /* PC_PID */
	char pattern[POLICY_MAX_PATTERN + 1];
	bool allow;
	uint32_t priority;
};

struct policy {
	unsigned count;
	struct policy_rule rule[POLICY_MAX_RULES];
};

/* The spec's three rules (Runtime callers are denied by default: decisions D225). */
void policy_default(struct policy *p);
/* The class a process of this name belongs to (PC_SYSTEM, PC_RUNTIME or PC_APPLICATION). */
int policy_classify(const char *name);
/* `*` any run (also empty), `?` one character; the rest literally, case-sensitively. */
bool policy_glob(const char *pattern, const char *text, size_t len);

struct policy_verdict {
	bool allow;
	int rule;                            /* the deciding rule's index, -1: none matched */
};
struct policy_verdict policy_check(const struct policy *p, const char *name, uint32_t pid,
				   const char *url, size_t url_len, const char *host);

/* The rules in wire form (NET_POLICY_QUERY_RESPONSE `rules`): bytes written, or -1 when
 * cap is too small. */
long policy_encode(const struct policy *p, uint8_t *buf, size_t cap);
/* Parse count rules from wire form into *p: 0, or -1 with *why (nothing is changed). */
int policy_decode(struct policy *p, uint32_t count, const uint8_t *buf, size_t len,
		  const char **why);

/* The rate limit: at most `limit` requests per window per PID (spec: 100 per 60 s). The
 * window starts at a PID's first request and restarts at the first request after it has
 * passed; a request over the limit is refused and not counted. */
#define RATE_MAX_PIDS 128
struct rate_entry {
	uint32_t pid;
	uint32_t count;
	uint64_t window_start_ns;
};
struct rate_limit {
	uint32_t limit;
	uint64_t window_ns;
	struct rate_entry e[RATE_MAX_PIDS];
};
void rate_init(struct rate_limit *r, uint32_t limit, uint64_t window_ns);
/* true: allowed (and counted); false: over the limit. */
bool rate_take(struct rate_limit *r, uint32_t pid, uint64_t now_ns);
/* Forget a PID (its process ended: a new process may get the number). */
void rate_forget(struct rate_limit *r, uint32_t pid);
