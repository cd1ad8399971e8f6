/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PM_SPAWN (spec §4.1): start a program of the boot archive for a client.
 *
 *   1. The request is decoded strictly: names of 1..31 printable bytes, at most
 *      PM_MAX_CAP_REQUESTS (kind, rights) pairs with a known kind and rights within RWG.
 *   2. The request's session (if any) is verified with Identity: the child acts for its
 *      user; without one, for whom the requester acts (owner.h, D251). An invalid or
 *      expired session is refused. Permissions must allow the requester "spawn", then
 *      each requested type with its rights, all for that user (a rule may ask for a role,
 *      D252): the PM hands out nothing the requester could not grant itself.
 *   3. max_memory must fit in the free memory; it (PM_CHILD_MEMORY when 0) and max_caps
 *      become the kernel's limits for the child, the other kinds of resource get the
 *      kernel's defaults (decisions D30, D82; limits.c also watches them). The kernel
 *      charges the child's limits to the PM's own while the child lives, so the PM's
 *      image limits bound what all its children together may use.
 *   4. The child starts with slot 0 = an endpoint the PM makes for it (R|W), slot 1 =
 *      init's endpoint (W), slots 2.. = the capabilities asked for, in order (a storage or
 *      network service that is not registered leaves its slot empty). Its end is reported
 *      to the PM's own endpoint, which survives PM restarts.
 *
 * A refusal is answered PM_SPAWN_RESPONSE {ok 0, error} and logged with the reason.
 */
#include <orbital.h>
#include <orbital/identity.h>
#include <orbital/messages.h>

#include "children.h"
#include "grant.h"
#include "owner.h"
#include "permcheck.h"
#include "pm.h"

#define W ORB_RIGHT_WRITE

struct request {
	uint32_t requester;
	char name[PM_NAME_MAX];
	char image[PM_NAME_MAX];
	uint8_t caps[2 * PM_MAX_CAP_REQUESTS];   /* ncaps (kind, rights) pairs, copied: the
						 * request's buffer is reused by our calls */
	uint32_t ncaps;
	uint64_t max_memory;
	uint64_t max_cpu_ms;
	uint32_t max_caps;
	uint32_t max_ipc_queue;
	char session[ORB_IDENTITY_TOKEN_BUF];   /* "" = none */
	struct owner owner;                     /* whom the child will act for */
};

static bool name_ok(orb_str_t s)
{
	if (s.len == 0 || s.len >= PM_NAME_MAX)
		return false;
	for (uint16_t i = 0; i < s.len; i++)
		if (s.ptr[i] < 0x21 || s.ptr[i] > 0x7e)
			return false;
	return true;
}

static bool caps_ok(orb_bytes_t c)
{
	if (c.len % 2 || c.len / 2 > PM_MAX_CAP_REQUESTS)
		return false;
	for (uint32_t i = 0; i < c.len; i += 2)
		if (!grant_type(c.ptr[i]) || !c.ptr[i + 1] || (c.ptr[i + 1] & ~ORB_RIGHTS_ALL))
			return false;
	return true;
}

static uint8_t refuse(const struct request *r, const char *what, const char *why, uint8_t err)
{
	orb_printf("process: refused spawn of %s for pid %u: %s: %s\n", r->name, r->requester,
		   what, why);
	return err;
}

/* Step 2: may the requester spawn, and grant each capability it asks for? */
static bool authorized(const struct request *r, uint8_t *err)
{
	char why[80], ctx[48], what[40];
	snprintf(ctx, sizeof(ctx), "spawn %s", r->name);
	if (!perm_allows(r->requester, "spawn", W, ctx, &r->owner, why, sizeof(why))) {
		*err = refuse(r, "spawn", why, ORB_SPAWN_ERR_PERMISSION_DENIED);
		return false;
	}
	for (uint32_t i = 0; i < r->ncaps; i++) {
		const char *type = grant_type(r->caps[2 * i]);
		uint8_t rights = r->caps[2 * i + 1];
		if (!perm_allows(r->requester, type, rights, ctx, &r->owner, why, sizeof(why))) {
			snprintf(what, sizeof(what), "%s rights %#x", type, rights);
			*err = refuse(r, what, why, ORB_SPAWN_ERR_PERMISSION_DENIED);
			return false;
		}
	}
	return true;
}

static bool memory_fits(uint64_t bytes)
{
	orb_sys_info_t info;
	return !bytes || (orb_system_info(&info, sizeof(info)) >= 0 &&
			  bytes <= info.frames_free * 4096ull);
}

static uint8_t spawn_error(long rc)
{
	switch (rc) {
	case -ORB_ENOENT:
		return ORB_SPAWN_ERR_BINARY_NOT_FOUND;
	case -ORB_EPERM:
		return ORB_SPAWN_ERR_PERMISSION_DENIED;
	case -ORB_ENOMEM:
		return ORB_SPAWN_ERR_RESOURCE_LIMIT;
	default:
		return ORB_SPAWN_ERR_INVALID_BINARY;
	}
}

