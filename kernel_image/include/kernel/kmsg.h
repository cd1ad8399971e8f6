/* SPDX-License-Identifier: Apache-2.0 */
/* Kernel copies of messages sent while nobody was receiving (ipc internals). */
#pragma once

#include <kernel/cap.h>
#include <kernel/types.h>

struct kmsg {
	struct kmsg *next;
	u64 seq;
	u64 info, badge, sender;
	u64 mr[ORB_MSG_REGS];
	u8 *data;                   /* a frame when len > 32 */
	struct cap *caps;           /* a frame of in-flight capabilities when ncaps > 0 */
};

/* Free a buffered message and drop the capabilities still in flight inside it. */
void kmsg_free(struct kmsg *k);
/* Queue a short message from PID 0 (the kernel) on an endpoint. */
struct endpoint;
void ipc_kernel_send(struct endpoint *ep, u64 tag, const u64 mr[ORB_MSG_REGS], u32 len);
