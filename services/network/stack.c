/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The stack thread (net.h): the only thread that touches lwIP, the connections, the
 * policy and the rate limit. It sleeps on the frame endpoint until a frame, a wake-up or
 * the next deadline (lwIP's next timer, a request's timeout, a ping's), and after every
 * event runs the timers, starts queued jobs and checks the deadlines.
 */
#include "net.h"

#include "lwip/timeouts.h"

#define MAX_SLEEP_NS (100ull * 1000000ull)

void net_wake(void)
{
	/* A full queue already holds a wake-up: the stack thread looks at every job. */
	orb_send(net.frames, ORB_MSG_NET_WAKE, NULL, 0, NULL, 0);
}

void job_finish(struct job *j)
{
	orb_lock(&net.lock);
	j->state = JOB_DONE;
	orb_unlock(&net.lock);
	orb_notification_signal(j->done, 1);
}

void job_answer_error(struct job *j, uint8_t error, const char *reason)
{
	orb_msg_net_response_t r = { .ok = 0, .error = error,
				     .reason = { reason, (uint16_t)strnlen(reason, 400) } };
	long n = orb_msg_net_response_encode(j->reply, sizeof(j->reply), &r);
	j->reply_tag = ORB_MSG_NET_RESPONSE;
	j->reply_len = n < 0 ? 0 : (size_t)n;
	if (error == ORB_NET_ERR_POLICY_DENIED)
		net.count.denied++;
	else
		net.count.failed++;
	net.count.requests++;
}

static bool system_caller(const struct job *j)
{
	return policy_classify(j->name) == PC_SYSTEM;
}

static void answer_info(struct job *j)
{
	orb_msg_net_info_response_t r = { 0 };
	netif_fill_info(&r);
	r.requests = net.count.requests;
	r.denied = net.count.denied;
	r.rate_limited = net.count.rate_limited;
	r.failed = net.count.failed;
	r.tcp_active = request_active();
	long n = orb_msg_net_info_response_encode(j->reply, sizeof(j->reply), &r);
	j->reply_tag = ORB_MSG_NET_INFO_RESPONSE;
	j->reply_len = n < 0 ? 0 : (size_t)n;
	job_finish(j);
}

static void answer_policy_query(struct job *j)
{
	static uint8_t rules[ORB_MAX_MSG_SIZE];
	orb_msg_net_policy_query_response_t r = { .status = -ORB_EPERM };
	if (system_caller(j)) {
		long n = policy_encode(&net.policy, rules, sizeof(rules) - 64);
		if (n >= 0) {
			r.status = 0;
			r.count = net.policy.count;
			r.rules = (orb_bytes_t){ rules, (uint32_t)n };
		} else {
			r.status = -ORB_ERANGE;
		}
	}
	long n = orb_msg_net_policy_query_response_encode(j->reply, sizeof(j->reply), &r);
	j->reply_tag = ORB_MSG_NET_POLICY_QUERY_RESPONSE;
	j->reply_len = n < 0 ? 0 : (size_t)n;
	job_finish(j);
}

static void answer_policy_update(struct job *j)
{
	orb_msg_net_policy_update_response_t r = { .status = -ORB_EPERM };
	if (system_caller(j)) {
		const char *why;
		r.status = policy_decode(&net.policy, j->update.count, j->update.rules.ptr,
					 j->update.rules.len, &why) < 0 ? -ORB_EINVAL : 0;
		if (r.status == 0)
			orb_printf("network: pid %u (%s) set the URL policy: %u rules\n", j->pid,
				   j->name, net.policy.count);
	}
	long n = orb_msg_net_policy_update_response_encode(j->reply, sizeof(j->reply), &r);
	j->reply_tag = ORB_MSG_NET_POLICY_UPDATE_RESPONSE;
	j->reply_len = n < 0 ? 0 : (size_t)n;
	job_finish(j);
}

static void start_jobs(void)
{
	for (unsigned i = 0; i < NET_MAX_ACTIVE; i++) {
		struct job *j = &net.job[i];
		if (j->state != JOB_QUEUED)
			continue;
		orb_lock(&net.lock);
		j->state = JOB_RUNNING;
		orb_unlock(&net.lock);
		switch (j->kind) {
		case JOB_HTTP:
			request_start(j);
			break;
		case JOB_PING:
			ping_start(j);
			break;
		case JOB_INFO:
			answer_info(j);
			break;
		case JOB_POLICY_QUERY:
			answer_policy_query(j);
			break;
		case JOB_POLICY_UPDATE:
			answer_policy_update(j);
			break;
		}
	}
}

void net_stack_thread(void *unused)
{
	(void)unused;
	for (;;) {
		uint32_t ms = sys_timeouts_sleeptime();
		uint64_t sleep = ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? MAX_SLEEP_NS
				 : (uint64_t)ms * 1000000u;
		if (sleep > MAX_SLEEP_NS)
			sleep = MAX_SLEEP_NS;
		orb_msg_t m;
		long rc = orb_recv(net.frames, &m, sleep ? sleep : 1);
		if (rc == 0) {
			if (m.tag == ORB_MSG_NETDEV_RX || m.tag == ORB_MSG_NETDEV_LINK)
				netif_frame(&m);
			for (unsigned i = 0; i < m.ncaps; i++)
				orb_cap_delete(m.caps[i]);
		} else if (rc != -ORB_ETIMEDOUT) {
			orb_printf("network: the frame endpoint failed: %ld\n", rc);
			orb_exit_process(1);
		}
		/* Take what else is queued before the timers: frames in bursts. */
		for (int k = 0; k < 64 && orb_try_recv(net.frames, &m) == 0; k++) {
			if (m.tag == ORB_MSG_NETDEV_RX || m.tag == ORB_MSG_NETDEV_LINK)
				netif_frame(&m);
			for (unsigned i = 0; i < m.ncaps; i++)
				orb_cap_delete(m.caps[i]);
		}
		sys_check_timeouts();
		start_jobs();
		uint64_t now = orb_now_ns();
		request_poll(now);
		ping_poll(now);
		netif_keepalive(now);
	}
}
