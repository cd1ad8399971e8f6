/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Registry refusals. This client's image entry says `register = "echo"`, so:
 *   - registering "permissions" (a type it is not given) must fail with -EPERM;
 *   - registering "echo" must fail with -EEXIST: the echo service holds it;
 *   - looking "echo" up must find it, version 1, as a capability to the very endpoint
 *     in our slot 2, without the right to receive from it;
 *   - looking up a type nobody registered must find nothing.
 */
#include "client.h"

int scenario_registry(void)
{
	int failures = 0;
	long perm = orb_register_service("permissions", "1", ORB_SLOT_SELF);
	long exist = orb_register_service("echo", "1", ORB_SLOT_SELF);
	CHECK(perm == -ORB_EPERM, "registering 'permissions' gave %ld, not -EPERM", perm);
	CHECK(exist == -ORB_EEXIST, "registering 'echo' gave %ld, not -EEXIST", exist);
	orb_cptr_t ep = ORB_CAP_NONE, none = ORB_CAP_NONE;
	char version[16] = "";
	long found = orb_lookup_service("echo", &ep, version, sizeof(version));
	orb_cap_info_t got, ours;
	bool same = found == 0 && orb_cap_inspect(ep, &got) == 0 &&
		    orb_cap_inspect(ECHO_SLOT, &ours) == 0 && got.object_id == ours.object_id &&
		    got.object_type == ORB_OBJ_ENDPOINT && got.rights == ORB_RIGHT_WRITE;
	CHECK(found == 0 && !strcmp(version, "1"), "lookup 'echo': %ld, version '%s'", found,
	      version);
	CHECK(same, "lookup 'echo' gave another endpoint, or not a write-only one");
	long missing = orb_lookup_service("nothing", &none, NULL, 0);
	CHECK(missing == -ORB_ENOENT, "lookup 'nothing' gave %ld, not -ENOENT", missing);
	if (found == 0)
		orb_cap_delete(ep);
	orb_printf(ORB_SERVICE_NAME ": registry: register 'permissions' %s, register 'echo' "
		   "%s, lookup 'echo' %s, lookup 'nothing' %s: %s\n",
		   perm == -ORB_EPERM ? "EPERM" : "wrong", exist == -ORB_EEXIST ? "EEXIST" : "wrong",
		   same ? "same endpoint" : "wrong", missing == -ORB_ENOENT ? "ENOENT" : "wrong",
		   failures ? "FAIL" : "PASS");
	return failures;
}
