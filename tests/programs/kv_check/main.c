/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Storage checker's entry: open Storage (slot 2), run this instance's scenarios,
 * print "NAME: done: F failed" and exit 0 only if every check passed. The System
 * instance says ready only once the System namespace holds its secret (the applications
 * depend on it, so they start after that; init allows 5 s to get ready, so nothing
 * longer runs before).
 */
#include "check.h"

orb_storage_t kv;

int main(void)
{
	bool system = !strncmp(ORB_SERVICE_NAME, "system-", 7);
	int failures = 0;
	if (orb_storage_open(&kv, STORAGE_SLOT) < 0) {
		orb_printf(ORB_SERVICE_NAME ": no storage endpoint\n");
		return 1;
	}
	if (system) {
		failures += system_first();
		orb_send_ready();
		failures += system_last();
	} else {
		orb_send_ready();
		failures += app_scenarios();
	}
	orb_printf(ORB_SERVICE_NAME ": done: %d failed\n", failures);
	return failures ? 1 : 0;
}
