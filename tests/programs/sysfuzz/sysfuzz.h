/* SPDX-License-Identifier: Apache-2.0 */
/* sysfuzz's parts: the storm (storm.c), the servers and the monitor (ipc.c). */
#pragma once

#include <orbital.h>

#define PRIORITY 64
#define MONITOR_PRIORITY PRIORITY   /* a thread cannot be more urgent than its creator */
#define SERVERS 2
#define SLOT_CONSOLE 0
#define SLOT_PROCESS 1
#define TAG_WORK 0x5F00
#define TAG_SELF 0x5F01       /* a server's own send to SV */

struct shared {
	uint64_t seed;
	orb_cptr_t sv, pv;             /* served by our threads / by the peer process */
	uint32_t peer_pid;
	/* counted with __atomic: every thread of the process updates them */
	uint64_t calls, undeclared, stalls, hangs;
	uint64_t sent[2], received[2];  /* per endpoint: 0 = SV, 1 = PV */
	uint64_t progress;             /* bumped by every finished call and every answer */
	volatile int done;
};

extern struct shared sf;

void storm(uint64_t calls);
void serve(void *arg);
void monitor(void *arg);
/* Print the verdict and end the process (the machine stops). */
void finish(void) __attribute__((noreturn));
/* Check a result against the syscall's declared errors; report and count if not. */
void check(uint64_t nr, long rc, const char *what);
uint64_t rnd(uint64_t *state);
/* A syscall with any number and any registers (raw.S): liborbital has a stub per
 * syscall, this one is for the numbers and register contents no stub would send. */
long sysfuzz_raw(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5);

static inline void count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}
