/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The System instances (netcheck.h). system-net-check: every method with request and
 * response bodies of 0 B, 5 KiB and 4 MiB, plain and chunked; hostile servers, one of
 * them beside quick requests; the policy read, refused when malformed, and replaced (the
 * rules netapp-b runs under). system-net-kill: the Network service killed 20 times while
 * a thread keeps 4 MiB transfers going (each either whole or ended by a kill: the thread
 * stops before the last kill, so no transfer outlives the test however slow the host),
 * then one more request. A transfer that fails otherwise is reported with its error.
 */
#include "netcheck.h"

static const char *const method_names[] = { "get", "post", "put", "delete", "patch", "head" };
static const uint64_t sizes[] = { 0, 5120, BIG };
static const char *const size_names[] = { "0", "5k", "4m" };

static void methods(void)
{
	static const uint8_t ms[] = { ORB_NET_METHOD_GET, ORB_NET_METHOD_POST, ORB_NET_METHOD_PUT,
				      ORB_NET_METHOD_DELETE, ORB_NET_METHOD_HEAD };
	const uint8_t *body = pattern_bytes();
	for (unsigned m = 0; m < ORB_ARRAY_SIZE(ms); m++) {
		for (unsigned s = 0; s < ORB_ARRAY_SIZE(sizes); s++) {
			for (int chunked = 0; chunked < 2; chunked++) {
				uint8_t method = ms[m];
				if (method == ORB_NET_METHOD_HEAD && chunked)
					continue;
				char url[96], name[48];
				const char *header = "X-Method";
				bool has_body = method != ORB_NET_METHOD_GET &&
						method != ORB_NET_METHOD_HEAD;
				if (method == ORB_NET_METHOD_GET)
					header = NULL;
				if (method == ORB_NET_METHOD_HEAD)
					header = "Content-Length";
				if (has_body)
					snprintf(url, sizeof(url), WEB "/%s", chunked ? "echo-chunked"
										  : "echo");
				else
					snprintf(url, sizeof(url), WEB "/%s/%lu",
						 chunked ? "chunked" : "bytes",
						 (unsigned long)sizes[s]);
				snprintf(name, sizeof(name), "%s-%s%s", method_names[method],
					 size_names[s], chunked ? "-chunked" : "");
				struct result r;
				net_do(&main_client, method, url, body, sizes[s], has_body, 30000,
				       header, &r);
				report(name, &r);
			}
		}
	}
}

/* --- policy ---------------------------------------------------------------------------- */

struct cursor {
	uint8_t *p;
	size_t n;
};

static void put_le(struct cursor *c, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		c->p[c->n++] = (uint8_t)(v >> (8 * i));
}

static void put_str(struct cursor *c, const char *s)
{
	size_t len = strlen(s);
	put_le(c, len, 2);
	memcpy(c->p + c->n, s, len);
	c->n += len;
}

static void put_rule(struct cursor *c, const char *id, uint8_t cls, const char *cname,
		     const char *pattern, bool allow, uint32_t priority)
{
	put_str(c, id);
	put_le(c, cls, 1);
	put_str(c, cname);
	put_le(c, 0, 4);
	put_str(c, pattern);
	put_le(c, allow, 1);
	put_le(c, priority, 4);
}

static void policy_show(const char *name)
{
	orb_msg_t reply;
	orb_msg_net_policy_query_response_t r;
	long rc = orb_call(NET_SLOT, ORB_MSG_NET_POLICY_QUERY, NULL, 0, NULL, 0, &reply);
	if (rc < 0 || orb_msg_net_policy_query_response_decode(reply.data, reply.len, &r) < 0) {
		orb_printf(ORB_SERVICE_NAME ": %s: no answer: %ld\n", name, rc);
		return;
	}
	orb_printf(ORB_SERVICE_NAME ": %s: status %ld, %u rules:", name, (long)r.status, r.count);
	const uint8_t *p = r.rules.ptr, *end = p + r.rules.len;
	for (uint32_t i = 0; i < r.count && p + 2 <= end; i++) {   /* print each id */
		uint16_t n = (uint16_t)(p[0] | p[1] << 8);
		char id[65];
		orb_strcopy(id, sizeof(id), (const char *)p + 2, n);
		orb_printf(" %s", id);
		p += 2 + n + 1;                                   /* id, applies_to */
		p += 2 + (p[0] | p[1] << 8) + 4;                  /* class_name, class_pid */
		p += 2 + (p[0] | p[1] << 8) + 1 + 4;              /* pattern, allow, priority */
	}
	orb_printf("\n");
}

static void policy_set(const char *name, uint32_t count, const uint8_t *rules, size_t len)
{
	static uint8_t buf[ORB_MAX_MSG_SIZE];
	orb_msg_net_policy_update_t u = { .count = count, .rules = { rules, (uint32_t)len } };
	long n = orb_msg_net_policy_update_encode(buf, sizeof(buf), &u);
	orb_msg_t reply;
	orb_msg_net_policy_update_response_t r;
	long rc = n < 0 ? n : orb_call(NET_SLOT, ORB_MSG_NET_POLICY_UPDATE, buf, (size_t)n, NULL,
				       0, &reply);
	if (rc < 0 || orb_msg_net_policy_update_response_decode(reply.data, reply.len, &r) < 0)
		orb_printf(ORB_SERVICE_NAME ": %s: no answer: %ld\n", name, rc);
	else
		orb_printf(ORB_SERVICE_NAME ": %s: status %s\n", name,
			   r.status ? orb_errno_name(r.status) : "0");
}

