/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sysfuzz's storm: `calls` random syscalls by the main thread, each result checked.
 *
 * Main keeps pools of what it made (endpoints, notifications, derived capabilities,
 * mappings) and draws handles from them or damages them (stale generation, high bits,
 * out of range). Handles of the infrastructure (console, Process, SV, PV) are never
 * passed to calls that could remove them: random "garbage" arguments are chosen so that
 * as a handle their low 32 bits name no slot, and as a pointer they point nowhere.
 * Blocking calls get timeouts of at most 1 ms, so the monitor can take a 2 s standstill
 * for a hang. Mappings at a chosen address avoid the garbage values: one there would make
 * them readable (mem_map takes any page-aligned address from USER_BASE up).
 */
#include "sysfuzz.h"

#define POOL 16
#define MAX_WAIT_NS 1000000ull

static uint64_t st;
static orb_cptr_t eps[POOL], ntfns[POOL / 2], caps[2 * POOL];
static uint64_t maps[POOL / 2];
/* What valid pointers point into: a mapping of its own with an unmapped guard page after
 * it (mem_map keeps one), so a write the kernel lets run past its end faults there
 * instead of landing on our globals. */
static uint8_t *scratch;
#define SCRATCH 8192

/* Safe garbage: bad as a handle (its low 32 bits name no slot) and as a pointer. */
static const uint64_t garbage[] = {
	0xFFF, 0xFFFFFFFF, 0xFFFFFFFF80100FFFull, 0x0000800000000FFFull,
	0xFFFF800000000FF0ull, 0xFFFFFFFFFFFFFFF8ull, 0x0000000000000FF8ull,
};

static uint64_t pick(uint64_t n)
{
	return rnd(&st) % n;
}

static uint64_t junk(void)
{
	return garbage[pick(ORB_ARRAY_SIZE(garbage))];
}

/* A handle from a pool, usually valid, sometimes damaged. */
static orb_cptr_t from(const orb_cptr_t *pool, uint64_t n)
{
	orb_cptr_t h = pool[pick(n)];
	switch (pick(8)) {
	case 0:
		return h ^ (1u << 12);          /* another generation: stale */
	case 1:
		return (orb_cptr_t)junk();
	default:
		return h;
	}
}

static orb_cptr_t any_handle(void)
{
	switch (pick(3)) {
	case 0:
		return from(eps, POOL);
	case 1:
		return from(ntfns, POOL / 2);
	default:
		return from(caps, 2 * POOL);
	}
}

static uint64_t pointer(void)
{
	switch (pick(4)) {
	case 0:
		return junk();
	case 1:
		return (uint64_t)(uintptr_t)(scratch + SCRATCH - 1 - pick(64));
	default:
		return (uint64_t)(uintptr_t)scratch;
	}
}

static uint64_t length(void)
{
	static const uint64_t lens[] = { 0, 1, 8, 64, 4096, 4097, 8192, 1ull << 40, ~0ull };
	return lens[pick(ORB_ARRAY_SIZE(lens))];
}

static uint64_t msginfo(void)
{
	static const uint32_t lens[] = { 0, 8, 32, 33, 100, 4096, 4097 };
	uint64_t info = orb_msginfo_new(TAG_WORK, lens[pick(ORB_ARRAY_SIZE(lens))],
					pick(4) ? 0 : pick(10));
	return pick(16) ? info : info | (1ull << (49 + pick(15)));
}

/* Fill send_caps with handles from the pools (moved away if the send succeeds). */
static void fill_send_caps(void)
{
	orb_ipc_buffer_t *b = orb_ipcbuf();
	for (unsigned i = 0; i < ORB_MAX_MSG_CAPS; i++) {
		b->send_caps[i] = any_handle();
		b->send_rights[i] = (uint8_t)pick(8);
		b->recv_slots[i] = ORB_CAP_NONE;
	}
}

/* Drop the capabilities a message brought, so the CSpace does not fill up. */
static void drop_received(long info)
{
	if (info < 0)
		return;
	orb_ipc_buffer_t *b = orb_ipcbuf();
	for (uint32_t i = 0; i < orb_msginfo_get_ncaps((uint64_t)info) && i < ORB_MAX_MSG_CAPS; i++)
		orb_cap_delete(b->recv_caps[i]);
}

static void replace(orb_cptr_t *slot, long made)
{
	if (made < 0)
		return;
	if (*slot)
		orb_cap_delete(*slot);   /* the old one, if it is still there */
	*slot = (orb_cptr_t)(made & 0xffffffff);
}

