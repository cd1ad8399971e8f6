/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An Application asking the Network service for three URLs, for the browser's network
 * test (tests/browser/test_wasm_network.py, images/browser-net-test.toml): the policy
 * classes it by its name, "webapp", so the default rules decide — plain http is allowed
 * to no Application, *.malware.example.com is denied by rule, and https goes on to the
 * transport (the page's fetch(); nobody listens on port 1). One line per URL:
 * "webapp: URL: error KIND: reason" or "webapp: URL: status S", then "webapp: done".
 * Bodies stay inline (no shared object is lent).
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

static const char *const kinds[] = { "PolicyDenied", "DnsError", "ConnectionFailed",
				     "Timeout", "InvalidUrl", "CorsError", "Other" };
static const char *const urls[] = { "http://127.0.0.1:1/plain", "https://x.malware.example.com/",
				    "https://127.0.0.1:1/tls" };

static void ask(orb_cptr_t ep, const char *url)
{
	orb_msg_net_request_t req = { .method = ORB_NET_METHOD_GET, .timeout_ms = 10000,
				      .url = { url, (uint16_t)strlen(url) } };
	static uint8_t buf[ORB_MAX_MSG_SIZE];
	long n = orb_msg_net_request_encode(buf, sizeof(buf), &req);
	orb_msg_t reply;
	long rc = n < 0 ? n : orb_call(ep, ORB_MSG_NET_REQUEST, buf, (size_t)n, NULL, 0, &reply);
	orb_msg_net_response_t r;
	if (rc < 0 || orb_msg_net_response_decode(reply.data, reply.len, &r) < 0) {
		orb_printf("webapp: %s: no answer (%ld)\n", url, rc);
		return;
	}
	if (r.ok) {
		orb_printf("webapp: %s: status %u\n", url, r.status);
		return;
	}
	static char reason[512];
	orb_strcopy(reason, sizeof(reason), r.reason.ptr, r.reason.len);
	orb_printf("webapp: %s: error %s: %s\n", url,
		   r.error < ORB_ARRAY_SIZE(kinds) ? kinds[r.error] : "?", reason);
}

int main(void)
{
	orb_send_ready();
	orb_cptr_t ep;
	long rc = orb_lookup_service("network", &ep, NULL, 0);
	if (rc < 0) {
		orb_printf("webapp: no network service (%ld)\n", rc);
		return 1;
	}
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(urls); i++)
		ask(ep, urls[i]);
	orb_printf("webapp: done\n");
	return 0;
}
