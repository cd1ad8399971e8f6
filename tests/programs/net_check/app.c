/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Application instances (netcheck.h). netapp-a runs under the default policy:
 * plain http is denied by default (only app-https-only allows Applications anything),
 * https is allowed, a *.malware.example.com host is denied by block-malware, and the
 * policy is not its to read. netapp-b runs under the rules system-net-check added (see
 * system.c): plain http to web.test allowed, /secret denied by a Named rule, the policy
 * not its to replace; then it spends its rate limit: requests until the first refusal.
 */
#include "netcheck.h"

static void policy_query(void)
{
	orb_msg_t reply;
	orb_msg_net_policy_query_response_t r;
	long rc = orb_call(NET_SLOT, ORB_MSG_NET_POLICY_QUERY, NULL, 0, NULL, 0, &reply);
	if (rc >= 0 && orb_msg_net_policy_query_response_decode(reply.data, reply.len, &r) >= 0)
		orb_printf(ORB_SERVICE_NAME ": policy-query: status %s\n",
			   r.status ? orb_errno_name(r.status) : "0");
	else
		orb_printf(ORB_SERVICE_NAME ": policy-query: no answer: %ld\n", rc);
}

static void policy_update(void)
{
	uint8_t buf[64];
	orb_msg_net_policy_update_t u = { .count = 0, .rules = { NULL, 0 } };
	long n = orb_msg_net_policy_update_encode(buf, sizeof(buf), &u);
	orb_msg_t reply;
	orb_msg_net_policy_update_response_t r;
	long rc = n < 0 ? n : orb_call(NET_SLOT, ORB_MSG_NET_POLICY_UPDATE, buf, (size_t)n, NULL,
				       0, &reply);
	if (rc >= 0 && orb_msg_net_policy_update_response_decode(reply.data, reply.len, &r) >= 0)
		orb_printf(ORB_SERVICE_NAME ": policy-update: status %s\n",
			   r.status ? orb_errno_name(r.status) : "0");
	else
		orb_printf(ORB_SERVICE_NAME ": policy-update: no answer: %ld\n", rc);
}

/* Requests until the first refusal (at most 150, each with a 10 s timeout). */
static void spend_rate_limit(void)
{
	struct result r;
	unsigned ok = 0, other = 0;
	for (unsigned i = 0; i < 150; i++) {
		net_do(&main_client, ORB_NET_METHOD_GET, WEB "/hello", NULL, 0, false, 10000, NULL,
		       &r);
		if (r.call >= 0 && r.ok && r.status == 200) {
			ok++;
			continue;
		}
		if (r.call >= 0 && !r.ok && r.error == ORB_NET_ERR_OTHER &&
		    !strncmp(r.reason, "rate limit", 10))
			break;
		other++;
	}
	orb_printf(ORB_SERVICE_NAME ": rate: %u answered, %u failed otherwise\n", ok, other);
	report("rate-refused", &r);
}

int app_run(bool second)
{
	if (!second) {
		fetch_report("http-default-deny", ORB_NET_METHOD_GET, WEB "/hello", NULL, 0, false,
			     10000);
		fetch_report("https-allowed", ORB_NET_METHOD_GET, WEBS "/hello", NULL, 0, false,
			     10000);
		fetch_report("malware-host", ORB_NET_METHOD_GET,
			     "https://x.malware.example.com/hello", NULL, 0, false, 10000);
		fetch_report("malware-host-http", ORB_NET_METHOD_GET,
			     "http://deep.x.malware.example.com:8080/", NULL, 0, false, 10000);
		fetch_report("invalid-url", ORB_NET_METHOD_GET, "ftp://web.test/", NULL, 0, false,
			     10000);
		policy_query();
		return 0;
	}
	fetch_report("http-allowed-by-new-rule", ORB_NET_METHOD_GET, WEB "/hello", NULL, 0,
		     false, 10000);
	fetch_report("secret-denied-by-named-rule", ORB_NET_METHOD_GET, WEB "/secret", NULL, 0,
		     false, 10000);
	policy_update();
	spend_rate_limit();
	return 0;
}
