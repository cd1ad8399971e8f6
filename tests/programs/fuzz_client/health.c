/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Each service before and after the hostile cases: the pid that answers a valid request
 * (the kernel stamps it on the answer, so it cannot be faked), the number of
 * capabilities the kernel says it holds (a service that kept what it was sent would
 * grow), and its restart count in init's service list.
 */
#include <orbital/messages.h>

#include "fuzz.h"

long probe(struct target *t)
{
	orb_msg_t r;
	r.tag = 0;
	long rc = orb_request(t->ep, t->probe_tag, t->probe, t->probe_len, &r);
	if (rc < 0)
		return rc;
	if (r.tag != t->probe_answer)
		return -ORB_EINVAL;
	return r.sender;
}

static long caps_held(uint32_t pid)
{
	static orb_proc_entry_t procs[64];
	long n = orb_process_list(procs, sizeof(procs));
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(procs); i++)
		if (procs[i].pid == pid)
			return procs[i].ncaps;
	return -ORB_ENOENT;
}

/* Restart counts by service name, from init's SVC_LIST. */
static void restarts(bool after)
{
	static orb_svc_status_t items[64];
	orb_msg_t r;
	long n = -1;
	if (orb_request(targets[T_INIT].ep, ORB_MSG_SVC_LIST, NULL, 0, &r) == 0 &&
	    r.tag == ORB_MSG_SVC_RESPONSE) {
		orb_msg_svc_response_t a;
		if (orb_msg_svc_response_decode(r.data, r.len, &a) == 0 &&
		    a.items.len == (uint64_t)a.count * sizeof(items[0]) && a.count <= 64) {
			memcpy(items, a.items.ptr, a.items.len);
			n = a.count;
		}
	}
	for (unsigned t = 0; t < T_COUNT; t++) {
		long found = targets[t].service[0] ? -1 : 0;   /* init is no supervised service */
		for (long i = 0; i < n; i++)
			if (strncmp((const char *)items[i].name, targets[t].service,
				    sizeof(items[i].name)) == 0)
				found = items[i].restart_count;
		*(after ? &targets[t].restarts_after : &targets[t].restarts_before) = found;
	}
}

void snapshot(bool after)
{
	for (unsigned i = 0; i < T_COUNT; i++) {
		struct target *t = &targets[i];
		long pid = t->ep == ORB_CAP_NONE ? -ORB_EBADF : probe(t);
		long caps = pid > 0 ? caps_held((uint32_t)pid) : pid;
		if (after) {
			t->pid_after = pid > 0 ? (uint32_t)pid : 0;
			t->caps_after = caps;
		} else {
			t->pid_before = pid > 0 ? (uint32_t)pid : 0;
			t->caps_before = caps;
		}
	}
	restarts(after);
}
