/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load: `threads` worker threads call ECHO {seq} for seq = 0..total-1 (worker t takes
 * t, t + threads, ...) with orb_request, the helper that calls again while echo restarts.
 * For every answer they check that it is an ECHO_RESPONSE for the same seq and record its
 * version and pid, and the order in which answers arrived. With `crash_every`, the worker
 * about to call seq ≡ crash_every/2 (mod crash_every) first crashes echo with a CRASH
 * call: echo dies holding it, so that call must fail with -EDEAD, and is not retried.
 * With `slow_seq`, that call is sent with ECHO_SLOW: echo holds it a while before
 * answering. Counters shared with the main thread are read and written atomically.
 */
#include "client.h"

#define ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_ACQ_REL)
#define GET(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)

struct worker {
	struct load *l;
	uint32_t first;
};

static struct worker workers[4];

static void call_one(struct load *l, uint32_t seq)
{
	uint8_t buf[8];
	uint64_t wire = seq == l->slow_seq && seq ? seq | ECHO_SLOW : seq;
	orb_msg_echo_t q = { .seq = wire };
	long n = orb_msg_echo_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	long rc = orb_request(l->ep, ORB_MSG_ECHO, buf, (size_t)n, &reply);
	orb_msg_echo_response_t r;
	if (rc < 0) {
		if (ADD(&l->errors, 1) == 1)
			l->first_error = rc;
	} else if (reply.tag != ORB_MSG_ECHO_RESPONSE ||
		   orb_msg_echo_response_decode(reply.data, reply.len, &r) < 0 || r.seq != wire) {
		ADD(&l->mismatches, 1);
	} else {
		l->answers[seq]++;
		l->version[seq] = r.version;
		l->pid[seq] = r.pid;
		l->order[ADD(&l->done, 1) - 1] = seq;
		if (l->ntfn != ORB_CAP_NONE && GET(&l->done) == l->notify_at)
			orb_notification_signal(l->ntfn, 1);
		return;
	}
	ADD(&l->done, 1);
}

static void crash_echo(struct load *l)
{
	orb_msg_t reply;
	long rc = orb_call(l->ep, ORB_MSG_CRASH, NULL, 0, NULL, 0, &reply);
	ADD(&l->crashes, 1);
	if (rc == -ORB_EDEAD)
		ADD(&l->crash_edead, 1);
}

static void work(void *arg)
{
	struct worker *w = arg;
	struct load *l = w->l;
	for (uint32_t seq = w->first; seq < l->total; seq += l->threads) {
		if (l->crash_every && seq % l->crash_every == l->crash_every / 2)
			crash_echo(l);
		call_one(l, seq);
	}
	ADD(&l->exited, 1);
}

long load_start(struct load *l)
{
	if (l->total > LOAD_MAX || !l->threads || l->threads > ORB_ARRAY_SIZE(workers))
		return -ORB_EINVAL;
	for (uint32_t t = 0; t < l->threads; t++) {
		workers[t] = (struct worker){ .l = l, .first = t };
		long rc = orb_thread_start(work, &workers[t], client_priority());
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Wait (polling) until every worker has finished; false after timeout_ms. */
bool load_finish(struct load *l, uint64_t timeout_ms)
{
	for (uint64_t waited = 0; waited < timeout_ms; waited += 10) {
		if (GET(&l->exited) == l->threads)
			return true;
		orb_sleep_ms(10);
	}
	return false;
}

uint32_t load_answered_once(const struct load *l)
{
	uint32_t n = 0;
	for (uint32_t s = 0; s < l->total; s++)
		n += l->answers[s] == 1;
	return n;
}
