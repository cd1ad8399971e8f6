/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The processes the PM started and still watches: who asked for each (it may kill it),
 * the endpoint the PM made for it (slot 0 in the child; the PM keeps R|W|G to send it
 * RESOURCE_WARNING and SERVICE_STOP), its limits and its violations so far.
 */
#pragma once

#include "owner.h"
#include "pm.h"

struct child {
	bool used;
	uint32_t pid;
	uint32_t requester;        /* the process that asked for the spawn */
	struct owner owner;        /* whom it acts for (owner.h) */
	orb_cptr_t ep;
	char name[PM_NAME_MAX];
	uint64_t max_memory;       /* bytes; 0 = unlimited */
	uint64_t max_cpu_ns;       /* 0 = unlimited */
	uint32_t max_caps;         /* 0 = unlimited */
	uint32_t violations;
	uint64_t stop_deadline;    /* ns since boot: kill if still alive then; 0 = none */
};

/* A free entry (zeroed, marked used), or NULL when PM_MAX_CHILDREN are watched. */
struct child *child_new(void);
struct child *child_find(uint32_t pid);
/* Entry i (0 <= i < PM_MAX_CHILDREN), used or not. */
struct child *child_at(uint32_t i);
/* Forget a child and destroy its endpoint. */
void child_forget(struct child *c);
