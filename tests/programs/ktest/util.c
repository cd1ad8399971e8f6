/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the capability and IPC cases. */
#include "ktest.h"
#include "peer.h"

orb_cptr_t kt_endpoint(uint64_t *id)
{
	long r = orb_endpoint_create();
	if (r < 0)
		return ORB_CAP_NONE;
	if (id)
		*id = (uint64_t)r >> 32;
	return (orb_cptr_t)(r & 0xffffffff);
}

long kt_rights(orb_cptr_t h)
{
	orb_cap_info_t ci;
	long rc = orb_cap_inspect(h, &ci);
	return rc < 0 ? rc : ci.rights;
}

long kt_spawn(const char *image, const orb_spawn_cap_t *caps, unsigned ncaps, orb_cptr_t notify,
	      uint64_t badge)
{
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, image, strnlen(image, 31));
	memcpy(spec.image, image, strnlen(image, 31));
	spec.proc = KT_PROCESS_CAP;
	spec.exit_notify = notify;
	spec.exit_badge = badge;
	spec.caps_addr = (uint64_t)(uintptr_t)caps;
	spec.ncaps = (uint8_t)ncaps;
	spec.priority = 64;
	return orb_process_spawn(&spec, sizeof(spec));
}

long kt_spawn_peer(orb_cptr_t ep, orb_cptr_t extra, uint8_t extra_rights, orb_cptr_t notify)
{
	return kt_spawn_limited(ep, extra, extra_rights, notify, NULL);
}

long kt_spawn_limited(orb_cptr_t ep, orb_cptr_t extra, uint8_t extra_rights, orb_cptr_t notify,
		      const uint64_t *limits)
{
	orb_spawn_cap_t caps[2] = {
		{ .src = ep, .dst = 0, .rights = ORB_RIGHT_WRITE },
		{ .src = extra, .dst = 1, .rights = extra_rights },
	};
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, "ktest-peer", 10);
	memcpy(spec.image, "ktest-peer", 10);
	spec.proc = KT_PROCESS_CAP;
	spec.exit_notify = notify;
	spec.caps_addr = (uint64_t)(uintptr_t)caps;
	spec.ncaps = extra == ORB_CAP_NONE ? 1 : 2;
	spec.priority = 64;
	if (limits)
		memcpy(spec.limits, limits, sizeof(spec.limits));
	return orb_process_spawn(&spec, sizeof(spec));
}

/* True while ktest holds the peer's last call (its reply capability): the next order
 * goes back as the answer to it. */
static bool peer_waiting;

long kt_peer_order(orb_cptr_t ep, uint64_t order, uint64_t arg, long *result)
{
	orb_endpoint_receive_wait_out_t out;
	long info;
	if (!peer_waiting && (info = orb_endpoint_receive_wait(ep, 2000000000ull, &out)) < 0)
		return info;
	peer_waiting = false;
	long rc = orb_endpoint_reply(orb_msginfo_new(0x0F82, 16, 0), order, arg, 0, 0);
	if (rc < 0 || order == PEER_EXIT)
		return rc;
	info = orb_endpoint_receive_wait(ep, 2000000000ull, &out);
	if (info < 0)
		return info;
	peer_waiting = true;
	*result = (long)out.mr0;
	return 0;
}

long kt_peer_last(orb_cptr_t ep, uint64_t order, uint64_t arg)
{
	orb_endpoint_receive_wait_out_t out;
	long info;
	if (!peer_waiting && (info = orb_endpoint_receive_wait(ep, 2000000000ull, &out)) < 0)
		return info;
	peer_waiting = false;
	return orb_endpoint_reply(orb_msginfo_new(0x0F82, 16, 0), order, arg, 0, 0);
}

long kt_child_exit(orb_cptr_t notify, uint32_t *pid, int32_t *code, uint8_t *reason)
{
	orb_endpoint_receive_wait_out_t out;
	long info = orb_endpoint_receive_wait(notify, 3000000000ull, &out);
	if (info < 0)
		return info;
	if (orb_msginfo_get_tag((uint64_t)info) != ORB_MSG_CHILD_EXITED || out.sender != 0)
		return -ORB_EINVAL;
	*pid = (uint32_t)out.mr0;
	*code = (int32_t)(out.mr0 >> 32);
	*reason = (uint8_t)out.mr1;
	return 0;
}

long kt_child_faulted(orb_cptr_t notify, long pid)
{
	uint32_t dead;
	int32_t code;
	uint8_t why;
	long rc = kt_child_exit(notify, &dead, &code, &why);
	if (rc < 0)
		return rc;
	return dead == pid && why == ORB_EXIT_REASON_FAULT && code == 14 ? 0 : -ORB_EINVAL;
}
