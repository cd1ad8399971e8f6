/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Owners from Identity (owner.h). Identity's endpoint is looked up in init's registry for
 * each request that carries a session (Identity starts after the PM; spawns are rare) and
 * let go after it, so the PM's own capabilities stay what its image description gives.
 */
#include <orbital/abi_names.h>
#include <orbital/identity.h>
#include <orbital/service.h>

#include "children.h"
#include "owner.h"

bool owner_of_session(const char *token, struct owner *o, char *why, size_t wlen)
{
	*o = (struct owner){ 0 };
	orb_identity_t identity;
	long rc = orb_identity_open(&identity, ORB_CAP_NONE);
	if (rc < 0) {
		snprintf(why, wlen, "no Identity service to verify the session (%s)",
			 orb_errno_name(rc));
		return false;
	}
	orb_identity_who_t who;
	rc = orb_identity_verify(&identity, token, &who);
	orb_cap_delete(identity.ep);
	int code = orb_identity_error_code(rc);
	if (rc < 0) {
		if (code >= 0)
			snprintf(why, wlen, "%s", orb_identity_error_name((unsigned)code));
		else
			snprintf(why, wlen, "Identity did not answer (%s)", orb_errno_name(rc));
		return false;
	}
	orb_strcopy(o->name, sizeof(o->name), who.name, strlen(who.name));
	o->roles = who.roles;
	o->kind = who.kind;
	return true;
}

void owner_of_process(uint32_t pid, struct owner *o)
{
	const struct child *c = child_find(pid);
	*o = c ? c->owner : (struct owner){ 0 };
}
