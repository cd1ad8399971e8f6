/* SPDX-License-Identifier: Apache-2.0 */
/* Endpoints and notifications: delivery, ordering, limits, sender stamping, capability
 * transfer, blocking, timeouts, and peers that go away. */
#include "ktest.h"

#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE
#define G ORB_RIGHT_GRANT
#define MS 1000000ull
#define PRIO 64

static long info(uint32_t tag, uint32_t len, uint32_t ncaps)
{
	return (long)orb_msginfo_new(tag, len, ncaps);
}

static void send_and_receive_a_short_message(struct kt *t)
{
	uint64_t id;
	orb_cptr_t ep = kt_endpoint(&id);
	KT_TRUE(t, ep != ORB_CAP_NONE && id > 0);
	KT_EQ(t, orb_endpoint_send(ep, info(0x1234, 32, 0), 1, 2, 3, 4), 0);
	orb_endpoint_receive_out_t o;
	long got = orb_endpoint_receive(ep, &o);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)got), 0x1234);
	KT_EQ(t, orb_msginfo_get_len((uint64_t)got), 32);
	KT_EQ(t, o.mr0, 1);
	KT_EQ(t, o.mr3, 4);
	KT_EQ(t, o.sender, orb_pid());
	KT_EQ(t, o.badge, 0);
	KT_EQ(t, orb_ipcbuf()->sender, orb_pid());
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void receive_on_empty_is_eagain(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	KT_ERR(t, orb_endpoint_receive(ep, NULL), ORB_EAGAIN);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void receive_wait_times_out(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	uint64_t t0 = orb_now_ns();
	KT_ERR(t, orb_endpoint_receive_wait(ep, 20 * MS, NULL), ORB_ETIMEDOUT);
	KT_TRUE(t, orb_now_ns() - t0 >= 20 * MS);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void messages_arrive_in_fifo_order(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	for (uint32_t i = 1; i <= 5; i++)
		KT_EQ(t, orb_endpoint_send(ep, info(i, 8, 0), i * 10, 0, 0, 0), 0);
	for (uint32_t i = 1; i <= 5; i++) {
		orb_endpoint_receive_out_t o;
		long got = orb_endpoint_receive(ep, &o);
		KT_EQ(t, orb_msginfo_get_tag((uint64_t)got), i);
		KT_EQ(t, o.mr0, i * 10);
	}
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void queue_is_bounded_at_256(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	for (int i = 0; i < 256; i++)
		KT_EQ(t, orb_endpoint_send(ep, info(7, 0, 0), 0, 0, 0, 0), 0);
	KT_ERR(t, orb_endpoint_send(ep, info(7, 0, 0), 0, 0, 0, 0), ORB_EAGAIN);
	KT_TRUE(t, orb_endpoint_receive(ep, NULL) >= 0);
	KT_EQ(t, orb_endpoint_send(ep, info(7, 0, 0), 0, 0, 0, 0), 0);   /* room again */
	KT_EQ(t, orb_endpoint_destroy(ep), 0);                            /* drops the rest */
}

static void an_owner_can_limit_its_queue(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long w = orb_cap_derive(ep, W, 0, 0);
	KT_ERR(t, orb_endpoint_limit(ep, 257), ORB_EINVAL);
	KT_ERR(t, orb_endpoint_limit(KT_CONSOLE_CAP, 3), ORB_EBADF);
	KT_EQ(t, orb_endpoint_limit(ep, 3), 0);
	for (int i = 0; i < 3; i++)
		KT_EQ(t, orb_endpoint_send((orb_cptr_t)w, info(7, 0, 0), 0, 0, 0, 0), 0);
	KT_ERR(t, orb_endpoint_send((orb_cptr_t)w, info(7, 0, 0), 0, 0, 0, 0), ORB_EAGAIN);
	KT_EQ(t, orb_endpoint_limit(ep, 0), 0);   /* back to the default */
	KT_EQ(t, orb_endpoint_send((orb_cptr_t)w, info(7, 0, 0), 0, 0, 0, 0), 0);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void long_messages_go_through_the_ipc_buffer(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	orb_ipc_buffer_t *b = orb_ipcbuf();
	for (int i = 0; i < 4096; i++)
		b->data[i] = (uint8_t)(i * 7 + 3);
	KT_EQ(t, orb_endpoint_send(ep, info(9, 4096, 0), 0, 0, 0, 0), 0);
	memset(b->data, 0, 4096);
	long got = orb_endpoint_receive(ep, NULL);
	KT_EQ(t, orb_msginfo_get_len((uint64_t)got), 4096);
	for (int i = 0; i < 4096; i++)
		KT_EQ(t, b->data[i], (uint8_t)(i * 7 + 3));
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void bad_msginfo_is_einval(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	KT_ERR(t, orb_endpoint_send(ep, info(1, 4097, 0), 0, 0, 0, 0), ORB_EINVAL);
	KT_ERR(t, orb_endpoint_send(ep, info(1, 0, 9), 0, 0, 0, 0), ORB_EINVAL);
	KT_ERR(t, orb_endpoint_send(ep, (uint64_t)info(1, 0, 0) | (1ull << 60), 0, 0, 0, 0),
	       ORB_EINVAL);
	KT_ERR(t, orb_endpoint_call(ep, info(1, 5000, 0), 0, 0, 0, 0, NULL), ORB_EINVAL);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void send_needs_write_and_receive_needs_read(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long ro = orb_cap_derive(ep, R, 0, 0), wo = orb_cap_derive(ep, W, 0, 0);
	KT_ERR(t, orb_endpoint_send((orb_cptr_t)ro, info(1, 0, 0), 0, 0, 0, 0), ORB_EPERM);
	KT_ERR(t, orb_endpoint_call((orb_cptr_t)ro, info(1, 0, 0), 0, 0, 0, 0, NULL), ORB_EPERM);
	KT_ERR(t, orb_endpoint_receive((orb_cptr_t)wo, NULL), ORB_EPERM);
	KT_ERR(t, orb_endpoint_receive_wait((orb_cptr_t)wo, 1, NULL), ORB_EPERM);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void the_badge_of_the_capability_used_is_stamped(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long badged = orb_cap_derive(ep, W, 0xB00B1E5, 0);
	KT_EQ(t, orb_endpoint_send((orb_cptr_t)badged, info(3, 0, 0), 0, 0, 0, 0), 0);
	orb_endpoint_receive_out_t o;
	KT_TRUE(t, orb_endpoint_receive(ep, &o) >= 0);
	KT_EQ(t, o.badge, 0xB00B1E5);
	KT_EQ(t, orb_ipcbuf()->badge, 0xB00B1E5);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void forged_sender_fields_are_overwritten(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	orb_ipc_buffer_t *b = orb_ipcbuf();
	b->sender = 999;
	b->badge = 777;
	/* a long message, so the kernel copies the buffer: the stamps still win */
	KT_EQ(t, orb_endpoint_send(ep, info(4, 100, 0), 999, 777, 0, 0), 0);
	orb_endpoint_receive_out_t o;
	KT_TRUE(t, orb_endpoint_receive(ep, &o) >= 0);
	KT_EQ(t, o.sender, orb_pid());
	KT_EQ(t, o.badge, 0);
	KT_EQ(t, b->sender, orb_pid());
	KT_EQ(t, b->badge, 0);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

/* A server thread: answers each call with tag + 1 and mr0..mr3 doubled. */
static volatile orb_cptr_t server_ep;
static volatile int server_calls, server_result;

static void server(void *arg)
{
	int n = (int)(intptr_t)arg;
	orb_endpoint_receive_wait_out_t o;
	long in = orb_endpoint_receive_wait(server_ep, 2000 * MS, &o);
	for (int i = 0; i < n && in >= 0; i++) {
		server_calls++;
		orb_endpoint_reply_recv_out_t r;
		in = orb_endpoint_reply_recv(server_ep, info(orb_msginfo_get_tag((uint64_t)in) + 1, 32, 0),
					     o.mr0 * 2, o.mr1 * 2, o.mr2 * 2, o.mr3 * 2, &r);
		o.mr0 = r.mr0, o.mr1 = r.mr1, o.mr2 = r.mr2, o.mr3 = r.mr3;
	}
	server_result = (int)in;
}

static void call_and_reply_between_threads(struct kt *t)
{
	server_ep = kt_endpoint(NULL);
	server_calls = 0;
	long tid = orb_thread_start(server, (void *)(intptr_t)100, PRIO);
	KT_TRUE(t, tid > 0);
	for (uint64_t i = 0; i < 100; i++) {
		orb_endpoint_call_out_t o;
		long r = orb_endpoint_call(server_ep, info(0x500, 32, 0), i, i + 1, i + 2, i + 3, &o);
		KT_EQ(t, orb_msginfo_get_tag((uint64_t)r), 0x501);
		KT_EQ(t, o.mr0, 2 * i);
		KT_EQ(t, o.mr3, 2 * (i + 3));
		KT_EQ(t, o.sender, orb_pid());
		KT_EQ(t, o.badge, 0);
	}
	KT_EQ(t, orb_endpoint_destroy(server_ep), 0);   /* server blocked in receive: EDEAD */
	orb_thread_join_out_t j;
	KT_EQ(t, orb_thread_join((uint64_t)tid, &j), 0);
	KT_EQ(t, server_calls, 100);
	KT_EQ(t, server_result, -ORB_EDEAD);
}

static void reply_with_no_caller_is_enoent(struct kt *t)
{
	KT_ERR(t, orb_endpoint_reply(info(1, 0, 0), 0, 0, 0, 0), ORB_ENOENT);
}

static void long_call_and_reply(struct kt *t)
{
	server_ep = kt_endpoint(NULL);
	long tid = orb_thread_start(server, (void *)(intptr_t)1, PRIO);
	orb_ipc_buffer_t *b = orb_ipcbuf();
	memset(b->data, 0xAB, 300);
	orb_endpoint_call_out_t o;
	long r = orb_endpoint_call(server_ep, info(0x600, 300, 0), 1, 2, 3, 4, &o);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)r), 0x601);   /* the slow path, same answer */
	KT_EQ(t, o.mr1, 4);
	KT_EQ(t, orb_endpoint_destroy(server_ep), 0);
	orb_thread_join((uint64_t)tid, NULL);
}

static void capabilities_move_with_a_message(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long a = orb_cap_derive(KT_CONSOLE_CAP, R | W | G, 0, 0);
	long c = orb_cap_derive(KT_CONSOLE_CAP, R | G, 0, 0);
	orb_ipc_buffer_t *b = orb_ipcbuf();
	b->send_caps[0] = (uint32_t)a;
	b->send_caps[1] = (uint32_t)c;
	b->recv_slots[0] = 200;
	b->recv_slots[1] = ORB_CAP_NONE;
	KT_EQ(t, orb_endpoint_send(ep, info(5, 0, 2), 0, 0, 0, 0), 0);
	KT_ERR(t, kt_rights((orb_cptr_t)a), ORB_ESTALE);    /* moved out at send */
	long got = orb_endpoint_receive(ep, NULL);
	KT_EQ(t, orb_msginfo_get_ncaps((uint64_t)got), 2);
	KT_EQ(t, orb_cptr_get_slot(b->recv_caps[0]), 200);  /* where we asked */
	KT_EQ(t, kt_rights(b->recv_caps[0]), R | W | G);
	KT_EQ(t, kt_rights(b->recv_caps[1]), R | G);
	KT_EQ(t, orb_cap_delete(b->recv_caps[0]), 0);
	KT_EQ(t, orb_cap_delete(b->recv_caps[1]), 0);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void a_sender_can_narrow_what_it_hands_over(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long c = orb_cap_derive(KT_CONSOLE_CAP, R | W | G, 0, 0);
	orb_ipc_buffer_t *b = orb_ipcbuf();
	b->send_caps[0] = (uint32_t)c;
	b->send_rights[0] = R;                 /* the receiver gets read only */
	b->recv_slots[0] = ORB_CAP_NONE;
	KT_EQ(t, orb_endpoint_send(ep, info(5, 0, 1), 0, 0, 0, 0), 0);
	b->send_rights[0] = 0;
	long got = orb_endpoint_receive(ep, NULL);
	KT_EQ(t, orb_msginfo_get_ncaps((uint64_t)got), 1);
	KT_EQ(t, kt_rights(b->recv_caps[0]), R);
	KT_EQ(t, orb_cap_delete(b->recv_caps[0]), 0);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void transfer_needs_grant_and_is_all_or_nothing(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long good = orb_cap_derive(KT_CONSOLE_CAP, R | G, 0, 0);
	long nog = orb_cap_derive(KT_CONSOLE_CAP, R, 0, 0);
	orb_ipc_buffer_t *b = orb_ipcbuf();
	b->send_caps[0] = (uint32_t)good;
	b->send_caps[1] = (uint32_t)nog;
	KT_ERR(t, orb_endpoint_send(ep, info(5, 0, 2), 0, 0, 0, 0), ORB_EPERM);
	KT_EQ(t, kt_rights((orb_cptr_t)good), R | G);       /* nothing moved */
	b->send_caps[1] = (uint32_t)good;
	KT_ERR(t, orb_endpoint_send(ep, info(5, 0, 2), 0, 0, 0, 0), ORB_EINVAL);   /* twice */
	b->send_caps[1] = 4000;   /* no such slot */
	KT_ERR(t, orb_endpoint_send(ep, info(5, 0, 2), 0, 0, 0, 0), ORB_EBADF);
	KT_EQ(t, kt_rights((orb_cptr_t)good), R | G);
	KT_ERR(t, orb_endpoint_receive(ep, NULL), ORB_EAGAIN);
	orb_cap_delete((orb_cptr_t)good);
	orb_cap_delete((orb_cptr_t)nog);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void eight_caps_and_4096_bytes(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	orb_ipc_buffer_t *b = orb_ipcbuf();
	for (int i = 0; i < 8; i++) {
		long c = orb_cap_derive(KT_CONSOLE_CAP, R | G, 0, 0);
		KT_TRUE(t, c >= 0);
		b->send_caps[i] = (uint32_t)c;
		b->recv_slots[i] = ORB_CAP_NONE;
	}
	for (int i = 0; i < 4096; i++)
		b->data[i] = (uint8_t)(255 - i);
	KT_EQ(t, orb_endpoint_send(ep, info(8, 4096, 8), 0, 0, 0, 0), 0);
	memset(b->data, 0, 4096);
	long got = orb_endpoint_receive(ep, NULL);
	KT_EQ(t, orb_msginfo_get_ncaps((uint64_t)got), 8);
	KT_EQ(t, orb_msginfo_get_len((uint64_t)got), 4096);
	KT_EQ(t, b->data[4095], (uint8_t)(255 - 4095));
	for (int i = 0; i < 8; i++)
		KT_EQ(t, orb_cap_delete(b->recv_caps[i]), 0);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void a_capability_revoked_in_flight_does_not_arrive(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long parent = orb_cap_derive(KT_CONSOLE_CAP, R | G, 0, 0);
	long child = orb_cap_derive((orb_cptr_t)parent, R | G, 0, 0);
	orb_ipcbuf()->send_caps[0] = (uint32_t)child;
	orb_ipcbuf()->recv_slots[0] = ORB_CAP_NONE;
	KT_EQ(t, orb_endpoint_send(ep, info(6, 0, 1), 0, 0, 0, 0), 0);
	KT_EQ(t, orb_cap_revoke((orb_cptr_t)parent), 0);   /* reaches it inside the queue */
	long got = orb_endpoint_receive(ep, NULL);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)got), 6);
	KT_EQ(t, orb_msginfo_get_ncaps((uint64_t)got), 0);
	orb_cap_delete((orb_cptr_t)parent);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static volatile long blocked_result;
static volatile orb_cptr_t blocked_ep;

static void block_receiving(void *arg)
{
	(void)arg;
	blocked_result = orb_endpoint_receive_wait(blocked_ep, 0, NULL);
}

static void block_calling(void *arg)
{
	(void)arg;
	blocked_result = orb_endpoint_call(blocked_ep, info(1, 0, 0), 0, 0, 0, 0, NULL);
}

static void destroying_an_endpoint_wakes_its_receiver(struct kt *t)
{
	blocked_ep = kt_endpoint(NULL);
	blocked_result = 0;
	long tid = orb_thread_start(block_receiving, NULL, PRIO);
	orb_sleep_ms(20);
	KT_EQ(t, orb_endpoint_destroy(blocked_ep), 0);
	orb_thread_join((uint64_t)tid, NULL);
	KT_EQ(t, blocked_result, -ORB_EDEAD);
}

static void destroying_an_endpoint_wakes_its_callers(struct kt *t)
{
	blocked_ep = kt_endpoint(NULL);
	blocked_result = 0;
	long tid = orb_thread_start(block_calling, NULL, PRIO);
	orb_sleep_ms(20);
	KT_EQ(t, orb_endpoint_destroy(blocked_ep), 0);
	orb_thread_join((uint64_t)tid, NULL);
	KT_EQ(t, blocked_result, -ORB_EDEAD);
}

static void quit_without_reply(void *arg)
{
	(void)arg;
	orb_endpoint_receive_wait(blocked_ep, 0, NULL);   /* takes the call, then dies */
}

static void a_server_that_dies_wakes_its_caller(struct kt *t)
{
	blocked_ep = kt_endpoint(NULL);
	long tid = orb_thread_start(quit_without_reply, NULL, PRIO);
	orb_sleep_ms(10);
	KT_ERR(t, orb_endpoint_call(blocked_ep, info(1, 8, 0), 5, 0, 0, 0, NULL), ORB_EDEAD);
	orb_thread_join((uint64_t)tid, NULL);
	KT_EQ(t, orb_endpoint_destroy(blocked_ep), 0);
}

static void destroy_needs_the_owner_and_removes_caps(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long w = orb_cap_derive(ep, W, 0, 0);
	KT_ERR(t, orb_endpoint_destroy(KT_CONSOLE_CAP), ORB_EBADF);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
	KT_ERR(t, orb_endpoint_send((orb_cptr_t)w, info(1, 0, 0), 0, 0, 0, 0), ORB_ESTALE);
	KT_ERR(t, orb_endpoint_destroy(ep), ORB_ESTALE);
}

static orb_cptr_t ntfn_new(void)
{
	long n = orb_notification_create();
	return n < 0 ? ORB_CAP_NONE : (orb_cptr_t)n;
}

static void notification_bits_accumulate(struct kt *t)
{
	orb_cptr_t n = ntfn_new();
	KT_EQ(t, kt_rights(n), R | W | G);
	KT_EQ(t, orb_notification_signal(n, 1), 0);
	KT_EQ(t, orb_notification_signal(n, 4), 0);
	KT_EQ(t, orb_notification_signal(n, 1), 0);
	KT_EQ(t, orb_notification_wait(n, 0), 5);          /* coalesced, not counted */
	KT_EQ(t, orb_notification_poll(n), 0);             /* and cleared */
	KT_EQ(t, orb_cap_delete(n), 0);
}

static volatile orb_cptr_t waiter_ntfn;
static volatile long waiter_bits;

static void notification_waiter(void *arg)
{
	(void)arg;
	waiter_bits = orb_notification_wait(waiter_ntfn, 2000 * MS);
}

static void notification_wait_blocks_until_signalled(struct kt *t)
{
	waiter_ntfn = ntfn_new();
	waiter_bits = 0;
	long tid = orb_thread_start(notification_waiter, NULL, PRIO);
	orb_sleep_ms(20);
	KT_EQ(t, waiter_bits, 0);
	KT_EQ(t, orb_notification_signal(waiter_ntfn, 0x40), 0);
	orb_thread_join((uint64_t)tid, NULL);
	KT_EQ(t, waiter_bits, 0x40);
	KT_EQ(t, orb_cap_delete(waiter_ntfn), 0);
}

static void notification_wait_times_out(struct kt *t)
{
	orb_cptr_t n = ntfn_new();
	KT_ERR(t, orb_notification_wait(n, 15 * MS), ORB_ETIMEDOUT);
	KT_EQ(t, orb_cap_delete(n), 0);
}

static void notification_checks_rights_and_bits(struct kt *t)
{
	orb_cptr_t n = ntfn_new();
	long wo = orb_cap_derive(n, W, 0, 0), ro = orb_cap_derive(n, R, 0, 0);
	KT_ERR(t, orb_notification_signal(n, 1ull << 63), ORB_EINVAL);
	KT_ERR(t, orb_notification_wait((orb_cptr_t)wo, 1), ORB_EPERM);
	KT_ERR(t, orb_notification_poll((orb_cptr_t)wo), ORB_EPERM);
	KT_ERR(t, orb_notification_signal((orb_cptr_t)ro, 1), ORB_EPERM);
	KT_EQ(t, orb_notification_signal((orb_cptr_t)wo, 2), 0);
	KT_EQ(t, orb_notification_poll((orb_cptr_t)ro), 2);
	orb_cap_delete((orb_cptr_t)wo);
	orb_cap_delete((orb_cptr_t)ro);
	KT_EQ(t, orb_cap_delete(n), 0);
}

const struct kcase kt_ipc_cases[] = {
	{ "send_and_receive_a_short_message", send_and_receive_a_short_message },
	{ "receive_on_empty_is_eagain", receive_on_empty_is_eagain },
	{ "receive_wait_times_out", receive_wait_times_out },
	{ "messages_arrive_in_fifo_order", messages_arrive_in_fifo_order },
	{ "queue_is_bounded_at_256", queue_is_bounded_at_256 },
	{ "an_owner_can_limit_its_queue", an_owner_can_limit_its_queue },
	{ "long_messages_go_through_the_ipc_buffer", long_messages_go_through_the_ipc_buffer },
	{ "bad_msginfo_is_einval", bad_msginfo_is_einval },
	{ "send_needs_write_and_receive_needs_read", send_needs_write_and_receive_needs_read },
	{ "the_badge_of_the_capability_used_is_stamped", the_badge_of_the_capability_used_is_stamped },
	{ "forged_sender_fields_are_overwritten", forged_sender_fields_are_overwritten },
	{ "call_and_reply_between_threads", call_and_reply_between_threads },
	{ "reply_with_no_caller_is_enoent", reply_with_no_caller_is_enoent },
	{ "long_call_and_reply", long_call_and_reply },
	{ "capabilities_move_with_a_message", capabilities_move_with_a_message },
	{ "a_sender_can_narrow_what_it_hands_over", a_sender_can_narrow_what_it_hands_over },
	{ "transfer_needs_grant_and_is_all_or_nothing", transfer_needs_grant_and_is_all_or_nothing },
	{ "eight_caps_and_4096_bytes", eight_caps_and_4096_bytes },
	{ "a_capability_revoked_in_flight_does_not_arrive", a_capability_revoked_in_flight_does_not_arrive },
	{ "destroying_an_endpoint_wakes_its_receiver", destroying_an_endpoint_wakes_its_receiver },
	{ "destroying_an_endpoint_wakes_its_callers", destroying_an_endpoint_wakes_its_callers },
	{ "a_server_that_dies_wakes_its_caller", a_server_that_dies_wakes_its_caller },
	{ "destroy_needs_the_owner_and_removes_caps", destroy_needs_the_owner_and_removes_caps },
	{ "notification_bits_accumulate", notification_bits_accumulate },
	{ "notification_wait_blocks_until_signalled", notification_wait_blocks_until_signalled },
	{ "notification_wait_times_out", notification_wait_times_out },
	{ "notification_checks_rights_and_bits", notification_checks_rights_and_bits },
};
const size_t kt_ipc_count = ORB_ARRAY_SIZE(kt_ipc_cases);
