/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emu-ipc-server and emu-ipc-client: two processes for the IPC tests of the machine
 * model (tests/emu/test_ipc.py, `orbital-build bench`). One program, two roles by name.
 *
 * The server (init) creates endpoint E1, served by its main thread, and E2, served by a
 * second, less urgent thread; it gives the client badged capabilities to both and an
 * R-only one to E1. The client then makes one call per case, the case's tag in the
 * msginfo; the test stops at the calls and checks what arrives where. Every reply
 * carries the request's message registers plus one. The cases are the fast path's
 * guards, one each (the call's first, then the reply_recv's, which the server makes go
 * wrong on purpose for the T_RR_* tags), and the slow path's big message. Before its last
 * call the client sleeps for a nanosecond, so every thread waits and the CPU idles: the
 * machine model stops there until the test injects a timer tick.
 */
#include <orbital.h>

#define SERVER_PRIORITY 64
#define SLOW_THREAD_PRIORITY 100
#define HELPER_PRIORITY 64
#define LOW_PRIORITY 100
#define FAR_FUTURE_NS 0x7000000000000000ull   /* an expiry that never comes in a test */
#define BADGE_E1 0xB1
#define BADGE_E2 0xB2
#define BADGE_READ_ONLY 0xB3
#define FORGED 0xF0F0F0F0F0F0F0F0ull
#define CSPACE_SLOTS_PAST 300                 /* a slot number the CSpace (256) has not */
#define RECV_TIMEOUT_NS 600000000000ull     /* armed, never expires in a test */

/* Case tags: the order here is the order the client runs them. */
enum {
	T_NORECV = 0xE100,   /* E2 before its thread waits: no receiver (slow) */
	T_WARMUP,            /* E1: fast */
	T_FAST,              /* E1: fast, the one the test measures */
	T_LONG,              /* 40 bytes: slow */
	T_CAPS,              /* one capability: slow */
	T_URGENT,            /* E2: its receiver is less urgent than the caller (slow) */
	T_ARM_TIMEOUT,       /* E1: fast; the server's next receive has a timeout */
	T_TIMED,             /* E1 while the receiver has a timeout: slow */
	T_STALE,             /* a handle with the wrong generation: slow, -ESTALE */
	T_NORIGHT,           /* the R-only capability: slow, -EPERM */
	T_FORGED,            /* fake badge/sender in the IPC buffer, 32 bytes: fast */
	T_FORGED_LONG,       /* the same, 64 bytes: slow */
	T_BIG,               /* 8 capabilities and 4096 bytes: slow */
	T_RESERVED,          /* a reserved msginfo bit: slow, -EINVAL */
	T_BADSLOT,           /* a handle past the CSpace: slow, -EBADF */
	T_HIGHBITS,          /* a handle with bits above its 32: slow (which refuses it) */
	T_NOTENDPOINT,       /* a notification's handle: slow, -EBADF */
	T_EXPIRING,          /* a capability with an expiry, in the future: slow */
	T_HOLD,              /* (helper) the server takes it and does not answer... */
	T_OWED,              /* ...so it waits owing a reply: slow, the helper gets EDEAD */
	T_RR_LONG,           /* the server answers with 40 bytes: reply_recv slow */
	T_RR_NOREPLY,        /* the server answers, then reply_recv owing nothing: slow */
	T_RR_STALE,          /* the server's reply_recv names a stale handle: slow, -ESTALE */
	T_QUEUED_2,          /* (helper) queued while the server works on... */
	T_RR_QUEUED,         /* ...this one, so its reply_recv has more to receive: slow */
	T_RR_LOWPRIO,        /* (helper, less urgent than the server) its reply: slow */
	T_FAST_AGAIN,        /* fast again after all of the above */
	T_BATCH,             /* after an idle moment (Axiom flushed): 8 capabilities, slow */
};

struct emu_regs {
	uint64_t rax, rdi, rsi, rdx, r10, r8, r9;
};

long emu_call(uint64_t h, uint64_t info, const uint64_t mr[4], struct emu_regs *out);
long emu_reply_recv(uint64_t h, uint64_t info, const uint64_t mr[4], struct emu_regs *out);
long emu_recv_wait(uint64_t h, uint64_t timeout_ns, struct emu_regs *out);
long emu_reply(uint64_t info, const uint64_t mr[4]);

static uint32_t find_pid(const char *name)
{
	orb_proc_entry_t list[16];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < 16; i++)
		if (!strcmp((const char *)list[i].name, name))
			return list[i].pid;
	return 0;
}

/* The data checksum the server returns for long messages. */
static uint64_t checksum(const uint8_t *p, uint32_t len)
{
	uint64_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum = sum * 31 + p[i];
	return sum;
}

/* Everything the server does with a request besides replying: drop received caps and
 * checksum long payloads into mr0 of the reply. */