static void short_thread(void *arg)
{
	(void)arg;
}

static void ipc_to_server(int e)
{
	orb_cptr_t ep = e ? sf.pv : sf.sv;
	long rc;
	if (pick(2)) {
		orb_endpoint_call_out_t out;
		rc = orb_endpoint_call(ep, orb_msginfo_new(TAG_WORK, 8, 0), pick(1000), 0, 0, 0, &out);
		check(ORB_SYS_ENDPOINT_CALL, rc, e ? "call PV" : "call SV");
	} else {
		rc = orb_endpoint_send(ep, orb_msginfo_new(TAG_WORK, 8, 0), pick(1000), 0, 0, 0);
		check(ORB_SYS_ENDPOINT_SEND, rc, e ? "send PV" : "send SV");
	}
	if (rc >= 0)
		count(&sf.sent[e], 1);
}

static void one(void)
{
	long rc;
	orb_ipc_buffer_t *b = orb_ipcbuf();
	switch (pick(24)) {
	case 0:
		replace(&eps[pick(POOL)], rc = orb_endpoint_create());
		check(ORB_SYS_ENDPOINT_CREATE, rc, "endpoint_create");
		break;
	case 1:
		rc = orb_endpoint_destroy(from(eps, POOL));
		check(ORB_SYS_ENDPOINT_DESTROY, rc, "endpoint_destroy");
		break;
	case 2:
		replace(&ntfns[pick(POOL / 2)], rc = orb_notification_create());
		check(ORB_SYS_NOTIFICATION_CREATE, rc, "notification_create");
		break;
	case 3:
		replace(&caps[pick(2 * POOL)],
			rc = orb_cap_derive(any_handle(), (uint8_t)pick(9), pick(3), pick(4) ? 0 : 1));
		check(ORB_SYS_CAP_DERIVE, rc, "cap_derive");
		break;
	case 4:
		replace(&caps[pick(2 * POOL)], rc = orb_cap_copy(any_handle()));
		check(ORB_SYS_CAP_COPY, rc, "cap_copy");
		break;
	case 5:
		rc = orb_cap_delete(from(caps, 2 * POOL));
		check(ORB_SYS_CAP_DELETE, rc, "cap_delete");
		break;
	case 6:
		rc = orb_cap_revoke(any_handle());
		check(ORB_SYS_CAP_REVOKE, rc, "cap_revoke");
		break;
	case 7:
		rc = orb_cap_inspect(any_handle(), (void *)(uintptr_t)pointer());
		check(ORB_SYS_CAP_INSPECT, rc, "cap_inspect");
		break;
	case 8:
	case 9:
		if (pick(2))
			fill_send_caps();
		rc = orb_endpoint_send(from(eps, POOL), msginfo(), rnd(&st), 0, 0, 0);
		check(ORB_SYS_ENDPOINT_SEND, rc, "endpoint_send");
		break;
	case 10: {
		orb_endpoint_receive_wait_out_t out;
		rc = pick(2) ? orb_endpoint_receive(from(eps, POOL), (orb_endpoint_receive_out_t *)&out)
			     : orb_endpoint_receive_wait(from(eps, POOL), 1 + pick(MAX_WAIT_NS), &out);
		check(ORB_SYS_ENDPOINT_RECEIVE, rc == -ORB_ETIMEDOUT ? 0 : rc, "endpoint_receive");
		drop_received(rc);
		break;
	}
	case 11:
	case 12:
	case 13:
		ipc_to_server((int)pick(2));
		break;
	case 14:
		rc = orb_notification_signal(from(ntfns, POOL / 2), pick(4) ? 1ull << pick(63) : ~0ull);
		check(ORB_SYS_NOTIFICATION_SIGNAL, rc, "notification_signal");
		break;
	case 15:
		rc = pick(2) ? orb_notification_poll(from(ntfns, POOL / 2))
			     : orb_notification_wait(from(ntfns, POOL / 2), 1 + pick(MAX_WAIT_NS));
		check(ORB_SYS_NOTIFICATION_WAIT, rc == -ORB_EAGAIN ? 0 : rc, "notification wait/poll");
		break;
	case 16: {
		uint64_t *m = &maps[pick(POOL / 2)];
		if (*m) {
			rc = orb_mem_unmap(*m, pick(4) ? 4096 : length());
			check(ORB_SYS_MEM_UNMAP, rc, "mem_unmap");
			if (rc == 0)
				*m = 0;
		} else {
			orb_mem_map_out_t out;
			static const uint64_t at[] = { 0x200000000000ull, 0x200000001000ull, 0x3FF000,
						       0x7CFFFFFFF000ull, 0x7D0000000000ull, 0x1001 };
			rc = orb_mem_map(pick(3) ? 0 : at[pick(ORB_ARRAY_SIZE(at))],
					 pick(4) ? 4096 : length(),
					 (uint32_t)pick(8), ORB_CAP_NONE, &out);
			check(ORB_SYS_MEM_MAP, rc, "mem_map");
			if (rc >= 0) {
				*m = (uint64_t)rc;
				orb_cap_delete(out.mem_cap);
			}
		}
		break;
	}
	case 17:
		rc = orb_mem_protect(maps[pick(POOL / 2)], pick(2) ? 4096 : length(), (uint32_t)pick(8));
		check(ORB_SYS_MEM_PROTECT, rc, "mem_protect");
		break;
	case 18: {
		rc = orb_thread_start(short_thread, NULL, PRIORITY + (uint32_t)pick(3));
		check(ORB_SYS_THREAD_CREATE, rc, "thread_create");
		if (rc >= 0) {
			orb_thread_join_out_t out;
			long j = orb_thread_join((uint64_t)rc, &out);
			check(ORB_SYS_THREAD_JOIN, j, "thread_join");
		}
		break;
	}
	case 19:
		switch (pick(3)) {
		case 0:
			rc = orb_cap_list((void *)(uintptr_t)pointer(), length());
			check(ORB_SYS_CAP_LIST, rc, "cap_list");
			break;
		case 1:
			rc = orb_process_list((void *)(uintptr_t)pointer(), length());
			check(ORB_SYS_PROCESS_LIST, rc, "process_list");
			break;
		default:
			rc = orb_system_info((void *)(uintptr_t)pointer(), length());
			check(ORB_SYS_SYSTEM_INFO, rc, "system_info");
		}
		break;
	case 20:
		rc = orb_endpoint_limit(from(eps, POOL), (uint32_t)pick(300));
		check(ORB_SYS_ENDPOINT_LIMIT, rc, "endpoint_limit");
		break;
	case 21:
		b->send_caps[0] = any_handle();
		rc = orb_endpoint_reply(msginfo(), 0, 0, 0, 0);
		check(ORB_SYS_ENDPOINT_REPLY, rc, "endpoint_reply");
		break;
	case 22: {
		/* Any number, even unknown ones, with garbage in every argument register. */
		static const uint64_t skip[] = { ORB_SYS_EXIT, ORB_SYS_THREAD_EXIT, ORB_SYS_SLEEP };
		uint64_t nr = pick(8) ? pick(0x100) : junk();
		for (unsigned i = 0; i < ORB_ARRAY_SIZE(skip); i++)
			if (nr == skip[i])
				nr = ORB_SYS_NOP;
		rc = sysfuzz_raw(nr, junk(), junk(), junk(), junk(), junk(), junk());
		check(nr, rc, "garbage call");
		break;
	}
	default:
		switch (pick(4)) {
		case 0:
			check(ORB_SYS_YIELD, orb_yield(), "yield");
			break;
		case 1:
			check(ORB_SYS_SLEEP, orb_sleep(pick(100000)), "sleep");
			break;
		case 2:
			rc = orb_debug_write((void *)(uintptr_t)junk(), length());
			check(ORB_SYS_DEBUG_WRITE, rc, "debug_write");
			break;
		default:
			check(ORB_SYS_CLOCK_GET, orb_clock_get(), "clock_get");
		}
	}
}

void storm(uint64_t calls)
{
	st = sf.seed;
	orb_mem_map_out_t mapped;
	long at = orb_mem_map(0, SCRATCH, ORB_PROT_READ | ORB_PROT_WRITE, ORB_CAP_NONE, &mapped);
	if (at < 0) {
		orb_printf("sysfuzz: setup: scratch mapping failed: %ld\n", at);
		orb_exit_process(2);
	}
	scratch = (uint8_t *)(uintptr_t)at;
	for (int i = 0; i < POOL; i++)
		replace(&eps[i], orb_endpoint_create());
	for (int i = 0; i < POOL / 2; i++)
		replace(&ntfns[i], orb_notification_create());
	uint64_t next_report = calls / 10;
	while (__atomic_load_n(&sf.calls, __ATOMIC_RELAXED) < calls) {
		one();
		if (sf.calls >= next_report) {
			orb_printf("sysfuzz: %lu calls\n", (unsigned long)sf.calls);
			next_report += calls / 10;
		}
	}
}
