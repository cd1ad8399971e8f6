/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource accounting (kernel account.h, decisions D80-D82): a child's limits are charged
 * to its spawner while it lives, every object it makes is charged to it, and a child that
 * exhausts a limit is refused alone — ktest (its spawner, and the root account here) keeps
 * working. The peers run the attacks: endpoints created and their only capability
 * deleted, sends until the queues fill, threads until refused.
 */
#include "ktest.h"
#include "peer.h"

#define W ORB_RIGHT_WRITE
#define MS 1000000ull
#define KIB 1024ull

/* The kernel's entry for pid (limits and usage); 0 or -ENOENT. */
static long entry_of(uint32_t pid, orb_proc_entry_t *out)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < 64; i++) {
		if (list[i].pid == pid) {
			*out = list[i];
			return 0;
		}
	}
	return -ORB_ENOENT;
}

static long spawn_limited(orb_cptr_t ep, orb_cptr_t extra, orb_cptr_t notify,
			  const uint64_t limits[ORB_RES_COUNT])
{
	return kt_spawn_limited(ep, extra, W, notify, limits);
}

/* A peer limited to `limit` of `res` runs hog order `order`: how far it got, and why it
 * stopped; then it exits. */
static void hog(struct kt *t, unsigned res, uint64_t limit, uint64_t order, long want_count,
		long want_err)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	uint64_t limits[ORB_RES_COUNT] = { 0 };
	limits[res] = limit;
	long pid = spawn_limited(ep, ORB_CAP_NONE, ORB_CAP_NONE, limits);
	KT_TRUE(t, pid > 0);
	long r = 0;
	KT_EQ(t, kt_peer_order(ep, order, 8, &r), 0);
	orb_proc_entry_t child;
	KT_EQ(t, entry_of((uint32_t)pid, &child), 0);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &r), 0);
	orb_endpoint_destroy(ep);
	KT_EQ(t, r >> 16, want_count);
	KT_EQ(t, r & 0xffff, want_err);
	KT_EQ(t, child.usage[res], limit);   /* it used all of its own */
}

static void a_childs_limits_are_charged_to_its_spawner(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	orb_proc_entry_t before, during, after, child;
	KT_EQ(t, entry_of(orb_pid(), &before), 0);
	uint64_t limits[ORB_RES_COUNT] = { [ORB_RES_MEMORY] = 2 << 20, [ORB_RES_ENDPOINTS] = 3,
					   [ORB_RES_THREADS] = 2 };
	long pid = spawn_limited(ep, ORB_CAP_NONE, notify, limits);
	KT_TRUE(t, pid > 0);
	KT_EQ(t, entry_of((uint32_t)pid, &child), 0);
	KT_EQ(t, child.limits[ORB_RES_MEMORY], 2 << 20);
	KT_EQ(t, child.limits[ORB_RES_ENDPOINTS], 3);
	KT_EQ(t, child.limits[ORB_RES_THREADS], 2);
	KT_EQ(t, child.limits[ORB_RES_CAPS], ORB_DEFAULT_CAPS);          /* 0: the default */
	KT_EQ(t, child.limits[ORB_RES_MESSAGES], ORB_DEFAULT_MESSAGES);
	KT_EQ(t, child.limits[ORB_RES_PROCESSES], ORB_DEFAULT_PROCESSES);
	KT_EQ(t, child.usage[ORB_RES_THREADS], 1);
	KT_EQ(t, child.usage[ORB_RES_CAPS], 1);                          /* ep, in slot 0 */
	KT_TRUE(t, child.usage[ORB_RES_MEMORY] >= 32 * KIB + 8 * KIB + 64 * KIB);   /* CSpace,
											  * IPC buffer, stack */
	KT_TRUE(t, child.usage[ORB_RES_MEMORY] <= child.limits[ORB_RES_MEMORY]);
	KT_EQ(t, entry_of(orb_pid(), &during), 0);
	KT_EQ(t, during.usage[ORB_RES_PROCESSES], before.usage[ORB_RES_PROCESSES] + 1);
	KT_EQ(t, during.usage[ORB_RES_ENDPOINTS], before.usage[ORB_RES_ENDPOINTS] + 3);
	KT_EQ(t, during.usage[ORB_RES_THREADS], before.usage[ORB_RES_THREADS] + 2);
	KT_EQ(t, during.usage[ORB_RES_CAPS], before.usage[ORB_RES_CAPS] + ORB_DEFAULT_CAPS);
	KT_EQ(t, during.usage[ORB_RES_MESSAGES],   /* + the exit notice */
	      before.usage[ORB_RES_MESSAGES] + ORB_DEFAULT_MESSAGES + 1);
	KT_EQ(t, during.usage[ORB_RES_MEMORY] - before.usage[ORB_RES_MEMORY], 2 << 20);
	long r;
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &r), 0);
	uint32_t dead;
	int32_t code;
	uint8_t why;
	KT_EQ(t, kt_child_exit(notify, &dead, &code, &why), 0);
	KT_EQ(t, entry_of(orb_pid(), &after), 0);
	for (unsigned k = 0; k < ORB_RES_COUNT; k++)
		KT_EQ(t, after.usage[k], before.usage[k]);   /* all of it came back */
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

