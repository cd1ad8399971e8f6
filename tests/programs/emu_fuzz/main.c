/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emu-fuzz: the target of the syscall fuzzer under the Unicorn machine model
 * (orbital_build/fuzz, `orbital-build fuzz`, tests/emu/test_syscall_errors.py).
 *
 * As init (pid 1) it only starts itself again as the fuzz process (pid 2), with its
 * capabilities, a memory limit of FUZZ_MEMORY and room for one child (the peer, which
 * the kernel charges to it, D80): a program that maps a gigabyte then
 * fails at once instead of dirtying thousands of pages, each a copy-on-write of the
 * harness's snapshot. The fuzz process builds a small world for the fuzzer to aim at,
 * then parks its main thread at emu_fuzz_insn (fuzz_point.S), where the harness writes a
 * syscall's registers, runs it, and catches the thread again at emu_fuzz_ret. The world,
 * in the fuzz process's CSpace (orbital_build/fuzz/target.py names the slots):
 *   0-4  the initial capabilities: console, root Process, Axiom, I/O ports 0x70-0x71, IRQ 8
 *   5    endpoint A, served by a thread of this process (call gets a reply)
 *   6    endpoint B, which nobody serves (sends queue up there)
 *   7    a notification, waited on by a third thread
 *   8    A, W only, badge 0xB1          9   B, R only
 *   10   A, expired                     11  the Memory capability of a mapped page
 *   12   endpoint P, served by the peer process emu-fuzz-peer (pid 3, spawned with R|W)
 * Every helper thread ends itself when its wait fails (its object was destroyed), so
 * nothing spins at the fuzz thread's priority.
 */
#include <orbital.h>

#define PRIORITY 64
#define FUZZ_MEMORY (4u << 20)       /* its own pages, and the peer's limit (D80) */
#define INIT_CAPS 5

/* The peer's limits come out of the fuzz process's own (D80), so they are small. */
static const uint64_t peer_limits[ORB_RES_COUNT] = {
	[ORB_RES_MEMORY] = 1u << 20, [ORB_RES_MSG_BYTES] = 4096, [ORB_RES_THREADS] = 1,
	[ORB_RES_ENDPOINTS] = 1, [ORB_RES_NOTIFICATIONS] = 1, [ORB_RES_CAPS] = 8,
	[ORB_RES_MESSAGES] = 2, [ORB_RES_SHM] = 1,
};
#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE
#define G ORB_RIGHT_GRANT

/* The harness's scratch memory: what pointer arguments point into. */
uint8_t emu_fuzz_buf[4 * 4096] __attribute__((aligned(4096)));

/* What the fuzzer's thread_create calls run: a thread that ends at once with its arg. */
void emu_fuzz_thread(void *arg)
{
	orb_thread_exit((int32_t)(uintptr_t)arg);
}

void emu_fuzz_loop(void) __attribute__((noreturn));

static void fail(const char *what, long rc)
{
	orb_printf("emu-fuzz: %s failed: %ld\n", what, rc);
	orb_exit_process(1);
}

static orb_cptr_t make(const char *what, long rc)
{
	if (rc < 0)
		fail(what, rc);
	return (orb_cptr_t)(rc & 0xffffffff);
}

/* Answer every call on the endpoint with its message registers plus one. */
static void serve(void *arg)
{
	orb_cptr_t ep = (orb_cptr_t)(uintptr_t)arg;
	orb_endpoint_receive_wait_out_t in;
	long info = orb_endpoint_receive_wait(ep, 0, &in);
	uint64_t mr[4] = { in.mr0, in.mr1, in.mr2, in.mr3 };
	while (info >= 0) {
		orb_endpoint_reply_recv_out_t out;
		info = orb_endpoint_reply_recv(ep, orb_msginfo_new(0x5E, 32, 0), mr[0] + 1, mr[1] + 1,
					       mr[2] + 1, mr[3] + 1, &out);
		mr[0] = out.mr0, mr[1] = out.mr1, mr[2] = out.mr2, mr[3] = out.mr3;
	}
	orb_thread_exit(0);
}

static void wait_signals(void *arg)
{
	orb_cptr_t n = (orb_cptr_t)(uintptr_t)arg;
	while (orb_notification_wait(n, 0) >= 0)
		;
	orb_thread_exit(0);
}

static long spawn(const char *image, const orb_spawn_cap_t *caps, uint8_t ncaps,
		  orb_cptr_t notify, const uint64_t limits[ORB_RES_COUNT])
{
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, image, strlen(image));
	memcpy(spec.image, image, strlen(image));
	spec.proc = 1;
	spec.priority = PRIORITY;
	spec.exit_notify = notify;
	memcpy(spec.limits, limits, sizeof(spec.limits));   /* 0: the kernel default */
	spec.caps_addr = (uint64_t)(uintptr_t)caps;
	spec.ncaps = ncaps;
	return orb_process_spawn(&spec, sizeof(spec));
}

/* pid 1: start the fuzz process with our capabilities, then wait for good. */
static void launch(void)
{
	orb_spawn_cap_t caps[INIT_CAPS];
	for (uint32_t i = 0; i < INIT_CAPS; i++) {
		orb_cap_info_t ci;
		if (orb_cap_inspect(i, &ci) < 0)
			fail("inspect an initial capability", -1);
		caps[i] = (orb_spawn_cap_t){ .src = i, .dst = i, .rights = ci.rights };
	}
	orb_cptr_t exits = make("exit endpoint", orb_endpoint_create());
	static const uint64_t limits[ORB_RES_COUNT] = { [ORB_RES_MEMORY] = FUZZ_MEMORY,
							[ORB_RES_PROCESSES] = 1 };
	make("fuzz process", spawn("emu-fuzz", caps, INIT_CAPS, exits, limits));
	for (;;)
		orb_endpoint_receive_wait(exits, 0, NULL);
}

int main(void)
{
	if (orb_pid() == 1)
		launch();
	orb_printf("emu-fuzz: pid %u\n", orb_pid());
	orb_cptr_t a = make("endpoint A", orb_endpoint_create());
	orb_cptr_t b = make("endpoint B", orb_endpoint_create());
	orb_cptr_t n = make("notification", orb_notification_create());
	make("A badged", orb_cap_derive(a, W, 0xB1, 0));
	make("B read-only", orb_cap_derive(b, R, 0, 0));
	make("A expired", orb_cap_derive(a, R | W | G, 0, 1));
	orb_mem_map_out_t mapped;
	if (orb_mem_map(0, 4096, ORB_PROT_READ | ORB_PROT_WRITE, ORB_CAP_NONE, &mapped) < 0)
		fail("mem_map", -1);
	orb_cptr_t p = make("endpoint P", orb_endpoint_create());
	make("serve A", orb_thread_start(serve, (void *)(uintptr_t)a, PRIORITY));
	make("wait N", orb_thread_start(wait_signals, (void *)(uintptr_t)n, PRIORITY));
	orb_spawn_cap_t peer_ep = { .src = p, .dst = 0, .rights = R | W | G };
	make("peer", spawn("emu-fuzz-peer", &peer_ep, 1, b, peer_limits));
	for (int i = 0; i < 8; i++)   /* let every helper reach its wait */
		orb_yield();
	orb_printf("emu-fuzz: ready\n");
	emu_fuzz_loop();
}
