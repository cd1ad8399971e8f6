/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

void orb_strcopy(char *dst, size_t dstlen, const char *src, size_t srclen)
{
	size_t n = srclen < dstlen - 1 ? srclen : dstlen - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static orb_str_t str(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

long orb_register_service(const char *type, const char *version, orb_cptr_t ep)
{
	long copy = orb_cap_derive(ep, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT, 0, 0);
	if (copy < 0)
		return copy;
	uint8_t buf[128];
	orb_msg_register_service_t r = { .service_type = str(type), .version = str(version) };
	long n = orb_msg_register_service_encode(buf, sizeof(buf), &r);
	if (n < 0)
		return n;
	orb_cptr_t c = (orb_cptr_t)copy;
	orb_msg_t reply;
	long rc = orb_call(ORB_SLOT_INIT, ORB_MSG_REGISTER_SERVICE, buf, (size_t)n, &c, 1, &reply);
	if (rc < 0)
		return rc;
	orb_msg_register_response_t resp;
	if (reply.tag != ORB_MSG_REGISTER_RESPONSE ||
	    orb_msg_register_response_decode(reply.data, reply.len, &resp) < 0)
		return -ORB_EINVAL;
	return resp.status;
}

long orb_lookup_service(const char *type, orb_cptr_t *ep, char *version, size_t vlen)
{
	uint8_t buf[64];
	orb_msg_lookup_service_t q = { .service_type = str(type) };
	long n = orb_msg_lookup_service_encode(buf, sizeof(buf), &q);
	if (n < 0)
		return n;
	orb_msg_t reply;
	long rc = orb_call(ORB_SLOT_INIT, ORB_MSG_LOOKUP_SERVICE, buf, (size_t)n, NULL, 0, &reply);
	if (rc < 0)
		return rc;
	orb_msg_lookup_response_t resp;
	if (reply.tag != ORB_MSG_LOOKUP_RESPONSE ||
	    orb_msg_lookup_response_decode(reply.data, reply.len, &resp) < 0)
		return -ORB_EINVAL;
	if (!resp.found || reply.ncaps != 1)
		return -ORB_ENOENT;
	*ep = reply.caps[0];
	if (version && vlen)
		orb_strcopy(version, vlen, resp.version.ptr, resp.version.len);
	return 0;
}

long orb_send_ready(void)
{
	return orb_send(ORB_SLOT_INIT, ORB_MSG_SERVICE_READY, NULL, 0, NULL, 0);
}

/* The process that started us: only it may stop us (init for a service it supervises,
 * the Process Manager for a program it spawned). */
static uint32_t parent_pid(void)
{
	orb_proc_entry_t e;
	return orb_self_entry(&e) == 0 ? e.parent : 1;
}

static uint32_t supervisor;

/* The receive loop of one serving thread: returns the exit code. */
static int serve(const struct orb_service *svc)
{
	for (;;) {
		orb_msg_t m;
		long rc = orb_recv(ORB_SLOT_SELF, &m, svc->idle ? svc->idle_ns : 0);
		if (rc == -ORB_ETIMEDOUT) {
			svc->idle();
			continue;
		}
		if (rc < 0) {
			orb_printf("service %s: receive failed: %ld\n", svc->type ? svc->type : "?", rc);
			return 3;
		}
		switch (m.tag) {
		case ORB_MSG_HEALTH_CHECK:   /* only init sends it, asynchronously */
			orb_send(ORB_SLOT_INIT, ORB_MSG_HEALTH_OK, NULL, 0, NULL, 0);
			continue;
		case ORB_MSG_SERVICE_STOP:
			if (m.sender != supervisor) {   /* a stop from anyone else is refused */
				orb_reply_error(m.tag, ORB_ERROR_ERRNO | ORB_EPERM);
				continue;
			}
			orb_reply(ORB_MSG_SERVICE_STOP, NULL, 0, NULL, 0);
			if (svc->threads > 1)
				orb_exit_process(0);   /* the other serving threads go too */
			return 0;
		default:
			break;
		}
		rc = svc->handle(&m);
		if (rc < 0)
			orb_reply_error(m.tag, rc == -ORB_EINVAL ? ORB_ERROR_MALFORMED :
					       rc == -ORB_ENOSYS ? ORB_ERROR_UNKNOWN_REQUEST :
					       ORB_ERROR_ERRNO | (uint32_t)-rc);
		for (uint32_t i = 0; i < m.ncaps; i++)   /* capabilities nobody kept */
			if (m.caps[i] != ORB_CAP_NONE)
				orb_cap_delete(m.caps[i]);
	}
}

static void serve_thread(void *arg)
{
	orb_exit_process(serve(arg));
}

int orb_service_run(const struct orb_service *svc)
{
	supervisor = parent_pid();
	if (svc->type) {
		long rc = orb_register_service(svc->type, svc->version ? svc->version : "1",
					       ORB_SLOT_SELF);
		if (rc < 0) {
			orb_printf("%s: registering as '%s' failed: %ld\n", svc->type, svc->type, rc);
			return 2;
		}
	}
	uint32_t priority = orb_priority();
	for (unsigned i = 1; i < svc->threads; i++) {
		long tid = orb_thread_start(serve_thread, (void *)(uintptr_t)svc, priority);
		if (tid < 0) {
			orb_printf("%s: cannot start serving thread %u: %ld\n",
				   svc->type ? svc->type : "service", i, tid);
			return 2;
		}
	}
	orb_send_ready();
	return serve(svc);
}