static void spawn_limits_beyond_the_budget_are_refused(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	orb_proc_entry_t me;
	KT_EQ(t, entry_of(orb_pid(), &me), 0);
	uint64_t limits[ORB_RES_COUNT] = { 0 };
	limits[ORB_RES_ENDPOINTS] = me.limits[ORB_RES_ENDPOINTS] - me.usage[ORB_RES_ENDPOINTS] + 1;
	KT_ERR(t, spawn_limited(ep, ORB_CAP_NONE, ORB_CAP_NONE, limits), ORB_ENOMEM);
	limits[ORB_RES_ENDPOINTS] = 0;
	limits[ORB_RES_MEMORY] = ORB_LIMIT_MAX + 1;
	KT_ERR(t, spawn_limited(ep, ORB_CAP_NONE, ORB_CAP_NONE, limits), ORB_EINVAL);
	orb_proc_entry_t again;
	KT_EQ(t, entry_of(orb_pid(), &again), 0);
	for (unsigned k = 0; k < ORB_RES_COUNT; k++)
		KT_EQ(t, again.usage[k], me.usage[k]);   /* a refused spawn charges nothing */
	orb_endpoint_destroy(ep);
}

/* Attack 1 of the issue: endpoints whose only capability is deleted live until their
 * owner dies; they count against the owner's limit, nobody else's. */
static void an_endpoint_hog_is_stopped_at_its_own_limit(struct kt *t)
{
	hog(t, ORB_RES_ENDPOINTS, 5, PEER_ENDPOINT_HOG, 5, ORB_ENOMEM);
	orb_cptr_t mine = kt_endpoint(NULL);   /* everyone else: unaffected */
	KT_TRUE(t, mine != ORB_CAP_NONE);
	KT_EQ(t, orb_endpoint_destroy(mine), 0);
}

/* Attack 3: a process that queues messages on its own endpoints fills only its own
 * message budget (count and bytes); sends of others still go through. */
