/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital.h>
#include <orbital/ipc.h>
#include <orbital/messages.h>

/* Short payloads as four little-endian registers. */
static void pack_regs(const void *data, size_t len, uint64_t mr[4])
{
	uint8_t tmp[ORB_MSG_REG_BYTES] = { 0 };
	if (len <= ORB_MSG_REG_BYTES && len)
		memcpy(tmp, data, len);
	memcpy(mr, tmp, sizeof(tmp));
}

/* Put payload, capability handles and their rights masks (NULL: keep every right)
 * where the kernel reads them; returns the msginfo. */
static long outgoing(uint32_t tag, const void *data, size_t len, const orb_cptr_t *caps,
		     const uint8_t *rights, unsigned ncaps, uint64_t mr[4])
{
	if (len > ORB_MAX_MSG_SIZE || ncaps > ORB_MAX_MSG_CAPS)
		return -ORB_EINVAL;
	orb_ipc_buffer_t *b = orb_ipcbuf();
	if (len > ORB_MSG_REG_BYTES)
		memcpy(b->data, data, len);
	pack_regs(data, len, mr);
	for (unsigned i = 0; i < ncaps; i++) {
		b->send_caps[i] = caps[i];
		b->send_rights[i] = rights ? rights[i] : 0;
	}
	return (long)orb_msginfo_new(tag, (uint32_t)len, ncaps);
}

static void prepare_receive(void)
{
	orb_ipc_buffer_t *b = orb_ipcbuf();
	for (unsigned i = 0; i < ORB_MAX_MSG_CAPS; i++)
		b->recv_slots[i] = ORB_CAP_NONE;
}

/* Fill m from what the kernel delivered (info in RAX, the rest in out registers). */
static long incoming(long info, uint64_t badge, uint64_t sender, const uint64_t mr[4],
		     orb_msg_t *m)
{
	if (info < 0 || !m)
		return info;
	orb_ipc_buffer_t *b = orb_ipcbuf();
	m->tag = orb_msginfo_get_tag((uint64_t)info);
	m->len = orb_msginfo_get_len((uint64_t)info);
	m->ncaps = orb_msginfo_get_ncaps((uint64_t)info);
	m->badge = badge;
	m->sender = (uint32_t)sender;
	for (unsigned i = 0; i < ORB_MAX_MSG_CAPS; i++)
		m->caps[i] = i < m->ncaps ? b->recv_caps[i] : ORB_CAP_NONE;
	if (m->len <= ORB_MSG_REG_BYTES) {
		memcpy(m->inline_data, mr, ORB_MSG_REG_BYTES);
		m->data = m->inline_data;
	} else {
		m->data = b->data;
	}
	return 0;
}

long orb_ep_create(orb_cptr_t *ep)
{
	long r = orb_endpoint_create();
	if (r < 0)
		return r;
	*ep = (orb_cptr_t)(r & 0xffffffff);
	return (long)((uint64_t)r >> 32);
}

long orb_ep_destroy(orb_cptr_t ep)
{
	return orb_endpoint_destroy(ep);
}

long orb_send(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
	      const orb_cptr_t *caps, unsigned ncaps)
{
	return orb_send_with(ep, tag, data, len, caps, NULL, ncaps);
}

long orb_send_with(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
		   const orb_cptr_t *caps, const uint8_t *rights, unsigned ncaps)
{
	uint64_t mr[4];
	long info = outgoing(tag, data, len, caps, rights, ncaps, mr);
	return info < 0 ? info : orb_endpoint_send(ep, (uint64_t)info, mr[0], mr[1], mr[2], mr[3]);
}

long orb_recv(orb_cptr_t ep, orb_msg_t *m, uint64_t timeout_ns)
{
	prepare_receive();
	orb_endpoint_receive_wait_out_t o;
	long info = orb_endpoint_receive_wait(ep, timeout_ns, &o);
	uint64_t mr[4] = { o.mr0, o.mr1, o.mr2, o.mr3 };
	return incoming(info, o.badge, o.sender, mr, m);
}

long orb_try_recv(orb_cptr_t ep, orb_msg_t *m)
{
	prepare_receive();
	orb_endpoint_receive_out_t o;
	long info = orb_endpoint_receive(ep, &o);
	uint64_t mr[4] = { o.mr0, o.mr1, o.mr2, o.mr3 };
	return incoming(info, o.badge, o.sender, mr, m);
}

long orb_call(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
	      const orb_cptr_t *caps, unsigned ncaps, orb_msg_t *reply)
{
	return orb_call_with(ep, tag, data, len, caps, NULL, ncaps, reply);
}

