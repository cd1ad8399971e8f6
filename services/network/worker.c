/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The serving threads (net.h): decode and check a caller's message, map what it lent,
 * hand the work to the stack thread as a job, wait, reply. Nothing here touches lwIP or
 * the policy; the only state shared with the stack thread is the job table under
 * net.lock.
 */
#include "net.h"

/* The caller's process name (the policy classifies by it). */
static void caller_name(uint32_t pid, char out[33])
{
	orb_proc_entry_t list[48];
	long n = orb_process_list(list, sizeof(list));
	out[0] = 0;
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(list); i++) {
		if (list[i].pid == pid) {
			memcpy(out, list[i].name, 32);
			out[32] = 0;
			return;
		}
	}
}

static struct job *job_take(void)
{
	struct job *j = NULL;
	orb_lock(&net.lock);
	if (net.busy_workers + 1 < NET_WORKERS) {  /* keep one thread for everyone else */
		for (unsigned i = 0; i < NET_MAX_ACTIVE && !j; i++)
			if (net.job[i].state == JOB_FREE)
				j = &net.job[i];
	}
	if (j) {
		j->state = JOB_FILLING;
		net.busy_workers++;
	}
	orb_unlock(&net.lock);
	return j;
}

static void job_release(struct job *j)
{
	orb_lock(&net.lock);
	j->state = JOB_FREE;
	net.busy_workers--;
	orb_unlock(&net.lock);
}

/* Queue j (filled), wake the stack thread, wait until it is answered, reply, free it. */
static long run(struct job *j)
{
	orb_notification_poll(j->done);
	orb_lock(&net.lock);
	j->state = JOB_QUEUED;
	orb_unlock(&net.lock);
	net_wake();
	while (j->state != JOB_DONE) {
		long bits = orb_notification_wait(j->done, ORB_TIMEOUT_FOREVER);
		if (bits < 0 && bits != -ORB_ETIMEDOUT) {
			orb_printf("network: waiting for a job failed: %ld\n", bits);
			orb_exit_process(1);
		}
	}
	if (j->body_shared)
		orb_xfer_close(&j->body_view);
	if (j->resp_shared)
		orb_xfer_close(&j->resp_view);
	long rc = orb_reply(j->reply_tag, j->reply, j->reply_len, NULL, 0);
	job_release(j);
	return rc;
}

static long reply_error(uint8_t error, const char *reason)
{
	uint8_t buf[512];
	orb_msg_net_response_t r = { .ok = 0, .error = error,
				     .reason = { reason, (uint16_t)strlen(reason) } };
	long n = orb_msg_net_response_encode(buf, sizeof(buf), &r);
	return orb_reply(ORB_MSG_NET_RESPONSE, buf, (size_t)n, NULL, 0);
}

static long http(orb_msg_t *m)
{
	orb_msg_net_request_t req;
	if (orb_msg_net_request_decode(m->data, m->len, &req) < 0)
		return reply_error(ORB_NET_ERR_OTHER, "the request is malformed");
	bool body_shared = req.flags & ORB_NET_REQ_BODY_SHARED;
	bool resp_shared = req.flags & ORB_NET_REQ_RESPONSE_SHARED;
	if ((body_shared || resp_shared) && m->ncaps != 1)
		return reply_error(ORB_NET_ERR_OTHER, "a shared body needs the object in cap 0");
	if (body_shared && (req.body_length > ORB_NET_MAX_BODY || !(req.flags & ORB_NET_REQ_BODY)))
		return reply_error(ORB_NET_ERR_OTHER, "the request body is larger than 16 MiB");
	if (resp_shared && req.response_capacity > ORB_NET_MAX_BODY)
		req.response_capacity = ORB_NET_MAX_BODY;
	struct job *j = job_take();
	if (!j)
		return reply_error(ORB_NET_ERR_OTHER, "busy: too many requests in progress");
	j->kind = JOB_HTTP;
	j->pid = m->sender;
	caller_name(m->sender, j->name);
	j->req = req;
	j->body_shared = j->resp_shared = false;
	long rc = 0;
	if (body_shared)
		rc = orb_xfer_open(m->caps[0], req.body_offset, req.body_length, false,
				   &j->body_view);
	j->body_shared = body_shared && rc == 0;
	if (rc == 0 && resp_shared)
		rc = orb_xfer_open(m->caps[0], req.response_offset, req.response_capacity, true,
				   &j->resp_view);
	j->resp_shared = resp_shared && rc == 0;
	if (rc < 0) {
		if (j->body_shared)
			orb_xfer_close(&j->body_view);
		j->body_shared = false;
		job_release(j);
		return reply_error(ORB_NET_ERR_OTHER, rc == -ORB_EPERM ?
				   "the shared object lacks the rights the request needs" :
				   "the shared object does not hold the window the request names");
	}
	return run(j);
}

long net_handle(orb_msg_t *m)
{
	struct job *j;
	switch (m->tag) {
	case ORB_MSG_NET_REQUEST:
		return http(m);
	case ORB_MSG_NET_PING:
	case ORB_MSG_NET_INFO:
	case ORB_MSG_NET_POLICY_QUERY:
	case ORB_MSG_NET_POLICY_UPDATE:
		break;
	default:
		return -ORB_ENOSYS;
	}
	if (!(j = job_take()))
		return reply_error(ORB_NET_ERR_OTHER, "busy: too many requests in progress");
	j->pid = m->sender;
	j->body_shared = j->resp_shared = false;
	caller_name(m->sender, j->name);
	long rc = 0;
	if (m->tag == ORB_MSG_NET_PING) {
		j->kind = JOB_PING;
		rc = orb_msg_net_ping_decode(m->data, m->len, &j->ping);
	} else if (m->tag == ORB_MSG_NET_INFO) {
		j->kind = JOB_INFO;
	} else if (m->tag == ORB_MSG_NET_POLICY_QUERY) {
		j->kind = JOB_POLICY_QUERY;
	} else {
		j->kind = JOB_POLICY_UPDATE;
		rc = orb_msg_net_policy_update_decode(m->data, m->len, &j->update);
	}
	if (rc < 0) {
		job_release(j);
		return -ORB_EINVAL;
	}
	return run(j);
}
