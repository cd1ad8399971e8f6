/* SPDX-License-Identifier: Apache-2.0 */
/*
 * system-net-bench (images/bench-net.toml, `orbital-qemu bench`): HTTP through the
 * Network service from a System client: BIG_RUNS GETs of 4 MiB (Content-Length, each its
 * own connection, the body into the client's shared object) and SMALL_RUNS GETs of
 * /hello, after one request that waits for the DHCP lease. Prints `netbench: {json}`
 * with MiB/s and requests/s in guest time (the calibrated TSC, which under plain TCG
 * follows the host's clock). 1 + BIG_RUNS + SMALL_RUNS stays under the rate limit.
 */
#include "netcheck.h"

#define BIG_RUNS 8
#define SMALL_RUNS 60

static bool get(const char *url, uint64_t want_len)
{
	struct result r;
	net_do(&main_client, ORB_NET_METHOD_GET, url, NULL, 0, false, 60000, NULL, &r);
	if (r.call < 0 || !r.ok || r.status != 200 || r.len != want_len) {
		report("bench-request", &r);
		return false;
	}
	return true;
}

int bench_run(void)
{
	if (!get(WEB "/hello", 19))
		return 1;
	uint64_t t0 = orb_now_ns();
	for (unsigned i = 0; i < BIG_RUNS; i++)
		if (!get(WEB "/bytes/4194304", BIG))
			return 1;
	uint64_t t1 = orb_now_ns();
	for (unsigned i = 0; i < SMALL_RUNS; i++)
		if (!get(WEB "/hello", 19))
			return 1;
	uint64_t t2 = orb_now_ns();
	uint64_t big_ns = t1 - t0 ? t1 - t0 : 1, small_ns = t2 - t1 ? t2 - t1 : 1;
	uint64_t mib100 = (uint64_t)BIG_RUNS * BIG * 100 * 1000000000ull / big_ns >> 20;
	uint64_t req100 = (uint64_t)SMALL_RUNS * 100 * 1000000000ull / small_ns;
	orb_printf("netbench: {\"http_get_4m_mib_per_s\": %lu.%02lu, \"http_small_req_per_s\": "
		   "%lu.%02lu, \"http_get_4m_runs\": %u, \"http_small_runs\": %u}\n",
		   (unsigned long)(mib100 / 100), (unsigned long)(mib100 % 100),
		   (unsigned long)(req100 / 100), (unsigned long)(req100 % 100), BIG_RUNS,
		   SMALL_RUNS);
	return 0;
}
