/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attack 1 of issue 9: create an endpoint, delete its only capability, again and again.
 * The endpoint lives on (it belongs to its creator until the creator ends), so a limit on
 * capabilities does not stop this; before per-process accounting one process leaked the
 * kernel's whole endpoint table and nobody could create one (nor spawn: the PM makes an
 * endpoint per child). Now every endpoint is charged to its owner: the attack must be
 * refused with ENOMEM exactly when its own `endpoints` limit is used up.
 */
#include "attack.h"

#define ATTEMPTS 100000u   /* far past the kernel's table (1024 endpoints) */

bool attack_endpoints(void)
{
	orb_proc_entry_t before, after;
	if (orb_self_entry(&before) < 0)
		return false;
	unsigned made = 0;
	long err = 0;
	for (unsigned i = 0; i < ATTEMPTS && !err; i++) {
		orb_cptr_t ep;
		long rc = orb_ep_create(&ep);
		if (rc < 0)
			err = rc;
		else if ((rc = orb_cap_delete(ep)) < 0)
			err = rc;
		else
			made++;
	}
	if (orb_self_entry(&after) < 0)
		return false;
	uint64_t used = after.usage[ORB_RES_ENDPOINTS], limit = after.limits[ORB_RES_ENDPOINTS];
	orb_printf("hostile: endpoints: %u made and dropped, then %s; endpoints %lu/%lu, "
		   "caps %lu/%lu\n", made, err ? orb_errno_name(-err) : "never refused",
		   (unsigned long)used, (unsigned long)limit,
		   (unsigned long)after.usage[ORB_RES_CAPS], (unsigned long)after.limits[ORB_RES_CAPS]);
	return err == -ORB_ENOMEM && used == limit &&
	       made == limit - before.usage[ORB_RES_ENDPOINTS] &&
	       after.usage[ORB_RES_CAPS] == before.usage[ORB_RES_CAPS];
}
