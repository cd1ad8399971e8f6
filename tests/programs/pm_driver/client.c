/* SPDX-License-Identifier: Apache-2.0 */
/* Requests to the Process Manager and the Permissions service, as a client makes them. */
#include "driver.h"

static uint8_t buf[ORB_MAX_MSG_SIZE];

static orb_str_t str(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

long raw_call(orb_cptr_t ep, uint32_t tag, const void *data, size_t len, orb_msg_t *reply)
{
	long rc = orb_call(ep, tag, data, len, NULL, 0, reply);
	return rc < 0 ? rc : (long)reply->tag;
}

/* Call and check the answer's tag; MSG_ERROR is -EINVAL. */
static long request(orb_cptr_t ep, uint32_t tag, long len, uint32_t want, orb_msg_t *reply)
{
	if (len < 0)
		return len;
	long rc = orb_request(ep, tag, buf, (size_t)len, reply);
	if (rc < 0)
		return rc;
	return reply->tag == want ? 0 : -ORB_EINVAL;
}

long pm_spawn(const struct spawn_req *r, orb_msg_pm_spawn_response_t *out)
{
	orb_msg_pm_spawn_t q = { .name = str(r->name), .image = str(r->image),
				 .caps = { .ptr = r->caps, .len = 2 * r->ncaps },
				 .max_memory = r->max_memory, .max_cpu_ms = r->max_cpu_ms,
				 .max_caps = r->max_caps, .max_ipc_queue = r->max_ipc_queue };
	orb_msg_t reply;
	long rc = request(pm_ep, ORB_MSG_PM_SPAWN, orb_msg_pm_spawn_encode(buf, sizeof(buf), &q),
			  ORB_MSG_PM_SPAWN_RESPONSE, &reply);
	return rc < 0 ? rc : orb_msg_pm_spawn_response_decode(reply.data, reply.len, out);
}

long pm_kill(uint32_t pid, uint8_t signal)
{
	orb_msg_pm_kill_t q = { .pid = pid, .signal = signal };
	orb_msg_pm_kill_response_t r;
	orb_msg_t reply;
	long rc = request(pm_ep, ORB_MSG_PM_KILL, orb_msg_pm_kill_encode(buf, sizeof(buf), &q),
			  ORB_MSG_PM_KILL_RESPONSE, &reply);
	if (rc == 0)
		rc = orb_msg_pm_kill_response_decode(reply.data, reply.len, &r);
	return rc < 0 ? rc : r.status;
}

long check_perm(uint32_t pid, const char *type, uint8_t rights,
		orb_msg_check_perm_response_t *out, char *reason, size_t rlen)
{
	orb_msg_check_perm_t q = { .pid = pid, .cap_type = str(type), .rights = rights,
				   .context = str("pm-test") };
	orb_msg_t reply;
	long rc = request(perm_ep, ORB_MSG_CHECK_PERM,
			  orb_msg_check_perm_encode(buf, sizeof(buf), &q),
			  ORB_MSG_CHECK_PERM_RESPONSE, &reply);
	if (rc == 0)
		rc = orb_msg_check_perm_response_decode(reply.data, reply.len, out);
	if (rc == 0 && reason)
		orb_strcopy(reason, rlen, out->reason.ptr, out->reason.len);
	return rc;
}

long query_caps(uint32_t pid, orb_cap_provenance_t *items, uint32_t max)
{
	orb_msg_query_caps_t q = { .pid = pid };
	orb_msg_query_caps_response_t r;
	orb_msg_t reply;
	long rc = request(perm_ep, ORB_MSG_QUERY_CAPS,
			  orb_msg_query_caps_encode(buf, sizeof(buf), &q),
			  ORB_MSG_QUERY_CAPS_RESPONSE, &reply);
	if (rc == 0)
		rc = orb_msg_query_caps_response_decode(reply.data, reply.len, &r);
	if (rc < 0)
		return rc;
	if (r.items.len != r.count * sizeof(*items) || r.count > max)
		return -ORB_EOVERFLOW;
	memcpy(items, r.items.ptr, r.items.len);
	return r.count;
}

long query_history(uint32_t pid, uint32_t limit, orb_history_entry_t *items, uint32_t max)
{
	orb_msg_query_history_t q = { .pid = pid, .limit = limit };
	orb_msg_query_history_response_t r;
	orb_msg_t reply;
	long rc = request(perm_ep, ORB_MSG_QUERY_HISTORY,
			  orb_msg_query_history_encode(buf, sizeof(buf), &q),
			  ORB_MSG_QUERY_HISTORY_RESPONSE, &reply);
	if (rc == 0)
		rc = orb_msg_query_history_response_decode(reply.data, reply.len, &r);
	if (rc < 0)
		return rc;
	if (r.items.len != r.count * sizeof(*items) || r.count > max)
		return -ORB_EOVERFLOW;
	memcpy(items, r.items.ptr, r.items.len);
	return r.count;
}