static void handle(const struct emu_regs *m, uint64_t reply[4])
{
	orb_ipc_buffer_t *b = orb_ipcbuf();
	uint32_t len = orb_msginfo_get_len(m->rax), ncaps = orb_msginfo_get_ncaps(m->rax);
	reply[0] = m->rdx + 1;
	reply[1] = m->r10 + 1;
	reply[2] = m->r8 + 1;
	reply[3] = m->r9 + 1;
	if (len > ORB_MSG_REG_BYTES)
		reply[0] = checksum(b->data, len);
	for (uint32_t i = 0; i < ncaps; i++)
		orb_cap_delete(b->recv_caps[i]);
}

static uint64_t h_e2;

static void slow_thread(void *arg)
{
	(void)arg;
	struct emu_regs m;
	uint64_t reply[4];
	long rc = emu_recv_wait(h_e2, 0, &m);
	for (;;) {
		if (rc < 0)
			orb_printf("emu-ipc-server: E2 receive failed: %ld\n", rc);
		handle(&m, reply);
		uint64_t info = orb_msginfo_new(ORB_MSG_RESPONSE, ORB_MSG_REG_BYTES, 0);
		rc = emu_reply_recv(h_e2, info, reply, &m);
	}
}

static int server(void)
{
	long e1 = orb_endpoint_create(), e2 = orb_endpoint_create();
	uint32_t client = find_pid("emu-ipc-client");
	if (e1 < 0 || e2 < 0 || !client) {
		orb_printf("emu-ipc-server: setup failed (%ld %ld %u)\n", e1, e2, client);
		return 1;
	}
	uint64_t h1 = (uint32_t)e1;
	h_e2 = (uint32_t)e2;
	uint8_t wg = ORB_RIGHT_WRITE | ORB_RIGHT_GRANT;
	long c1 = orb_cap_derive(h1, ORB_RIGHTS_ALL, BADGE_E1, 0);
	long c2 = orb_cap_derive(h_e2, ORB_RIGHTS_ALL, BADGE_E2, 0);
	long c3 = orb_cap_derive(h1, ORB_RIGHTS_ALL, BADGE_READ_ONLY, 0);
	long cs = orb_cspace_open(client);   /* the client's CSpace: we are its parent */
	long g1 = orb_cap_grant(c1, (orb_cptr_t)cs, wg), g2 = orb_cap_grant(c2, (orb_cptr_t)cs, wg);
	long g3 = orb_cap_grant(c3, (orb_cptr_t)cs, ORB_RIGHT_READ);
	orb_cap_delete((orb_cptr_t)cs);
	long tid = orb_thread_start(slow_thread, NULL, SLOW_THREAD_PRIORITY);
	orb_printf("emu-ipc-server: pid %u, client %u, caps %ld %ld %ld, thread %ld\n", orb_pid(),
		   client, g1, g2, g3, tid);

	struct emu_regs m;
	uint64_t reply[4];
	long rc = emu_recv_wait(h1, 0, &m);
	for (;;) {
		if (rc < 0)
			orb_printf("emu-ipc-server: E1 receive failed: %ld\n", rc);
		handle(&m, reply);
		uint64_t info = orb_msginfo_new(ORB_MSG_RESPONSE, ORB_MSG_REG_BYTES, 0);
		switch (orb_msginfo_get_tag(m.rax)) {
		case T_ARM_TIMEOUT:
			emu_reply(info, reply);
			rc = emu_recv_wait(h1, RECV_TIMEOUT_NS, &m);
			continue;
		case T_HOLD:   /* keep the reply capability and wait again */
			rc = emu_recv_wait(h1, 0, &m);
			continue;
		case T_RR_LONG:
			memset(orb_ipcbuf()->data, 0x6B, 40);
			info = orb_msginfo_new(ORB_MSG_RESPONSE, 40, 0);
			break;
		case T_RR_NOREPLY:
			emu_reply(info, reply);
			break;
		case T_RR_STALE:
			rc = emu_reply_recv(h1 + (1u << 12), info, reply, &m);
			if (rc != -ORB_ESTALE)
				orb_printf("emu-ipc-server: stale reply_recv -> %ld\n", rc);
			emu_reply(info, reply);
			rc = emu_recv_wait(h1, 0, &m);
			continue;
		case T_RR_QUEUED:   /* let the helper queue its call meanwhile */
			orb_yield();
			break;
		}
		rc = emu_reply_recv(h1, info, reply, &m);
	}
}

/* The client's handles: granted into its empty CSpace, so slot N has generation 0. */
struct handles {
	uint64_t e1, e2, read_only;
};

static bool find_handles(struct handles *h)
{
	orb_cap_info_t caps[8];
	long n = orb_cap_list(caps, sizeof(caps));
	h->e1 = h->e2 = h->read_only = ~0ull;
	for (long i = 0; i < n && i < 8; i++) {
		uint64_t handle = orb_cptr_new(caps[i].slot, 0);
		if (caps[i].badge == BADGE_E1)
			h->e1 = handle;
		else if (caps[i].badge == BADGE_E2)
			h->e2 = handle;
		else if (caps[i].badge == BADGE_READ_ONLY)
			h->read_only = handle;
	}
	return h->e1 != ~0ull && h->e2 != ~0ull && h->read_only != ~0ull;
}

