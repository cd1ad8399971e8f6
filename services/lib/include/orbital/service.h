/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writing a service: the loop of the design's `_start` — take the endpoint init made for
 * us (slot ORB_SLOT_SELF), register the service type, say ready, then receive and
 * dispatch on the tag. HEALTH_CHECK and SERVICE_STOP (from the process that started us,
 * no one else) are answered here; a tag the service
 * does not handle, or a handler error, is answered with MSG_ERROR so that no caller is
 * left without a reply.
 */
#pragma once

#include <orbital/ipc.h>

struct orb_service {
	const char *type;                    /* registry type, or NULL to skip registering */
	const char *version;
	/* Handle one request; reply to it (orb_reply) and return 0, or return -E and the
	 * loop answers MSG_ERROR (-EINVAL: ERROR_MALFORMED, -ENOSYS: ERROR_UNKNOWN_REQUEST,
	 * else ERROR_ERRNO | E). Received capabilities still in req->caps afterwards are
	 * deleted: a handler keeping one sets its entry to ORB_CAP_NONE. */
	long (*handle)(orb_msg_t *req);
	/* Called when no message came for idle_ns (0: never). */
	void (*idle)(void);
	uint64_t idle_ns;
	/* Threads receiving requests at once (0 or 1: only the caller's). With more, handle()
	 * runs in several threads together and must be safe to; a SERVICE_STOP taken by any
	 * of them ends the whole process. */
	unsigned threads;
};

/* Register (if type), signal ready, serve until SERVICE_STOP; returns the exit code. */
int orb_service_run(const struct orb_service *svc);

/* Registry (init, spec §3.5 Orbital decision). */
long orb_register_service(const char *type, const char *version, orb_cptr_t ep);
/* The endpoint (W) of a registered service type, placed in *ep; version copied out. */
long orb_lookup_service(const char *type, orb_cptr_t *ep, char *version, size_t vlen);
long orb_send_ready(void);

/* A NUL-terminated copy of a wire string. */
void orb_strcopy(char *dst, size_t dstlen, const char *src, size_t srclen);
