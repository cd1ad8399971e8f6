/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attack 2: capabilities forced on init (D105). Before consent, cap_grant and cap_move
 * took a pid, and 247 grants into pid 1 filled init's CSpace: its lookups failed. Here
 * 300 grants and 300 moves aim at pid 1 (the argument is now a CSPACE handle: slot 1 is
 * init's endpoint, no CSpace), cspace_open(1) asks for init's CSpace (not our child), and
 * 64 messages carry init 512 capabilities, which it takes and drops. Contained when
 * nothing went in by the first two ways; system-hostile-check's lookups show the rest.
 */
#include "attack.h"

#define TRIES 300
#define FLOOD_MESSAGES 64
#define TAG_NOISE 0x0F90u   /* no request init knows */

bool attack_grant(void)
{
	orb_cptr_t mine;
	if (orb_ep_create(&mine) < 0) {
		orb_printf("hostile: grant: no endpoint\n");
		return false;
	}
	unsigned granted = 0, moved = 0, ebadf = 0;
	for (int i = 0; i < TRIES; i++) {
		long rc = orb_cap_grant(mine, 1, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT);
		granted += rc >= 0;
		ebadf += rc == -ORB_EBADF;
		long copy = orb_cap_copy(mine);
		if (copy < 0)
			continue;
		rc = orb_cap_move((orb_cptr_t)copy, 1);
		moved += rc >= 0;
		ebadf += rc == -ORB_EBADF;
		if (rc < 0)
			orb_cap_delete((orb_cptr_t)copy);
	}
	long open = orb_cspace_open(1);
	unsigned sent = 0;
	for (int i = 0; i < FLOOD_MESSAGES; i++) {
		orb_cptr_t caps[ORB_MAX_MSG_CAPS];
		unsigned n = 0;
		for (long c; n < ORB_MAX_MSG_CAPS && (c = orb_cap_copy(mine)) >= 0; n++)
			caps[n] = (orb_cptr_t)c;
		long rc = orb_send(ORB_SLOT_INIT, TAG_NOISE, NULL, 0, caps, n);
		if (rc == 0) {
			sent += n;
			continue;
		}
		for (unsigned j = 0; j < n; j++)
			orb_cap_delete(caps[j]);
		if (rc == -ORB_EAGAIN)
			orb_sleep_ms(1);   /* init's queue is full: let it drain */
	}
	orb_printf("hostile: grant: %u of %u grants and %u of %u moves into pid 1 went in "
		   "(%u refused EBADF), cspace_open(1) %s, %u capabilities sent in messages\n",
		   granted, TRIES, moved, TRIES, ebadf, orb_errno_name(-open), sent);
	return granted == 0 && moved == 0 && ebadf == 2 * TRIES && open == -ORB_EPERM;
}