static void a_message_hog_is_stopped_at_its_own_limits(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	uint64_t limits[ORB_RES_COUNT] = { [ORB_RES_MESSAGES] = 10, [ORB_RES_MSG_BYTES] = 1000 };
	long pid = spawn_limited(ep, ORB_CAP_NONE, ORB_CAP_NONE, limits);
	KT_TRUE(t, pid > 0);
	long r = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_SEND_HOG, 8, &r), 0);
	KT_EQ(t, r >> 16, 10);                  /* the message count stops it */
	KT_EQ(t, r & 0xffff, ORB_EAGAIN);
	orb_proc_entry_t child;
	KT_EQ(t, entry_of((uint32_t)pid, &child), 0);
	KT_EQ(t, child.usage[ORB_RES_MESSAGES], 10);
	KT_EQ(t, child.usage[ORB_RES_MSG_BYTES], 80);
	KT_EQ(t, kt_peer_order(ep, PEER_SEND_HOG, 400, &r), 0);
	KT_EQ(t, r >> 16, 0);                   /* no message left in its budget */
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &r), 0);
	orb_cptr_t mine = kt_endpoint(NULL);    /* ktest sends as before */
	KT_EQ(t, orb_endpoint_send(mine, orb_msginfo_new(0x66, 8, 0), 1, 0, 0, 0), 0);
	orb_endpoint_destroy(mine);

	limits[ORB_RES_MESSAGES] = 0;           /* now the bytes stop it: 2 × 400 < 1000 */
	pid = spawn_limited(ep, ORB_CAP_NONE, ORB_CAP_NONE, limits);
	KT_TRUE(t, pid > 0);
	KT_EQ(t, kt_peer_order(ep, PEER_SEND_HOG, 400, &r), 0);
	KT_EQ(t, r >> 16, 2);
	KT_EQ(t, r & 0xffff, ORB_EAGAIN);
	KT_EQ(t, entry_of((uint32_t)pid, &child), 0);
	KT_EQ(t, child.usage[ORB_RES_MSG_BYTES], 800);
	KT_EQ(t, child.usage[ORB_RES_MEMORY] >= 2 * 4096 + 32 * KIB, 1);   /* two frames */
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &r), 0);
	orb_endpoint_destroy(ep);
}

static void a_thread_hog_is_stopped_at_its_own_limit(struct kt *t)
{
	hog(t, ORB_RES_THREADS, 4, PEER_THREAD_HOG, 3, ORB_ENOMEM);   /* its first is one of 4 */
}

/* Notifications are charged to their creator, so its own limit stops it, not the
 * kernel's table. */
static void a_notification_hog_is_stopped_at_its_own_limit(struct kt *t)
{
	hog(t, ORB_RES_NOTIFICATIONS, 3, PEER_NOTIFICATION_HOG, 3, ORB_ENOMEM);
	long mine = orb_notification_create();   /* everyone else: unaffected */
	KT_TRUE(t, mine >= 0);
	KT_EQ(t, orb_cap_delete((orb_cptr_t)mine), 0);
}

/* A CSpace holds 256 slots; the caps limit stops a process before its own is full, and
 * each slot it fills is one of its own limit (the peer starts with its endpoint). */
static void a_capability_hog_is_stopped_at_its_own_limit(struct kt *t)
{
	hog(t, ORB_RES_CAPS, 6, PEER_CAP_HOG, 5, ORB_ENOMEM);
}

/* Mapped pages and the page tables behind them are charged: a process mapping 64 KiB
 * regions stops within its memory limit, all of it used but for less than one region
 * and its tables. */
static void a_memory_hog_is_stopped_at_its_own_limit(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	uint64_t limits[ORB_RES_COUNT] = { [ORB_RES_MEMORY] = 1024 * KIB };
	long pid = spawn_limited(ep, ORB_CAP_NONE, ORB_CAP_NONE, limits);
	KT_TRUE(t, pid > 0);
	orb_proc_entry_t before, after;
	KT_EQ(t, entry_of((uint32_t)pid, &before), 0);
	long r = 0, done = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_MEMORY_HOG, 0, &r), 0);
	KT_EQ(t, entry_of((uint32_t)pid, &after), 0);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &done), 0);
	orb_endpoint_destroy(ep);
	long count = r >> 16;
	KT_EQ(t, r & 0xffff, ORB_ENOMEM);
	KT_TRUE(t, count >= 4);   /* it had room for some */
	KT_EQ(t, after.limits[ORB_RES_MEMORY], 1024 * KIB);
	KT_TRUE(t, after.usage[ORB_RES_MEMORY] <= 1024 * KIB);
	KT_TRUE(t, after.usage[ORB_RES_MEMORY] >= before.usage[ORB_RES_MEMORY] +
						   (uint64_t)count * 64 * KIB);
	KT_TRUE(t, 1024 * KIB - after.usage[ORB_RES_MEMORY] < 64 * KIB + 5 * 4096);
	/* ktest maps as before */
	orb_mem_map_out_t out;
	long va = (long)orb_mem_map(0, 64 * KIB, ORB_PROT_READ | ORB_PROT_WRITE, ORB_CAP_NONE,
				    &out);
	KT_TRUE(t, va > 0);
	KT_EQ(t, orb_mem_unmap((uint64_t)va, 64 * KIB), 0);
}

