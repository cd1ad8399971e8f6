/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Network service (spec §4.5): HTTP and HTTPS requests for other processes, under a
 * URL policy and a per-process rate limit, over lwIP on a NIC driver.
 *
 * Threads. One *stack thread* owns everything of the network: lwIP (raw API, NO_SYS),
 * the interface, every connection, TLS, the policy and the rate limit. It waits on a
 * private endpoint (`frames`) that receives the driver's frames (NETDEV_RX, NETDEV_LINK)
 * and NET_WAKE from the serving threads, with a timeout for lwIP's timers and the
 * requests' deadlines. NET_WORKERS *serving threads* receive callers' messages on the
 * service endpoint: a reply capability belongs to the thread that received the call, so
 * a caller waiting for its response keeps one serving thread. A serving thread decodes
 * and checks the request, maps the caller's shared object, hands the stack thread a
 * `job` and waits on the job's notification, then replies with what the stack thread
 * wrote. At most NET_MAX_ACTIVE jobs run at once and at least one serving thread stays
 * free, so health checks and quick requests are answered while slow servers hold the
 * rest; a request that finds no room is refused (Other "busy").
 *
 * Portable parts (URLs, HTTP, policy, rate limit) are in core/, host-tested. On a host
 * with its own HTTP client (the browser's fetch(), <orbital/hostfetch.h>) that client is
 * the transport instead of lwIP (fetch.c): the same threads, jobs, policy and rate limit.
 */
#pragma once

#include <orbital.h>
#include <orbital/lock.h>
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/transfer.h>

#include "core/http.h"
#include "core/policy.h"
#include "core/url.h"

#define NET_WORKERS 12
#define NET_MAX_ACTIVE 10                  /* jobs at once: NET_WORKERS - 2 */
#define NET_INLINE_BODY 1900               /* a response body up to this travels inline */
#define NET_INLINE_REQUEST_BODY 3000
#define SLOT_DRIVER ORB_SLOT_FIRST_CAP     /* endpoint:virtio-net:w */
#define SLOT_RTC (ORB_SLOT_FIRST_CAP + 1)  /* ioport:0x70-0x71:rw, the CMOS clock (clock.c) */

enum job_kind { JOB_HTTP, JOB_PING, JOB_INFO, JOB_POLICY_QUERY, JOB_POLICY_UPDATE };
/* FILLING: a serving thread took the slot and is writing the inputs (its syscalls there
 * may let the stack thread run, which starts only QUEUED jobs). */
enum job_state { JOB_FREE, JOB_FILLING, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/* One request handed from a serving thread to the stack thread. The serving thread
 * fills the inputs and waits; the stack thread writes the reply and signals `done`. */
struct job {
	volatile uint32_t state;               /* job_state, under net.lock */
	enum job_kind kind;
	uint32_t pid;
	char name[33];                         /* the caller's process name */
	orb_cptr_t done;                       /* notification, one per job */
	/* NET_REQUEST */
	orb_msg_net_request_t req;             /* str/bytes point into the worker's buffer */
	struct orb_xfer_view body_view, resp_view;
	bool body_shared, resp_shared;
	/* NET_PING */
	orb_msg_net_ping_t ping;
	/* NET_POLICY_UPDATE */
	orb_msg_net_policy_update_t update;
	/* the answer */
	uint32_t reply_tag;
	size_t reply_len;
	uint8_t reply[ORB_MAX_MSG_SIZE];
};

struct net_counters {
	uint64_t requests, denied, rate_limited, failed;
};

struct net {
	orb_lock_t lock;                       /* job states */
	struct job job[NET_MAX_ACTIVE];
	unsigned busy_workers;
	orb_cptr_t frames;                     /* the stack thread's endpoint (R|W|G) */
	/* The rest belongs to the stack thread. */
	struct policy policy;
	struct rate_limit rate;
	struct net_counters count;
};

extern struct net net;

/* worker.c: the serving threads' handler */
long net_handle(orb_msg_t *m);
/* stack.c */
__attribute__((noreturn)) void net_stack_thread(void *unused);
void net_wake(void);
/* netif.c: the interface on the NIC driver */
int netif_start(void);
void netif_frame(const orb_msg_t *m);
void netif_keepalive(uint64_t now_ns);
void netif_fill_info(orb_msg_net_info_response_t *r);
/* request.c: HTTP requests on the stack thread */
void request_start(struct job *j);
void request_poll(uint64_t now_ns);
uint32_t request_active(void);
/* fetch.c: the host's HTTP client as the transport (the browser's fetch()): whether the
 * host has one (asked once, at start, and said) */
bool fetch_open(void);
bool fetch_host(void);
/* ping.c */
void ping_start(struct job *j);
void ping_poll(uint64_t now_ns);
/* answers, written into a job */
void job_answer_error(struct job *j, uint8_t error, const char *reason);
void job_finish(struct job *j);
