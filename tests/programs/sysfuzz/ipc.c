/* SPDX-License-Identifier: Apache-2.0 */
/* sysfuzz: the servers of SV, the monitor that reports stalls, and the verdict. */
#include "sysfuzz.h"

#define TAG_COUNT 0x5F02      /* to the peer: answer with your counts */
#define STILL_LIMIT 20        /* monitor periods (100 ms) without progress: a hang */

static uint64_t taken[2];     /* messages the monitor took off SV / PV */

uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ull;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

void check(uint64_t nr, long rc, const char *what)
{
	count(&sf.calls, 1);
	count(&sf.progress, 1);
	if (rc < 0 && !orb_syscall_error_declared(nr, -rc)) {
		count(&sf.undeclared, 1);
		orb_printf("sysfuzz: UNDECLARED: %s (syscall %#lx) returned %ld\n", what,
			   (unsigned long)nr, rc);
	}
}

/* A server of SV: answer each call with mr0 + 1; now and then send to SV first. */
void serve(void *arg)
{
	uint64_t st = sf.seed * 7919 + (uintptr_t)arg + 1;
	orb_endpoint_receive_wait_out_t in;
	long info = orb_endpoint_receive_wait(sf.sv, 0, &in);
	check(ORB_SYS_ENDPOINT_RECEIVE_WAIT, info, "server receive_wait");
	uint64_t mr0 = in.mr0;
	for (;;) {
		if (info >= 0) {
			count(&sf.received[0], 1);
			count(&sf.progress, 1);
		}
		if ((rnd(&st) & 7) == 0) {
			long rc = orb_endpoint_send(sf.sv, orb_msginfo_new(TAG_SELF, 8, 0), st, 0, 0, 0);
			check(ORB_SYS_ENDPOINT_SEND, rc, "server send to SV");
			if (rc == 0)
				count(&sf.sent[0], 1);
		}
		orb_endpoint_reply_recv_out_t out;
		info = orb_endpoint_reply_recv(sf.sv, orb_msginfo_new(TAG_WORK, 8, 0), mr0 + 1, 0, 0,
					       0, &out);
		check(ORB_SYS_ENDPOINT_REPLY_RECV, info, "server reply_recv");
		mr0 = out.mr0;
		if (info < 0)
			orb_sleep_ms(1);
	}
}

/* Take what waits on an endpoint while nothing moves; answer it if it is a call. */
static bool unstick(int e)
{
	orb_endpoint_receive_out_t out;
	long info = orb_endpoint_receive(e ? sf.pv : sf.sv, &out);
	if (info < 0)
		return false;
	count(&taken[e], 1);
	count(&sf.stalls, 1);
	orb_printf("sysfuzz: STALL: message tag %#lx from pid %lu queued on %s while its "
		   "server waits (sent %lu, received %lu)\n", (unsigned long)orb_msginfo_get_tag(info),
		   (unsigned long)out.sender, e ? "PV" : "SV", (unsigned long)sf.sent[e],
		   (unsigned long)sf.received[e]);
	orb_endpoint_reply(orb_msginfo_new(TAG_WORK, 8, 0), out.mr0 + 1, 0, 0, 0);
	return true;
}

void monitor(void *arg)
{
	(void)arg;
	uint64_t last = 0;
	int still = 0;
	while (!sf.done) {
		orb_sleep_ms(100);
		uint64_t p = __atomic_load_n(&sf.progress, __ATOMIC_RELAXED);
		if (p != last || sf.done) {
			last = p;
			still = 0;
			continue;
		}
		if (++still < STILL_LIMIT)
			continue;
		still = 0;
		bool sv = unstick(0), pv = unstick(1);
		if (!sv && !pv) {
			count(&sf.hangs, 1);
			orb_printf("sysfuzz: HANG: no progress for 2 s and nothing queued (calls %lu)\n",
				   (unsigned long)sf.calls);
		}
	}
	orb_thread_exit(0);
}

void finish(void)
{
	/* The servers drain SV; the peer tells what it received on PV and sent there. */
	for (int i = 0; i < 500 && __atomic_load_n(&sf.sent[0], __ATOMIC_RELAXED) !=
	     __atomic_load_n(&sf.received[0], __ATOMIC_RELAXED) + taken[0]; i++)
		orb_sleep_ms(10);
	/* The peer's own sends may still wait on PV behind a count call: ask again (each
	 * answer drains what was queued before it) until the counts balance, at most 100
	 * times; a message really lost keeps them apart. */
	long info = -ORB_EINVAL;
	uint64_t peer_received = 0, peer_sent = 0;
	for (int i = 0; i < 100; i++) {
		orb_endpoint_call_out_t out;
		info = orb_endpoint_call(sf.pv, orb_msginfo_new(TAG_COUNT, 8, 0), 0, 0, 0, 0, &out);
		check(ORB_SYS_ENDPOINT_CALL, info, "count call to the peer");
		if (info < 0)
			break;
		count(&sf.sent[1], 1);             /* this call */
		peer_received = out.mr1;
		peer_sent = out.mr2;
		if (sf.sent[1] + peer_sent == peer_received + taken[1])
			break;
	}
	sf.sent[1] += peer_sent;
	sf.received[1] = peer_received;
	sf.done = 1;
	uint64_t sent = sf.sent[0] + sf.sent[1];
	uint64_t received = sf.received[0] + sf.received[1] + taken[0] + taken[1];
	orb_printf("sysfuzz: calls=%lu undeclared=%lu stalls=%lu hangs=%lu sent=%lu received=%lu\n",
		   (unsigned long)sf.calls, (unsigned long)sf.undeclared, (unsigned long)sf.stalls,
		   (unsigned long)sf.hangs, (unsigned long)sent, (unsigned long)received);
	bool ok = info >= 0 && !sf.undeclared && !sf.stalls && !sf.hangs && sent == received;
	orb_exit_process(ok ? 0 : 1);
}