static long call_raw(uint64_t h, uint64_t info)
{
	uint64_t tag = orb_msginfo_get_tag(info);
	uint64_t mr[4] = { tag * 0x10000ull + 1, tag * 0x10000ull + 2, tag * 0x10000ull + 3,
			   tag * 0x10000ull + 4 };
	struct emu_regs out;
	long rc = emu_call(h, info, mr, &out);
	if (rc < 0)
		orb_printf("emu-ipc-client: case %#lx -> %ld\n", (unsigned long)tag, rc);
	return rc;
}

static long call(uint64_t h, uint32_t tag, uint32_t len, uint32_t ncaps)
{
	return call_raw(h, orb_msginfo_new(tag, len, ncaps));
}

static struct handles helper_handles;
static volatile int helper_started;

/* A second client thread: one call with the tag it is given, then it is done. */
static void helper(void *arg)
{
	helper_started = 1;
	call(helper_handles.e1, (uint32_t)(uintptr_t)arg, 32, 0);
}

static long start_helper(uint32_t tag, uint32_t priority)
{
	helper_started = 0;
	return orb_thread_start(helper, (void *)(uintptr_t)tag, priority);
}

static void forge(void)
{
	orb_ipc_buffer_t *b = orb_ipcbuf();
	b->badge = FORGED;
	b->sender = FORGED;
}

static int client(void)
{
	struct handles h;
	for (int i = 0; !find_handles(&h); i++) {
		if (i == 100) {
			orb_printf("emu-ipc-client: no capabilities from the server\n");
			return 1;
		}
		orb_yield();
	}
	orb_printf("emu-ipc-client: pid %u ready\n", orb_pid());
	orb_ipc_buffer_t *b = orb_ipcbuf();

	call(h.e2, T_NORECV, 32, 0);
	call(h.e1, T_WARMUP, 32, 0);
	call(h.e1, T_FAST, 32, 0);
	memset(b->data, 0x5A, 40);
	call(h.e1, T_LONG, 40, 0);
	b->send_caps[0] = (uint32_t)orb_cap_copy(h.e1);
	call(h.e1, T_CAPS, 0, 1);
	call(h.e2, T_URGENT, 32, 0);
	call(h.e1, T_ARM_TIMEOUT, 32, 0);
	call(h.e1, T_TIMED, 32, 0);
	call(h.e1 + (1u << 12), T_STALE, 32, 0);
	call(h.read_only, T_NORIGHT, 32, 0);
	forge();
	call(h.e1, T_FORGED, 32, 0);
	forge();
	memset(b->data, 0xA5, 64);
	call(h.e1, T_FORGED_LONG, 64, 0);
	for (uint32_t i = 0; i < ORB_MAX_MSG_CAPS; i++)
		b->send_caps[i] = (uint32_t)orb_cap_copy(h.e1);
	for (uint32_t i = 0; i < ORB_MAX_MSG_SIZE; i++)
		b->data[i] = (uint8_t)(i * 7);
	call(h.e1, T_BIG, ORB_MAX_MSG_SIZE, ORB_MAX_MSG_CAPS);

	/* the call path's guards, one case each */
	call_raw(h.e1, orb_msginfo_new(T_RESERVED, 32, 0) | 1ull << 50);
	call(orb_cptr_new(CSPACE_SLOTS_PAST, 0), T_BADSLOT, 32, 0);
	call_raw(h.e1 | 1ull << 40, orb_msginfo_new(T_HIGHBITS, 32, 0));
	call((uint32_t)orb_notification_create(), T_NOTENDPOINT, 32, 0);
	call((uint32_t)orb_cap_derive(h.e1, ORB_RIGHT_WRITE, 0, FAR_FUTURE_NS), T_EXPIRING, 32, 0);
	helper_handles = h;
	start_helper(T_HOLD, HELPER_PRIORITY);
	while (!helper_started)
		orb_yield();   /* it runs until the server holds its call */
	call(h.e1, T_OWED, 32, 0);
	/* the reply_recv path's guards, the server going wrong on purpose */
	long rc = call(h.e1, T_RR_LONG, 32, 0);
	if (rc >= 0 && orb_msginfo_get_len((uint64_t)rc) != 40)
		orb_printf("emu-ipc-client: long reply of %u bytes\n", orb_msginfo_get_len((uint64_t)rc));
	call(h.e1, T_RR_NOREPLY, 32, 0);
	call(h.e1, T_RR_STALE, 32, 0);
	start_helper(T_QUEUED_2, HELPER_PRIORITY);
	call(h.e1, T_RR_QUEUED, 32, 0);
	orb_thread_join_out_t joined;
	orb_thread_join((uint64_t)start_helper(T_RR_LOWPRIO, LOW_PRIORITY), &joined);

	call(h.e1, T_FAST_AGAIN, 32, 0);
	orb_sleep(1);
	for (uint32_t i = 0; i < ORB_MAX_MSG_CAPS; i++)
		b->send_caps[i] = (uint32_t)orb_cap_copy(h.e1);
	call(h.e1, T_BATCH, 0, ORB_MAX_MSG_CAPS);
	orb_printf("emu-ipc-client: done\n");
	return 0;
}

int main(void)
{
	return strcmp(ORB_SERVICE_NAME, "emu-ipc-server") ? client() : server();
}
