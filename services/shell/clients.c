/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The services behind the commands and how a command asks them something.
 *
 * init's endpoint is slot 1 (ORB_SLOT_INIT); the Process Manager's and Permissions'
 * are slots 5 and 6 in the shell's image description. When such a slot holds no
 * endpoint (another image layout), and for Storage and Identity always, the endpoint is
 * looked up in init's registry ("process", "permissions", "storage", "identity") once and
 * kept: services keep their endpoint across restarts, so a capability to it stays good.
 *
 * Requests go through orb_request, which retries while a service restarts. Whatever
 * goes wrong — no endpoint, no answer, MSG_ERROR, an unexpected answer — becomes one
 * line "CMD: <why>".
 */
#include <orbital/messages.h>
#include <orbital/service.h>

#include "shell.h"

struct service_ref {
	const char *name;        /* in messages */
	const char *type;        /* registry type, NULL: none */
	orb_cptr_t slot;         /* where the image layout puts its endpoint */
};

static const struct service_ref services[] = {
	[SH_INIT] = { "init", NULL, ORB_SLOT_INIT },
	[SH_PROCESS] = { "process manager", "process", SH_SLOT_PROCESS },
	[SH_PERMISSIONS] = { "permissions", "permissions", SH_SLOT_PERMISSIONS },
	[SH_STORAGE] = { "storage", "storage", ORB_CAP_NONE },
	[SH_IDENTITY] = { "identity", "identity", ORB_CAP_NONE },
};

static orb_cptr_t resolved[ORB_ARRAY_SIZE(services)] = { ORB_CAP_NONE, ORB_CAP_NONE,
							 ORB_CAP_NONE, ORB_CAP_NONE,
							 ORB_CAP_NONE };

static bool writable_endpoint(orb_cptr_t slot)
{
	orb_cap_info_t ci;
	return orb_cap_inspect(slot, &ci) == 0 && ci.object_type == ORB_OBJ_ENDPOINT &&
	       (ci.rights & ORB_RIGHT_WRITE);
}

static long endpoint(enum sh_service s, orb_cptr_t *ep)
{
	const struct service_ref *ref = &services[s];
	if (resolved[s] == ORB_CAP_NONE) {
		if (ref->slot != ORB_CAP_NONE && writable_endpoint(ref->slot)) {
			resolved[s] = ref->slot;
		} else if (ref->type) {
			orb_cptr_t found;
			long rc = orb_lookup_service(ref->type, &found, NULL, 0);
			if (rc < 0)
				return rc;
			resolved[s] = found;
		} else {
			return -ORB_EBADF;
		}
	}
	*ep = resolved[s];
	return 0;
}

/* One line for a MSG_ERROR answer; returns the -E it stands for. */
static long refused(const char *cmd, const struct service_ref *ref, const orb_msg_t *reply)
{
	orb_msg_error_t e;
	if (orb_msg_error_decode(reply->data, reply->len, &e) < 0) {
		orb_printf("%s: %s sent a malformed error answer\n", cmd, ref->name);
		return -ORB_EINVAL;
	}
	if (e.code >= ORB_ERROR_ERRNO && e.code < ORB_ERROR_ERRNO + 4096) {
		long err = (long)(e.code - ORB_ERROR_ERRNO);
		orb_printf("%s: %s: %s (%s)\n", cmd, ref->name, orb_errno_text(err), orb_errno_name(err));
		return -err;
	}
	const char *why = e.code == ORB_ERROR_UNKNOWN_REQUEST ? "does not know this request" :
			  e.code == ORB_ERROR_MALFORMED ? "refused the request as malformed" :
			  e.code == ORB_ERROR_RESTARTING ? "is restarting; try again" :
			  "refused the request";
	orb_printf("%s: %s %s (error code %u)\n", cmd, ref->name, why, e.code);
	return -ORB_EINVAL;
}

long sh_endpoint(const char *cmd, enum sh_service s, orb_cptr_t *ep)
{
	long rc = endpoint(s, ep);
	if (rc < 0)
		orb_printf("%s: %s is not reachable: %s (%s)\n", cmd, services[s].name,
			   orb_errno_text(rc), orb_errno_name(rc));
	return rc;
}

long sh_call(const char *cmd, enum sh_service s, uint32_t tag, const void *req, size_t len,
	     uint32_t want_tag, orb_msg_t *reply)
{
	const struct service_ref *ref = &services[s];
	orb_cptr_t ep;
	long rc = sh_endpoint(cmd, s, &ep);
	if (rc < 0)
		return rc;
	reply->tag = 0;
	reply->ncaps = 0;
	rc = orb_request(ep, tag, req, len, reply);
	if (rc == 0 || reply->tag == ORB_MSG_ERROR) {
		for (uint32_t i = 0; i < reply->ncaps && i < ORB_MAX_MSG_CAPS; i++)
			orb_cap_delete(reply->caps[i]);   /* no command expects capabilities */
	}
	if (rc == -ORB_EINVAL && reply->tag == ORB_MSG_ERROR)
		return refused(cmd, ref, reply);
	if (rc < 0) {
		orb_printf("%s: no answer from %s: %s (%s)\n", cmd, ref->name, orb_errno_text(rc),
			   orb_errno_name(rc));
		return rc;
	}
	if (reply->tag != want_tag) {
		orb_printf("%s: %s answered with tag %#x, expected %#x\n", cmd, ref->name,
			   reply->tag, want_tag);
		return -ORB_EINVAL;
	}
	return 0;
}

long sh_bad_answer(const char *cmd, enum sh_service s)
{
	orb_printf("%s: malformed answer from %s\n", cmd, services[s].name);
	return -ORB_EINVAL;
}