static void a_shared_memory_hog_is_stopped_at_its_own_limit(struct kt *t)
{
	hog(t, ORB_RES_SHM, 3, PEER_SHM_HOG, 3, ORB_ENOMEM);
}

/* A shared object outlives its creator while someone holds it: its charge (one object,
 * its pages and their frame array) moves to the creator's spawner. */
static void a_shared_object_of_a_dead_creator_is_charged_to_its_spawner(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), inbox = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = spawn_limited(ep, inbox, notify, NULL);
	KT_TRUE(t, pid > 0);
	long r = 0;
	orb_proc_entry_t child, before, after;
	KT_EQ(t, kt_peer_order(ep, PEER_SHM_GIVE, 16 * 4096, &r), 0);
	KT_EQ(t, r, 0);
	KT_EQ(t, entry_of((uint32_t)pid, &child), 0);
	KT_EQ(t, child.usage[ORB_RES_SHM], 1);
	KT_EQ(t, entry_of(orb_pid(), &before), 0);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &r), 0);
	uint32_t dead;
	int32_t code;
	uint8_t why;
	KT_EQ(t, kt_child_exit(notify, &dead, &code, &why), 0);
	orb_msg_t m;
	KT_EQ(t, orb_try_recv(inbox, &m), 0);
	KT_EQ(t, m.tag, 0x79);
	KT_EQ(t, m.ncaps, 1);
	KT_EQ(t, entry_of(orb_pid(), &after), 0);
	/* its reservation came back, its one object is ours now: 16 pages and a page array */
	KT_EQ(t, after.usage[ORB_RES_SHM] + ORB_DEFAULT_SHM, before.usage[ORB_RES_SHM] + 1);
	KT_EQ(t, after.usage[ORB_RES_MEMORY] + ORB_DEFAULT_MEMORY,
	      before.usage[ORB_RES_MEMORY] + 17 * 4096);
	KT_EQ(t, orb_cap_delete(m.caps[0]), 0);   /* the last holder: the object goes */
	KT_EQ(t, entry_of(orb_pid(), &after), 0);
	KT_EQ(t, after.usage[ORB_RES_SHM] + ORB_DEFAULT_SHM, before.usage[ORB_RES_SHM]);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(inbox);
	orb_endpoint_destroy(notify);
}

/* Messages queued by a process that dies stay queued; their charge moves to the dead
 * process's spawner until they are received. */
