/* SPDX-License-Identifier: Apache-2.0 */
/* The Network service's start: the stack thread, then the serving threads (net.h). */
#include "conn.h"

struct net net;

int main(void)
{
	long rc = orb_ep_create(&net.frames);
	if (rc < 0) {
		orb_printf("network: cannot create the frame endpoint: %ld\n", rc);
		return 1;
	}
	for (unsigned i = 0; i < NET_MAX_ACTIVE; i++) {
		long n = orb_notification_create();
		if (n < 0) {
			orb_printf("network: cannot create a notification: %ld\n", n);
			return 1;
		}
		net.job[i].done = (orb_cptr_t)n;
	}
	policy_default(&net.policy);
	rate_init(&net.rate, ORB_NET_RATE_LIMIT, (uint64_t)ORB_NET_RATE_WINDOW_MS * 1000000u);
	if (!fetch_open()) {   /* no host HTTP client: TCP/IP on the NIC driver */
		clock_start(SLOT_RTC);
		if (netif_start() < 0)
			return 1;
	}
	rc = orb_thread_start(net_stack_thread, NULL, orb_priority());
	if (rc < 0) {
		orb_printf("network: cannot start the stack thread: %ld\n", rc);
		return 1;
	}
	static const struct orb_service svc = {
		.type = "network", .version = ORB_SERVICE_VERSION, .handle = net_handle,
		.threads = NET_WORKERS,
	};
	return orb_service_run(&svc);
}