/* Step 4: the kernel call; returns the PID or -E, and the call's duration in *ns. */
static long start(const struct request *r, orb_cptr_t ep, uint64_t *ns)
{
	orb_spawn_cap_t caps[2 + PM_MAX_CAP_REQUESTS];
	struct grant_source src[PM_MAX_CAP_REQUESTS];
	unsigned n = 0;
	caps[n++] = (orb_spawn_cap_t){ .src = ep, .dst = ORB_SLOT_SELF,
				       .rights = ORB_RIGHT_READ | ORB_RIGHT_WRITE };
	if (pm_init_grantable())
		caps[n++] = (orb_spawn_cap_t){ .src = ORB_SLOT_INIT, .dst = ORB_SLOT_INIT,
					       .rights = W };
	for (uint32_t i = 0; i < r->ncaps; i++) {
		grant_find(r->caps[2 * i], &src[i]);
		if (src[i].cap != ORB_CAP_NONE)
			caps[n++] = (orb_spawn_cap_t){ .src = src[i].cap,
						       .dst = ORB_SLOT_FIRST_CAP + i,
						       .rights = r->caps[2 * i + 1] };
	}
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, r->name, strlen(r->name));
	memcpy(spec.image, r->image, strlen(r->image));
	spec.proc = PM_PROC_CAP;
	spec.exit_notify = ORB_SLOT_SELF;
	spec.limits[ORB_RES_MEMORY] = r->max_memory ? r->max_memory : PM_CHILD_MEMORY;
	spec.limits[ORB_RES_CAPS] = r->max_caps;   /* 0: the kernel's default, as for the rest */
	spec.caps_addr = (uint64_t)(uintptr_t)caps;
	spec.ncaps = (uint8_t)n;
	spec.priority = PM_CHILD_PRIORITY;
	uint64_t t0 = orb_now_ns();
	long pid = orb_process_spawn(&spec, sizeof(spec));
	*ns = orb_now_ns() - t0;
	for (uint32_t i = 0; i < r->ncaps; i++)
		grant_release(&src[i]);
	return pid;
}

/* Step 2's first half: whom the child acts for. */
static bool owned(struct request *r, uint8_t *err)
{
	char why[80];
	if (!r->session[0]) {
		owner_of_process(r->requester, &r->owner);
		return true;
	}
	if (owner_of_session(r->session, &r->owner, why, sizeof(why)))
		return true;
	*err = refuse(r, "session", why, ORB_SPAWN_ERR_PERMISSION_DENIED);
	return false;
}

/* Steps 2-4; returns the PID or 0 with *err set. */
static uint32_t spawn(struct request *r, uint8_t *err)
{
	uint64_t t0 = orb_now_ns(), kernel_ns = 0;
	if (!owned(r, err) || !authorized(r, err))
		return 0;
	if (!memory_fits(r->max_memory)) {
		*err = refuse(r, "max_memory", "more than the free memory",
			      ORB_SPAWN_ERR_RESOURCE_LIMIT);
		return 0;
	}
	struct child *c = child_new();
	if (!c) {
		*err = refuse(r, "children", "the PM watches too many",
			      ORB_SPAWN_ERR_RESOURCE_LIMIT);
		return 0;
	}
	long rc = orb_ep_create(&c->ep);
	if (rc >= 0 && r->max_ipc_queue)   /* the kernel holds the child's queue to it */
		rc = orb_endpoint_limit(c->ep, r->max_ipc_queue);
	long pid = rc < 0 ? rc : start(r, c->ep, &kernel_ns);
	if (pid < 0) {
		char why[24];
		snprintf(why, sizeof(why), "kernel said %ld", pid);
		*err = refuse(r, "process_spawn", why, spawn_error(pid));
		child_forget(c);
		return 0;
	}
	c->pid = (uint32_t)pid;
	c->requester = r->requester;
	c->owner = r->owner;
	memcpy(c->name, r->name, sizeof(c->name));
	c->max_memory = r->max_memory;
	c->max_cpu_ns = r->max_cpu_ms * 1000000ull;
	c->max_caps = r->max_caps;
	orb_printf("process: spawned %s (pid %ld) for pid %u%s%s in %lu us (process_spawn %lu "
		   "us)\n", r->name, pid, r->requester, r->owner.name[0] ? " acting for " : "",
		   r->owner.name, (unsigned long)((orb_now_ns() - t0) / 1000),
		   (unsigned long)(kernel_ns / 1000));
	return (uint32_t)pid;
}

long pm_spawn(const orb_msg_t *m)
{
	orb_msg_pm_spawn_t q;
	if (orb_msg_pm_spawn_decode(m->data, m->len, &q) < 0 || !name_ok(q.name) ||
	    !name_ok(q.image) || !caps_ok(q.caps) || q.max_cpu_ms > UINT64_MAX / 1000000ull ||
	    q.max_ipc_queue > 256 || q.session.len > ORB_IDENTITY_TOKEN_LEN)
		return -ORB_EINVAL;
	struct request r = { .requester = m->sender, .ncaps = q.caps.len / 2,
			     .max_memory = q.max_memory, .max_cpu_ms = q.max_cpu_ms,
			     .max_caps = q.max_caps, .max_ipc_queue = q.max_ipc_queue };
	memcpy(r.caps, q.caps.ptr, q.caps.len);
	orb_strcopy(r.name, sizeof(r.name), q.name.ptr, q.name.len);
	orb_strcopy(r.image, sizeof(r.image), q.image.ptr, q.image.len);
	orb_strcopy(r.session, sizeof(r.session), q.session.ptr, q.session.len);
	uint8_t err = 0;
	uint32_t pid = spawn(&r, &err);
	memset(r.session, 0, sizeof(r.session));
	uint8_t out[16];
	orb_msg_pm_spawn_response_t resp = { .ok = pid != 0, .error = pid ? 0 : err, .pid = pid };
	long n = orb_msg_pm_spawn_response_encode(out, sizeof(out), &resp);
	return n < 0 ? n : orb_reply(ORB_MSG_PM_SPAWN_RESPONSE, out, (size_t)n, NULL, 0);
}
