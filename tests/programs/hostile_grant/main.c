/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostile-grant (images/svc-test.toml): issue 9's attack 2, capability insertion without
 * consent. An ordinary service tries to fill init's CSpace, then checks that the
 * registry in init still answers. Until D105, cap_grant and cap_move inserted into any
 * pid for a caller holding GRANT on what it gave: 247 grants into pid 1 filled init's
 * CSpace and every lookup after failed.
 *
 *   1. 300 cap_grant and 300 cap_move calls aimed at pid 1 (what the old ABI took as a
 *      pid is now a CSPACE handle: slot 1 holds init's endpoint, no CSpace);
 *   2. cspace_open(1): init is not our child;
 *   3. 64 messages to init carrying 8 capabilities each, 512 in all, twice what a CSpace
 *      holds: IPC is the way in that init consents to, and it drops what it does not keep;
 *   4. then a registry lookup, which needs a free slot in init's CSpace.
 *
 * One line per step and "hostile-grant: done: lookups still work" (or "... FAIL") that
 * tests/e2e/test_init.py reads; then it stays, idle, as a service would.
 */
#include <orbital.h>
#include <orbital/service.h>

#define TRIES 300
#define FLOOD_MESSAGES 64
#define TAG_NOISE 0x0F90u   /* no request init knows */

static orb_cptr_t fresh_endpoint(void)
{
	orb_cptr_t ep;
	return orb_ep_create(&ep) < 0 ? ORB_CAP_NONE : ep;
}

static int lookup_echo(void)
{
	orb_cptr_t ep;
	long rc = orb_lookup_service("echo", &ep, NULL, 0);
	if (rc < 0)
		return (int)rc;
	orb_cap_delete(ep);
	return 0;
}

int main(void)
{
	orb_send_ready();
	orb_cptr_t mine = fresh_endpoint();   /* R|W|G: ours to give, if giving worked */
	if (mine == ORB_CAP_NONE) {
		orb_printf("hostile-grant: no endpoint; FAIL\n");
		return 1;
	}
	int before = lookup_echo();

	/* 1. grants and moves "into pid 1" */
	int granted = 0, moved = 0;
	long last = 0;
	for (int i = 0; i < TRIES; i++) {
		long rc = orb_cap_grant(mine, 1, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT);
		if (rc >= 0)
			granted++;
		else
			last = rc;
		long copy = orb_cap_copy(mine);
		if (copy < 0)
			continue;
		rc = orb_cap_move((orb_cptr_t)copy, 1);
		if (rc >= 0)
			moved++;
		else
			orb_cap_delete((orb_cptr_t)copy);
	}
	orb_printf("hostile-grant: %d of %d grants and %d of %d moves into pid 1 went in "
		   "(last error %ld)\n", granted, TRIES, moved, TRIES, last);

	/* 2. a CSpace capability to init */
#ifdef ORB_SYS_CSPACE_OPEN
	orb_printf("hostile-grant: cspace_open(1) -> %ld\n", orb_cspace_open(1));
#endif

	/* 3. capabilities by message: init takes them and drops what it does not keep */
	int sent = 0;
	for (int i = 0; i < FLOOD_MESSAGES; i++) {
		orb_cptr_t caps[ORB_MAX_MSG_CAPS];
		unsigned n = 0;
		for (; n < ORB_MAX_MSG_CAPS; n++) {
			long c = orb_cap_copy(mine);
			if (c < 0)
				break;
			caps[n] = (orb_cptr_t)c;
		}
		long rc = orb_send(ORB_SLOT_INIT, TAG_NOISE, NULL, 0, caps, n);
		if (rc == 0) {
			sent += (int)n;
		} else {
			for (unsigned j = 0; j < n; j++)
				orb_cap_delete(caps[j]);
			if (rc == -ORB_EAGAIN)
				orb_sleep_ms(1);   /* init's queue is full: let it drain */
		}
	}
	orb_printf("hostile-grant: %d capabilities sent to init in messages\n", sent);

	/* 4. the registry still answers (a lookup needs a free slot in init's CSpace) */
	int after = 0;
	for (int i = 0; i < 3; i++)
		if ((after = lookup_echo()) == 0)
			break;
	bool ok = before == 0 && after == 0;
	orb_printf("hostile-grant: lookup 'echo' before %d, after %d\n", before, after);
	orb_printf("hostile-grant: done: %s\n", ok ? "lookups still work" : "FAIL");
	for (;;)   /* stay: the echo client's crash loop checks that no other pid changes */
		orb_sleep_ms(1000);
}
