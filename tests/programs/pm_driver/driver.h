/* SPDX-License-Identifier: Apache-2.0 */
/*
 * system-pmtest: the test driver for the Process Manager and the Permissions service. A
 * System process (its name starts with "system-") with the Axiom reader in slot 2; it
 * finds both services through init's registry and runs the groups of t_*.c in order.
 * Each check that fails prints `pm-test: FAIL <group>: <what>`; facts the end-to-end
 * tests compare with other programs' output are printed as `pm-test: ...` lines; the
 * last line is `pm-test: N passed, M failed`.
 */
#pragma once

#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#define DRV_AXIOM_CAP ((orb_cptr_t)ORB_SLOT_FIRST_CAP)
#define MS 1000000ull

extern orb_cptr_t pm_ep, perm_ep;
extern uint32_t pm_pid, perm_pid;

/* --- checks ------------------------------------------------------------------------- */
void drv_check(bool ok, const char *group, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define CHECK(ok, ...) drv_check((ok), GROUP, __VA_ARGS__)

/* --- the services' requests (client.c) ----------------------------------------------- */
struct spawn_req {
	const char *name, *image;
	const uint8_t *caps;      /* (kind, rights) pairs */
	uint32_t ncaps;
	uint64_t max_memory, max_cpu_ms;
	uint32_t max_caps, max_ipc_queue;
};
/* PM_SPAWN: 0 and the response, or -E (MSG_ERROR: -EINVAL, reply.tag tells). */
long pm_spawn(const struct spawn_req *r, orb_msg_pm_spawn_response_t *out);
/* PM_KILL: the status, or a -E of the call itself (-ORB_EINVAL for MSG_ERROR). */
long pm_kill(uint32_t pid, uint8_t signal);
long check_perm(uint32_t pid, const char *type, uint8_t rights,
		orb_msg_check_perm_response_t *out, char *reason, size_t rlen);
/* QUERY_CAPS into items; returns the count or -E. */
long query_caps(uint32_t pid, orb_cap_provenance_t *items, uint32_t max);
long query_history(uint32_t pid, uint32_t limit, orb_history_entry_t *items, uint32_t max);
/* A raw call; returns the reply tag (reply filled) or -E. For malformed requests. */
long raw_call(orb_cptr_t ep, uint32_t tag, const void *data, size_t len, orb_msg_t *reply);

/* --- processes (procs.c) ------------------------------------------------------------- */
/* The PID of a running process called name, or 0. */
uint32_t pid_of(const char *name);
bool running(uint32_t pid);
/* Wait until pid is gone; returns the ms waited, or -1 after timeout_ms. */
long wait_gone(uint32_t pid, uint64_t timeout_ms);

/* --- the groups, in the order main runs them ---------------------------------------- */
void t_policy(void);
void t_provenance(void);
void t_lifecycle(void);
void t_limits(void);
void t_refusal(void);
void t_malformed(void);
void t_bench(void);
