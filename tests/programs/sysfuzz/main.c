/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sysfuzz: a seeded storm of random syscalls from ring 3, as init of images/sysfuzz.toml
 * (tests/e2e/test_sysfuzz.py; `orbital-qemu fuzz` for longer runs).
 *
 * The image's cmdline says how much: "calls=100000 seed=1". Four kinds of thread share
 * the work, all at one priority so the timer interleaves them:
 *   - main makes `calls` random syscalls (storm.c): objects it creates and destroys,
 *     broken handles, pointers and lengths, messages with capabilities, calls to the
 *     servers; every negative result must be an error its syscall declares;
 *   - two server threads answer calls on endpoint SV with reply_recv, and sometimes send
 *     to SV themselves just before (the pattern of the stall the hardening issue saw:
 *     a thread blocked in reply_recv on an endpoint it had just sent to);
 *   - the peer process (sysfuzz-peer) answers calls on endpoint PV the same way;
 *   - a monitor wakes every 100 ms: when the calls have made no progress
 *     for 2 s it looks for a message queued on SV or PV while their servers wait, reports
 *     it as a STALL, and answers it so the run goes on.
 * At the end every message sent to SV or PV must have been received exactly once, and:
 *
 *   sysfuzz: calls=N undeclared=U stalls=S hangs=H sent=X received=Y
 *
 * Exit code 0 (the machine stops with success) when U, S, H are 0 and X == Y.
 */
#include "sysfuzz.h"

struct shared sf;

static uint64_t arg_value(const char *cmdline, const char *key, uint64_t fallback)
{
	size_t n = strlen(key);
	for (const char *p = cmdline; p && *p; p++) {
		if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, n) && p[n] == '=') {
			uint64_t v = 0;
			for (p += n + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			return v;
		}
	}
	return fallback;
}

/* The image's cmdline (boot archive entry "cmdline"), or "". */
static const char *cmdline(void)
{
	static char text[256];
	const orb_boot_archive_header_t *h = (const void *)ORB_BOOT_ARCHIVE_VADDR;
	if (h->magic != ORB_BOOT_ARCHIVE_MAGIC)
		return "";
	for (uint32_t i = 0; i < h->count && i < 64; i++) {
		const orb_boot_archive_entry_t *e =
			(const void *)((const uint8_t *)h + sizeof(*h) + i * sizeof(*e));
		if (strncmp((const char *)e->name, "cmdline", sizeof(e->name)) ||
		    e->offset > h->total_size || e->size >= sizeof(text) ||
		    e->size > h->total_size - e->offset)
			continue;
		memcpy(text, (const uint8_t *)h + e->offset, e->size);
		text[e->size] = '\0';
		return text;
	}
	return "";
}

static orb_cptr_t must(const char *what, long rc)
{
	if (rc < 0) {
		orb_printf("sysfuzz: setup: %s failed: %ld\n", what, rc);
		orb_exit_process(2);
	}
	return (orb_cptr_t)(rc & 0xffffffff);
}

static void spawn_peer(void)
{
	orb_spawn_cap_t cap = { .src = sf.pv, .dst = 0, .rights = ORB_RIGHT_READ | ORB_RIGHT_WRITE };
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, "sysfuzz-peer", 12);
	memcpy(spec.image, "sysfuzz-peer", 12);
	spec.proc = SLOT_PROCESS;
	spec.priority = PRIORITY;
	spec.exit_notify = ORB_CAP_NONE;
	spec.caps_addr = (uint64_t)(uintptr_t)&cap;
	spec.ncaps = 1;
	sf.peer_pid = (uint32_t)must("spawn sysfuzz-peer", orb_process_spawn(&spec, sizeof(spec)));
}

int main(void)
{
	const char *args = cmdline();
	uint64_t calls = arg_value(args, "calls", 100000);
	sf.seed = arg_value(args, "seed", 1);
	orb_printf("sysfuzz: calls=%lu seed=%lu\n", (unsigned long)calls, (unsigned long)sf.seed);
	sf.sv = must("endpoint SV", orb_endpoint_create());
	sf.pv = must("endpoint PV", orb_endpoint_create());
	spawn_peer();
	for (int i = 0; i < SERVERS; i++)
		must("server thread", orb_thread_start(serve, (void *)(uintptr_t)i, PRIORITY));
	must("monitor thread", orb_thread_start(monitor, NULL, MONITOR_PRIORITY));
	storm(calls);
	finish();
	return 0;   /* finish() exits */
}
