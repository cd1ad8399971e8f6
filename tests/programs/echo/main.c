/* SPDX-License-Identifier: Apache-2.0 */
/*
 * echo: the test service of the supervision tests (images/svc-test.toml). It registers the
 * type "echo" and answers ECHO {seq} with ECHO_RESPONSE {seq, version, pid}, the version
 * being this build's (ORB_SERVICE_VERSION, so that a live update to another build is
 * visible to callers). CRASH makes it fault on purpose, as a buggy service would; an
 * ECHO with the ECHO_SLOW bit is held a while first (echo.h).
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#include "echo.h"

static uint32_t version(void)
{
	uint32_t v = 0;
	for (const char *p = ORB_SERVICE_VERSION; *p >= '0' && *p <= '9' && v < 100000; p++)
		v = v * 10 + (uint32_t)(*p - '0');
	return v;
}

static long echo(const orb_msg_t *m)
{
	orb_msg_echo_t q;
	if (orb_msg_echo_decode(m->data, m->len, &q) < 0)
		return -ORB_EINVAL;
	if (q.seq & ECHO_SLOW) {
		orb_printf("echo: pid %u holding request %lu for %u ms\n", orb_pid(),
			   (unsigned long)(q.seq & ~ECHO_SLOW), ECHO_SLOW_MS);
		orb_sleep_ms(ECHO_SLOW_MS);
	}
	orb_msg_echo_response_t r = { .seq = q.seq, .version = version(), .pid = orb_pid() };
	uint8_t buf[16];
	long n = orb_msg_echo_response_encode(buf, sizeof(buf), &r);
	return orb_reply(ORB_MSG_ECHO_RESPONSE, buf, (size_t)n, NULL, 0);
}

static long handle(orb_msg_t *m)
{
	switch (m->tag) {
	case ORB_MSG_ECHO:
		return echo(m);
	case ORB_MSG_CRASH: {
		volatile uint64_t *volatile nowhere = (volatile uint64_t *)8;
		*nowhere = 0xdead;   /* page 0 is never mapped: #PF, the kernel ends us */
		return 0;
	}
	default:
		return -ORB_ENOSYS;
	}
}

int main(void)
{
	static const struct orb_service svc = {
		.type = "echo", .version = ORB_SERVICE_VERSION, .handle = handle,
	};
	return orb_service_run(&svc);
}