static void queued_messages_of_a_dead_sender_are_charged_to_its_spawner(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), inbox = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	orb_proc_entry_t before, after;
	long pid = spawn_limited(ep, inbox, notify, NULL);
	KT_TRUE(t, pid > 0);
	long r = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_SEND_N, 5, &r), 0);
	KT_EQ(t, r, 0);
	KT_EQ(t, entry_of(orb_pid(), &before), 0);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &r), 0);
	uint32_t dead;
	int32_t code;
	uint8_t why;
	KT_EQ(t, kt_child_exit(notify, &dead, &code, &why), 0);
	KT_EQ(t, entry_of(orb_pid(), &after), 0);
	/* the child's reservation (its default 32 messages) and our notice are back; its
	 * five queued messages are ours to pay now */
	KT_EQ(t, after.usage[ORB_RES_MESSAGES] + ORB_DEFAULT_MESSAGES + 1,
	      before.usage[ORB_RES_MESSAGES] + 5);
	orb_endpoint_receive_out_t o;
	for (int i = 0; i < 5; i++) {
		KT_EQ(t, orb_endpoint_receive(inbox, &o), orb_msginfo_new(0x78, 8, 0));
		KT_EQ(t, o.mr0, i);
		KT_EQ(t, o.sender, pid);
	}
	KT_EQ(t, entry_of(orb_pid(), &after), 0);
	KT_EQ(t, after.usage[ORB_RES_MESSAGES] + ORB_DEFAULT_MESSAGES + 1,
	      before.usage[ORB_RES_MESSAGES]);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(inbox);
	orb_endpoint_destroy(notify);
}

/* D29's guarantee without a pool to drain: the notice is paid at spawn and delivered past
 * a full queue. */
static void an_exit_notice_gets_through_a_full_queue(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = spawn_limited(ep, ORB_CAP_NONE, notify, NULL);
	KT_TRUE(t, pid > 0);
	KT_EQ(t, orb_endpoint_limit(notify, 1), 0);
	KT_EQ(t, orb_endpoint_send(notify, orb_msginfo_new(0x66, 8, 0), 1, 0, 0, 0), 0);
	KT_ERR(t, orb_endpoint_send(notify, orb_msginfo_new(0x66, 8, 0), 2, 0, 0, 0), ORB_EAGAIN);
	long r;
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 3, &r), 0);
	orb_sleep_ms(20);
	orb_endpoint_receive_out_t o;
	KT_EQ(t, orb_endpoint_receive(notify, &o), orb_msginfo_new(0x66, 8, 0));
	uint32_t dead;
	int32_t code;
	uint8_t why;
	KT_EQ(t, kt_child_exit(notify, &dead, &code, &why), 0);
	KT_EQ(t, dead, pid);
	KT_EQ(t, code, 3);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

const struct kcase kt_account_cases[] = {
	{ "a_childs_limits_are_charged_to_its_spawner",
	  a_childs_limits_are_charged_to_its_spawner },
	{ "spawn_limits_beyond_the_budget_are_refused",
	  spawn_limits_beyond_the_budget_are_refused },
	{ "an_endpoint_hog_is_stopped_at_its_own_limit",
	  an_endpoint_hog_is_stopped_at_its_own_limit },
	{ "a_message_hog_is_stopped_at_its_own_limits", a_message_hog_is_stopped_at_its_own_limits },
	{ "a_thread_hog_is_stopped_at_its_own_limit", a_thread_hog_is_stopped_at_its_own_limit },
	{ "queued_messages_of_a_dead_sender_are_charged_to_its_spawner",
	  queued_messages_of_a_dead_sender_are_charged_to_its_spawner },
	{ "an_exit_notice_gets_through_a_full_queue", an_exit_notice_gets_through_a_full_queue },
	{ "a_shared_memory_hog_is_stopped_at_its_own_limit",
	  a_shared_memory_hog_is_stopped_at_its_own_limit },
	{ "a_notification_hog_is_stopped_at_its_own_limit",
	  a_notification_hog_is_stopped_at_its_own_limit },
	{ "a_capability_hog_is_stopped_at_its_own_limit",
	  a_capability_hog_is_stopped_at_its_own_limit },
	{ "a_memory_hog_is_stopped_at_its_own_limit", a_memory_hog_is_stopped_at_its_own_limit },
	{ "a_shared_object_of_a_dead_creator_is_charged_to_its_spawner",
	  a_shared_object_of_a_dead_creator_is_charged_to_its_spawner },
};
const size_t kt_account_count = ORB_ARRAY_SIZE(kt_account_cases);
