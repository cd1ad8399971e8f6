/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The service registry (spec §3.5, Orbital decision; docs/services.md).
 *
 * REGISTER_SERVICE {type, version}, cap 0 = a W|G copy of the caller's service endpoint.
 * The caller is known by the PID the kernel stamped on the message: it must be the
 * current instance of a service (or the replacement of a live update) whose image
 * description says `register = "TYPE"`, else -EPERM; -EEXIST when another live service
 * holds TYPE. init keeps the capability. A registration lasts while the service is live:
 * restarts and updates re-register over it; a stop or the end of restarts drops it.
 *
 * LOOKUP_SERVICE {type} -> LOOKUP_RESPONSE {found, version}, cap 0 = a W-only copy of
 * the registered endpoint: clients may send to it, never receive from it nor pass it on.
 * (init derives a W|G copy — only capabilities with G travel — and narrows it to W in
 * the reply with send_rights.)
 */
#include "init.h"

#define W ORB_RIGHT_WRITE
#define G ORB_RIGHT_GRANT

static struct service *instance_service(uint32_t pid)
{
	struct service *s = service_by_pid(pid);
	return s ? s : update_by_pid(pid);
}

static bool str_ok(orb_str_t v, size_t max)
{
	if (!v.len || v.len >= max)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if (v.ptr[i] < 0x21 || v.ptr[i] > 0x7e)
			return false;
	return true;
}

static long reply_status(int32_t status)
{
	uint8_t buf[8];
	orb_msg_register_response_t r = { .status = status };
	long n = orb_msg_register_response_encode(buf, sizeof(buf), &r);
	return orb_reply(ORB_MSG_REGISTER_RESPONSE, buf, (size_t)n, NULL, 0);
}

static struct service *holder(const char *type, size_t len)
{
	for (unsigned i = 0; i < g.nsvc; i++) {
		struct service *s = &g.svc[i];
		const char *t = (const char *)s->d.service_type;
		if (s->registered && service_live(s) && strnlen(t, 32) == len && !memcmp(t, type, len))
			return s;
	}
	return NULL;
}

static int32_t do_register(orb_msg_t *m, const orb_msg_register_service_t *r,
			   struct service **out)
{
	if (!str_ok(r->service_type, 32) || !str_ok(r->version, 16))
		return -ORB_EINVAL;
	struct service *s = instance_service(m->sender);
	const char *allowed = s ? (const char *)s->d.service_type : "";
	if (!s || strnlen(allowed, 32) != r->service_type.len ||
	    memcmp(allowed, r->service_type.ptr, r->service_type.len))
		return -ORB_EPERM;
	struct service *h = holder(r->service_type.ptr, r->service_type.len);
	if (h && h != s)
		return -ORB_EEXIST;
	orb_cap_info_t ci;
	if (m->ncaps != 1 || orb_cap_inspect(m->caps[0], &ci) < 0 ||
	    ci.object_type != ORB_OBJ_ENDPOINT || (ci.rights & (W | G)) != (W | G))
		return -ORB_EINVAL;
	if (s->registered && s->reg_cap != ORB_CAP_NONE)
		orb_cap_delete(s->reg_cap);
	bool first = !s->registered;
	s->reg_cap = m->caps[0];
	m->caps[0] = ORB_CAP_NONE;   /* kept */
	s->registered = true;
	orb_strcopy(s->reg_version, sizeof(s->reg_version), r->version.ptr, r->version.len);
	if (s->pid == m->sender)   /* a replacement's version shows once it takes over */
		version_update(s);
	*out = first ? s : NULL;
	return 0;
}

void registry_register(orb_msg_t *m)
{
	orb_msg_register_service_t r;
	if (orb_msg_register_service_decode(m->data, m->len, &r) < 0) {
		orb_reply_error(m->tag, ORB_ERROR_MALFORMED);
		return;
	}
	struct service *first = NULL;
	int32_t status = do_register(m, &r, &first);
	reply_status(status);
	if (first)
		orb_printf("init: %s registered service type '%s' (version %s)\n",
			   (const char *)first->d.name, (const char *)first->d.service_type,
			   first->reg_version);
}

void registry_lookup(orb_msg_t *m)
{
	orb_msg_lookup_service_t q;
	if (orb_msg_lookup_service_decode(m->data, m->len, &q) < 0 || !str_ok(q.service_type, 32)) {
		orb_reply_error(m->tag, ORB_ERROR_MALFORMED);
		return;
	}
	struct service *s = holder(q.service_type.ptr, q.service_type.len);
	long copy = s ? orb_cap_derive(s->reg_cap, W | G, 0, 0) : -ORB_ENOENT;
	orb_msg_lookup_response_t r = { .found = copy >= 0 };
	if (copy >= 0)
		r.version = (orb_str_t){ .ptr = s->reg_version, .len = (uint16_t)strlen(s->reg_version) };
	uint8_t buf[32];
	long n = orb_msg_lookup_response_encode(buf, sizeof(buf), &r);
	orb_cptr_t c = (orb_cptr_t)copy;
	static const uint8_t write_only[1] = { W };
	if (orb_reply_with(ORB_MSG_LOOKUP_RESPONSE, buf, (size_t)n, &c, write_only,
			   copy >= 0 ? 1 : 0) < 0 && copy >= 0)
		orb_cap_delete(c);   /* the caller is gone: the copy stayed with us */
}

void registry_drop(struct service *s)
{
	if (s->registered && s->reg_cap != ORB_CAP_NONE)
		orb_cap_delete(s->reg_cap);
	s->registered = false;
	s->reg_cap = ORB_CAP_NONE;
}