long orb_call_with(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
		   const orb_cptr_t *caps, const uint8_t *rights, unsigned ncaps, orb_msg_t *reply)
{
	uint64_t mr[4];
	long info = outgoing(tag, data, len, caps, rights, ncaps, mr);
	if (info < 0)
		return info;
	prepare_receive();
	orb_endpoint_call_out_t o;
	info = orb_endpoint_call(ep, (uint64_t)info, mr[0], mr[1], mr[2], mr[3], &o);
	uint64_t r[4] = { o.mr0, o.mr1, o.mr2, o.mr3 };
	return incoming(info, o.badge, o.sender, r, reply);
}

long orb_reply(uint32_t tag, const void *data, size_t len, const orb_cptr_t *caps,
	       unsigned ncaps)
{
	return orb_reply_with(tag, data, len, caps, NULL, ncaps);
}

long orb_reply_with(uint32_t tag, const void *data, size_t len, const orb_cptr_t *caps,
		    const uint8_t *rights, unsigned ncaps)
{
	uint64_t mr[4];
	long info = outgoing(tag, data, len, caps, rights, ncaps, mr);
	return info < 0 ? info : orb_endpoint_reply((uint64_t)info, mr[0], mr[1], mr[2], mr[3]);
}

long orb_reply_error(uint32_t request_tag, uint32_t code)
{
	uint8_t buf[16];
	orb_msg_error_t e = { .request_tag = request_tag, .code = code };
	long n = orb_msg_error_encode(buf, sizeof(buf), &e);
	return n < 0 ? n : orb_reply(ORB_MSG_ERROR, buf, (size_t)n, NULL, 0);
}

long orb_request(orb_cptr_t ep, uint32_t tag, const void *data, size_t len, orb_msg_t *reply)
{
	return orb_request_lend(ep, tag, data, len, ORB_CAP_NONE, 0, reply);
}

/* One attempt of a request, lending a fresh copy of `lend` (ORB_CAP_NONE: none). A copy
 * that was never handed over (the call failed before the service took it) is deleted. */
static long attempt(orb_cptr_t ep, uint32_t tag, const void *data, size_t len, orb_cptr_t lend,
		    uint8_t rights, orb_msg_t *reply)
{
	if (lend == ORB_CAP_NONE)
		return orb_call(ep, tag, data, len, NULL, 0, reply);
	long copy = orb_cap_derive(lend, (uint8_t)(rights | ORB_RIGHT_GRANT), 0, 0);
	if (copy < 0)
		return copy;
	orb_cptr_t c = (orb_cptr_t)copy;
	long rc = orb_call_with(ep, tag, data, len, &c, &rights, 1, reply);
	orb_cap_info_t ci;
	if (orb_cap_inspect(c, &ci) == 0)
		orb_cap_delete(c);
	return rc;
}

long orb_request_lend(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
		      orb_cptr_t lend, uint8_t rights, orb_msg_t *reply)
{
	for (int n = 0;; n++) {
		long rc = attempt(ep, tag, data, len, lend, rights, reply);
		bool restarting = rc == -ORB_EDEAD;
		if (rc == 0 && reply->tag == ORB_MSG_ERROR) {
			orb_msg_error_t e;
			restarting = orb_msg_error_decode(reply->data, reply->len, &e) == 0 &&
				     e.code == ORB_ERROR_RESTARTING;
			if (!restarting)
				return -ORB_EINVAL;
		}
		if (!restarting || n >= 200)
			return restarting ? -ORB_EDEAD : rc;
		orb_sleep_ms(10);
	}
}

long orb_subscribe(orb_cptr_t service_ep, uint32_t event_type, orb_cptr_t notify_ep)
{
	long copy = orb_cap_derive(notify_ep, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT, 0, 0);
	if (copy < 0)
		return copy;
	uint8_t buf[8];
	orb_msg_subscribe_t s = { .event_type = event_type };
	long n = orb_msg_subscribe_encode(buf, sizeof(buf), &s);
	orb_cptr_t c = (orb_cptr_t)copy;
	orb_msg_t reply;
	long rc = orb_call(service_ep, ORB_MSG_SUBSCRIBE, buf, (size_t)n, &c, 1, &reply);
	if (rc < 0)
		orb_cap_delete(c);
	return rc < 0 ? rc : 0;
}

long orb_notify(orb_cptr_t subscriber, uint32_t event_type, const void *data, size_t len)
{
	uint8_t buf[ORB_MAX_MSG_SIZE];
	orb_msg_notification_t n = { .event_type = event_type,
				     .data = { .ptr = data, .len = (uint32_t)len } };
	long sz = orb_msg_notification_encode(buf, sizeof(buf), &n);
	return sz < 0 ? sz : orb_send(subscriber, ORB_MSG_NOTIFICATION, buf, (size_t)sz, NULL, 0);
}
