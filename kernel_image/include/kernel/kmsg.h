/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kernel copies of messages sent while nobody was receiving (ipc internals).
 *
 * Each is charged to the process that sent it — its payer — as one ORB_RES_MESSAGES,
 * its payload length as ORB_RES_MSG_BYTES and its frames as ORB_RES_MEMORY, until a
 * receiver takes it or its endpoint goes. A payer keeps the list of what it pays for, so
 * that when it dies first the charges move to its spawner (account_close).
 */
#pragma once

#include <kernel/cap.h>
#include <kernel/types.h>

#define KMSG_MAX 4096   /* buffered messages in the whole machine (the root account's) */

struct process;

struct kmsg {
	struct kmsg *next;          /* the endpoint's FIFO */
	u64 seq;
	u64 info, badge, sender;
	u64 mr[ORB_MSG_REGS];
	u8 *data;                   /* a frame when len > 32 */
	struct cap *caps;           /* a frame of in-flight capabilities when ncaps > 0 */
	struct process *payer;      /* charged for it; NULL: nobody (the kernel) */
	struct kmsg *pay_next, *pay_prev;
	u32 cost_bytes;             /* ORB_RES_MSG_BYTES charged */
	u32 cost_memory;            /* ORB_RES_MEMORY charged (its frames) */
};

/* Free a buffered message, drop the capabilities still in flight inside it and release
 * its charges. */
void kmsg_free(struct kmsg *k);
/* The messages `from` pays for are paid by `to` from now on (account_close). */
void kmsg_pass_charges(struct process *from, struct process *to);

/* MSG_CHILD_EXITED notices: allocated and charged to the spawner when a child is spawned
 * with an exit endpoint, so that its delivery can never fail for want of room. */
struct kmsg *kmsg_notice_reserve(struct process *payer);
/* Deliver a reserved notice on ep (a short message from PID 0), beyond any queue limit. */
struct endpoint;
void ipc_notice_send(struct endpoint *ep, struct kmsg *k, u64 tag, const u64 mr[ORB_MSG_REGS],
		     u32 len);