static void policy(void)
{
	static uint8_t rules[2048];
	struct cursor c = { rules, 0 };
	policy_show("policy-default");
	put_rule(&c, "broken", 9, "", "*", true, 1);               /* no such class */
	policy_set("policy-set-malformed", 1, rules, c.n);
	c.n = 0;
	put_rule(&c, "system-allow-all", ORB_NET_CLASS_SYSTEM, "", "*", true, 100);
	put_rule(&c, "runtime-allow-all", ORB_NET_CLASS_RUNTIME, "", "*", true, 100);
	put_rule(&c, "block-malware", ORB_NET_CLASS_APPLICATION, "", "*.malware.example.com",
		 false, 90);
	put_rule(&c, "netapp-b-no-secret", ORB_NET_CLASS_NAMED, "netapp-b", "*/secret", false,
		 70);
	put_rule(&c, "app-http-web", ORB_NET_CLASS_APPLICATION, "", "http://web.test:8080/*",
		 true, 60);
	put_rule(&c, "app-https-only", ORB_NET_CLASS_APPLICATION, "", "https://*", true, 50);
	policy_set("policy-set", 6, rules, c.n);
	policy_show("policy-after");
}

/* --- hostile servers, one beside quick requests ----------------------------------------- */

static struct client slow_client;
static struct result slow_result;
static volatile bool slow_done;

static void slow_thread(void *arg)
{
	(void)arg;
	net_do(&slow_client, ORB_NET_METHOD_GET, WEB "/slowloris", NULL, 0, false, 5000, NULL,
	       &slow_result);
	slow_done = true;
}

static void hostile(void)
{
	fetch_report("hostile-endless-headers", ORB_NET_METHOD_GET, WEB "/endless-headers", NULL,
		     0, false, 10000);
	fetch_report("hostile-endless-body", ORB_NET_METHOD_GET, WEB "/endless-body", NULL, 0,
		     false, 3000);
	fetch_report("hostile-reset", ORB_NET_METHOD_GET, WEB "/reset", NULL, 0, false, 10000);
	fetch_report("hostile-bad-chunk", ORB_NET_METHOD_GET, WEB "/bad-chunk", NULL, 0, false,
		     10000);
	fetch_report("larger-than-room", ORB_NET_METHOD_GET, WEB "/bytes/8388608", NULL, 0, false,
		     10000);
	fetch_report("silent-timeout", ORB_NET_METHOD_GET, WEB "/silent", NULL, 0, false, 2000);
	long tid = orb_thread_start(slow_thread, NULL, orb_priority());
	if (tid < 0) {
		orb_printf(ORB_SERVICE_NAME ": hostile-slowloris: no thread: %ld\n", tid);
		return;
	}
	orb_sleep_ms(300);                     /* the slow request is under way */
	unsigned quick = 0;
	for (unsigned i = 0; i < 5; i++) {
		struct result r;
		net_do(&main_client, ORB_NET_METHOD_GET, WEB "/hello", NULL, 0, false, 10000,
		       NULL, &r);
		quick += r.call >= 0 && r.ok && r.status == 200 && !slow_done;
	}
	orb_printf(ORB_SERVICE_NAME ": beside-slowloris: %u quick requests answered while it "
		   "was pending\n", quick);
	orb_thread_join_out_t code;
	orb_thread_join((uint64_t)tid, &code);
	report("hostile-slowloris", &slow_result);
}

/* --- kills ------------------------------------------------------------------------------ */

#define KILLS 20

static struct client kill_client;
static volatile bool stop;
static unsigned transfers_ok, transfers_failed, transfers_dead;

static void transfer_thread(void *arg)
{
	(void)arg;
	while (!stop) {
		struct result r;
		net_do(&kill_client, ORB_NET_METHOD_GET, WEB "/bytes/4194304", NULL, 0, false,
		       60000, NULL, &r);
		if (r.call >= 0 && r.ok && r.status == 200 && r.len == BIG &&
		    r.fnv == fnv1a(pattern_bytes(), BIG))
			transfers_ok++;
		else if (r.call == -ORB_EDEAD)
			transfers_dead++;
		else if (++transfers_failed <= 3)
			report("transfer-failed", &r);
	}
}

static uint32_t network_pid(void)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < 64; i++)
		if (!strcmp((const char *)list[i].name, "network"))
			return list[i].pid;
	return 0;
}

int kill_run(void)
{
	pattern_bytes();
	long tid = orb_thread_start(transfer_thread, NULL, orb_priority());
	if (tid < 0) {
		orb_printf(ORB_SERVICE_NAME ": kill: no thread: %ld\n", tid);
		return 1;
	}
	unsigned killed = 0, restarted = 0;
	for (unsigned k = 0; k < KILLS; k++) {
		orb_sleep_ms(150 + 37 * (k % 5));      /* into a transfer, at varying points */
		uint32_t pid = network_pid();
		if (k == KILLS - 1)
			stop = true;      /* the transfer under way is the thread's last */
		if (!pid || orb_process_kill(PROC_SLOT, pid) < 0)
			break;
		killed++;
		for (int ms = 0; ms < 5000; ms += 5) {  /* init starts the next instance */
			uint32_t now = network_pid();
			if (now && now != pid) {
				restarted++;
				break;
			}
			orb_sleep_ms(5);
		}
	}
	stop = true;
	orb_thread_join_out_t code;
	orb_thread_join((uint64_t)tid, &code);
	orb_printf(ORB_SERVICE_NAME ": kill: %u kills, %u restarts; transfers: %u whole, %u "
		   "ended by the kill, %u failed otherwise\n", killed, restarted, transfers_ok,
		   transfers_dead, transfers_failed);
	fetch_report("after-kills", ORB_NET_METHOD_GET, WEB "/hello", NULL, 0, false, 20000);
	return 0;
}

int system_run(void)
{
	methods();
	hostile();
	policy();                              /* netapp-b runs under the new policy */
	return 0;
}
