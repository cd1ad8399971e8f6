/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Messages: endpoints, send, receive, call, reply, and the two patterns of the design —
 * request/response (call with a one-shot reply capability, retried while the service is
 * restarting) and subscribe/notify. Payloads of up to 32 bytes travel in registers,
 * longer ones (up to 4096) in the thread's IPC buffer; callers never see the difference.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>

/* A received message. `data` points into the message itself (short payloads) or into the
 * receiving thread's IPC buffer: it is valid until the thread's next receive or call. */
typedef struct {
	uint32_t tag;
	uint32_t len;
	uint32_t ncaps;
	uint32_t sender;            /* PID stamped by the kernel; 0 = the kernel itself */
	uint64_t badge;             /* badge of the capability the sender used */
	orb_cptr_t caps[ORB_MAX_MSG_CAPS];
	const uint8_t *data;
	uint8_t inline_data[ORB_MSG_REG_BYTES];
} orb_msg_t;

/* Create an endpoint (R|W|G in *ep); returns its id or -E. */
long orb_ep_create(orb_cptr_t *ep);
long orb_ep_destroy(orb_cptr_t ep);

/* Queue a message (never blocks; -EAGAIN when the queue is full). Capabilities in caps
 * move to the receiver and need GRANT. */
long orb_send(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
	      const orb_cptr_t *caps, unsigned ncaps);
/* Receive, blocking up to timeout_ns (0: forever; -ETIMEDOUT when it passes). */
long orb_recv(orb_cptr_t ep, orb_msg_t *m, uint64_t timeout_ns);
/* Receive without blocking: -EAGAIN when nothing is queued. */
long orb_try_recv(orb_cptr_t ep, orb_msg_t *m);
/* Send and wait for the answer on a one-shot reply capability. */
long orb_call(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
	      const orb_cptr_t *caps, unsigned ncaps, orb_msg_t *reply);
/* Answer the call this thread received last. */
long orb_reply(uint32_t tag, const void *data, size_t len, const orb_cptr_t *caps,
	       unsigned ncaps);
/* The same, handing over capability i with only rights[i] (ORB_RIGHT_*; 0 keeps all). */
long orb_send_with(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
		   const orb_cptr_t *caps, const uint8_t *rights, unsigned ncaps);
long orb_reply_with(uint32_t tag, const void *data, size_t len, const orb_cptr_t *caps,
		    const uint8_t *rights, unsigned ncaps);
long orb_call_with(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
		   const orb_cptr_t *caps, const uint8_t *rights, unsigned ncaps, orb_msg_t *reply);
/* Answer with MSG_ERROR {request_tag, code} (ORB_ERROR_*). */
long orb_reply_error(uint32_t request_tag, uint32_t code);

/* Request/response for clients of a service: a call, retried (up to ~2 s) while the
 * service is restarting — its last instance died holding our request (-EDEAD) or it
 * answered MSG_ERROR with ORB_ERROR_RESTARTING. A reply of MSG_ERROR is returned as
 * -EINVAL with reply->tag == ORB_MSG_ERROR. */
long orb_request(orb_cptr_t ep, uint32_t tag, const void *data, size_t len, orb_msg_t *reply);
/* The same, lending a capability: each attempt moves a fresh copy of `lend` narrowed to
 * `rights` as the message's capability 0 (a copy the service never took is deleted). */
long orb_request_lend(orb_cptr_t ep, uint32_t tag, const void *data, size_t len,
		      orb_cptr_t lend, uint8_t rights, orb_msg_t *reply);

/* Subscribe/notify: hand a service a W copy of our notification endpoint for
 * event_type; a publisher sends MSG_NOTIFICATION {event_type, data} to each. */
long orb_subscribe(orb_cptr_t service_ep, uint32_t event_type, orb_cptr_t notify_ep);
long orb_notify(orb_cptr_t subscriber, uint32_t event_type, const void *data, size_t len);
