/* SPDX-License-Identifier: Apache-2.0 */
/* Calls to init's supervision API (SVC_*), decoding SVC_RESPONSE. */
#include "client.h"

long svc_call(uint32_t tag, const char *name, const char *image, orb_svc_status_t *items,
	      uint32_t max, uint32_t *count)
{
	uint8_t buf[128];
	long n = 0;
	if (tag == ORB_MSG_SVC_UPDATE) {
		orb_msg_svc_update_t q = {
			.name = { .ptr = name, .len = (uint16_t)strlen(name) },
			.image = { .ptr = image, .len = (uint16_t)strlen(image) },
		};
		n = orb_msg_svc_update_encode(buf, sizeof(buf), &q);
	} else if (name) {
		orb_msg_svc_status_t q = { .name = { .ptr = name, .len = (uint16_t)strlen(name) } };
		n = orb_msg_svc_status_encode(buf, sizeof(buf), &q);
	}
	if (n < 0)
		return n;
	orb_msg_t reply;
	long rc = orb_call(ORB_SLOT_INIT, tag, buf, (size_t)n, NULL, 0, &reply);
	if (rc < 0)
		return rc;
	orb_msg_svc_response_t r;
	if (reply.tag != ORB_MSG_SVC_RESPONSE ||
	    orb_msg_svc_response_decode(reply.data, reply.len, &r) < 0 ||
	    r.items.len != r.count * sizeof(orb_svc_status_t))
		return -ORB_EINVAL;
	uint32_t k = r.count < max ? r.count : max;
	if (items && k)
		memcpy(items, r.items.ptr, k * sizeof(orb_svc_status_t));
	if (count)
		*count = k;
	return r.status;
}

long svc_status(const char *name, orb_svc_status_t *out)
{
	uint32_t n = 0;
	long rc = svc_call(ORB_MSG_SVC_STATUS, name, NULL, out, 1, &n);
	return rc == 0 && n != 1 ? -ORB_EINVAL : rc;
}

/* Poll SVC_STATUS every 10 ms until the service is in `state`. */
long svc_wait_state(const char *name, uint8_t state, uint64_t timeout_ms, orb_svc_status_t *out)
{
	for (uint64_t waited = 0; waited <= timeout_ms; waited += 10) {
		long rc = svc_status(name, out);
		if (rc < 0 || out->state == state)
			return rc;
		orb_sleep_ms(10);
	}
	return -ORB_ETIMEDOUT;
}
