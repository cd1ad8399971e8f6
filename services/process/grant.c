/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital/service.h>

#include "grant.h"
#include "pm.h"

const char *grant_type(uint8_t kind)
{
	switch (kind) {
	case ORB_CAPKIND_CONSOLE:
		return "console";
	case ORB_CAPKIND_STORAGE:
		return "storage";
	case ORB_CAPKIND_NETWORK:
		return "network";
	case ORB_CAPKIND_SPAWN:
		return "spawn";
	default:
		return NULL;
	}
}

void grant_find(uint8_t kind, struct grant_source *src)
{
	*src = (struct grant_source){ .cap = ORB_CAP_NONE };
	if (kind == ORB_CAPKIND_CONSOLE) {
		src->cap = PM_CONSOLE_CAP;
	} else if (kind == ORB_CAPKIND_SPAWN) {
		src->cap = PM_PROC_CAP;
	} else if (kind == ORB_CAPKIND_STORAGE || kind == ORB_CAPKIND_NETWORK) {
		orb_cptr_t ep;
		orb_cap_info_t ci;
		if (orb_lookup_service(grant_type(kind), &ep, NULL, 0) < 0)
			return;   /* not registered: skipped, as the spec says */
		if (orb_cap_inspect(ep, &ci) == 0 && (ci.rights & ORB_RIGHT_GRANT)) {
			*src = (struct grant_source){ .cap = ep, .temporary = true };
			return;
		}
		orb_printf("process: the registry's %s endpoint has no GRANT; not handed on\n",
			   grant_type(kind));
		orb_cap_delete(ep);
	}
}

void grant_release(struct grant_source *src)
{
	if (src->temporary && src->cap != ORB_CAP_NONE)
		orb_cap_delete(src->cap);
	src->cap = ORB_CAP_NONE;
}
