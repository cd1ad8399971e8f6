/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attack 3 of issue 9: queue messages nobody receives. Before per-process accounting the
 * kernel had one pool of 2048 buffered messages: one process queued 12 x 256 on endpoints
 * of its own and then everyone's sends failed with EAGAIN, and a kernel exit notice that
 * found no waiting receiver was dropped. Now a queued message is charged to its sender
 * (count, payload bytes and frames), so the flood is refused with EAGAIN at the sender's
 * own `msg_bytes` and `messages` limits; and an exit notice is paid for when the child
 * is spawned, so it reaches its endpoint however full that is.
 */
#include <orbital/messages.h>

#include "attack.h"

#define TAG 0x6057
#define BIG 4000u            /* payload of the first flood: it ends at msg_bytes */
#define SMALL 8u             /* of the second: it ends at messages */
#define ENDPOINTS 12u        /* the 12 endpoints ... */
#define SENDS_MAX 100000u    /* ... x 256 messages, and far more */
#define CHILDREN 4u
#define QUEUE 2u             /* the notices' endpoint takes 2 messages */
#define WAIT_MS 10000u

static uint8_t payload[ORB_MAX_MSG_SIZE];

/* Sends of len bytes on ep until one is refused: how many went; *err why they stopped. */
static unsigned flood(orb_cptr_t ep, size_t len, long *err)
{
	*err = 0;
	for (unsigned n = 0; n < SENDS_MAX; n++) {
		long rc = orb_send(ep, TAG, payload, len, NULL, 0);
		if (rc < 0) {
			*err = rc;
			return n;
		}
	}
	return SENDS_MAX;
}

static const char *why(long err)
{
	return err ? orb_errno_name(-err) : "never refused";
}

bool attack_messages(void)
{
	memset(payload, 0x5a, sizeof(payload));
	orb_cptr_t first;
	long rc = orb_ep_create(&first);
	if (rc < 0) {
		orb_printf("hostile: messages: no endpoint: %s\n", orb_errno_name(-rc));
		return false;
	}
	long big_err, small_err = 0;
	unsigned big = flood(first, BIG, &big_err), small = 0, eps = 1;
	orb_proc_entry_t mid, end;
	if (orb_self_entry(&mid) < 0)
		return false;
	/* Then small messages, spread over fresh endpoints as the attacker did, until
	 * a fresh endpoint's first send is refused too: the sender is out, not the queue. */
	for (unsigned n = 1; n && eps < ENDPOINTS; eps++) {
		orb_cptr_t ep;
		if (orb_ep_create(&ep) < 0)
			break;
		small += n = flood(ep, SMALL, &small_err);
	}
	if (orb_self_entry(&end) < 0)
		return false;
	uint64_t limit_bytes = end.limits[ORB_RES_MSG_BYTES], limit_n = end.limits[ORB_RES_MESSAGES];
	uint64_t bytes = end.usage[ORB_RES_MSG_BYTES], n = end.usage[ORB_RES_MESSAGES];
	orb_printf("hostile: messages: %u of %u bytes, then %s; %u of %u bytes on %u endpoints, "
		   "then %s; messages %lu/%lu, msg_bytes %lu/%lu\n", big, BIG, why(big_err),
		   small, SMALL, eps, why(small_err), (unsigned long)n, (unsigned long)limit_n,
		   (unsigned long)bytes, (unsigned long)limit_bytes);
	return big_err == -ORB_EAGAIN && small_err == -ORB_EAGAIN &&
	       limit_bytes - mid.usage[ORB_RES_MSG_BYTES] < BIG &&
	       mid.usage[ORB_RES_MSG_BYTES] == (uint64_t)big * BIG &&
	       (n == limit_n || limit_bytes - bytes < SMALL);
}

static bool running(const uint32_t *pids, unsigned n)
{
	static orb_proc_entry_t list[64];
	long count = orb_process_list(list, sizeof(list));
	for (long i = 0; i < count && i < 64; i++)
		for (unsigned k = 0; k < n; k++)
			if (list[i].pid == pids[k])
				return true;
	return false;
}

static long spawn_child(orb_cptr_t notify)
{
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, HOSTILE_CHILD, sizeof(HOSTILE_CHILD) - 1);
	memcpy(spec.image, HOSTILE_CHILD, sizeof(HOSTILE_CHILD) - 1);
	spec.proc = ORB_SLOT_FIRST_CAP;   /* the image gives it process:root:w */
	spec.exit_notify = notify;
	spec.priority = (uint8_t)orb_priority();
	/* small limits: they are charged to us while the child lives (D80) */
	spec.limits[ORB_RES_MEMORY] = 1u << 20;
	spec.limits[ORB_RES_MSG_BYTES] = 64;
	spec.limits[ORB_RES_THREADS] = 1;
	spec.limits[ORB_RES_ENDPOINTS] = 1;
	spec.limits[ORB_RES_NOTIFICATIONS] = 1;
	spec.limits[ORB_RES_CAPS] = 4;
	spec.limits[ORB_RES_MESSAGES] = 1;
	spec.limits[ORB_RES_SHM] = 1;
	return orb_process_spawn(&spec, sizeof(spec));
}

bool attack_notices(void)
{
	orb_cptr_t ep;
	long rc = orb_ep_create(&ep);
	if (rc < 0 || (rc = orb_endpoint_limit(ep, QUEUE)) < 0) {
		orb_printf("hostile: notices: no endpoint: %s\n", orb_errno_name(-rc));
		return false;
	}
	uint32_t pids[CHILDREN];
	for (unsigned i = 0; i < CHILDREN; i++) {
		rc = spawn_child(ep);
		if (rc < 0) {
			orb_printf("hostile: notices: spawn %u: %s\n", i, orb_errno_name(-rc));
			return false;
		}
		pids[i] = (uint32_t)rc;
	}
	long err;
	unsigned queued = flood(ep, SMALL, &err);   /* the children sleep a while first */
	uint64_t start = orb_now_ns();
	while (running(pids, CHILDREN) && orb_now_ns() - start < WAIT_MS * 1000000ull)
		orb_sleep_ms(10);
	unsigned own = 0, notices = 0, right = 0;
	orb_msg_t m;
	while (orb_try_recv(ep, &m) >= 0) {
		orb_msg_child_exited_t e;
		if (m.sender == orb_pid() && m.tag == TAG) {
			own++;
		} else if (m.sender == 0 && m.tag == ORB_MSG_CHILD_EXITED &&
			   orb_msg_child_exited_decode(m.data, m.len, &e) == 0) {
			notices++;
			for (unsigned k = 0; k < CHILDREN; k++) {
				if (pids[k] == e.pid && e.exit_code == HOSTILE_CHILD_CODE) {
					pids[k] = 0;   /* each child's notice once */
					right++;
				}
			}
		}
	}
	orb_printf("hostile: notices: a queue of %u filled (%u sent, then %s), %u children "
		   "ended: %u exit notices arrived past it, %u with the right pid and code; "
		   "%u of our messages\n", QUEUE, queued, why(err), CHILDREN, notices, right, own);
	return queued == QUEUE && err == -ORB_EAGAIN && own == QUEUE && notices == CHILDREN &&
	       right == CHILDREN;
}
