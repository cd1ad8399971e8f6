/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource limits (spec §4.1 policy 4), checked every PM_POLL_NS against the kernel's
 * process list:
 *
 *   memory  mem_pages x 4096 above max_memory (the kernel refuses to map past it too)
 *   cpu     cpu_ns above max_cpu_ms
 *   caps    ncaps above max_caps (the kernel refuses insertions past it too, D30)
 *
 * Each limit found exceeded at a check is one violation: the child is sent
 * RESOURCE_WARNING {violation, count} on its endpoint while count <= PM_MAX_VIOLATIONS;
 * the next violation kills it. The IPC queue limit is the kernel's: spawn.c sets it on the
 * child's endpoint (endpoint_limit) and senders past it get EAGAIN.
 */
#include <orbital.h>
#include <orbital/messages.h>

#include "children.h"
#include "pm.h"
#include "procs.h"

enum violation { V_MEMORY = 0, V_CPU = 1, V_CAPS = 2 };

static const char *const limit_name[] = { "memory", "cpu", "caps" };

static void warn(const struct child *c, enum violation v)
{
	uint8_t buf[4];
	orb_msg_resource_warning_t w = { .violation = (uint8_t)v, .count = (uint8_t)c->violations };
	long n = orb_msg_resource_warning_encode(buf, sizeof(buf), &w);
	if (n > 0)
		orb_send(c->ep, ORB_MSG_RESOURCE_WARNING, buf, (size_t)n, NULL, 0);
}

/* One violation of limit v; returns false once the child has been killed for it. */
static bool violated(struct child *c, enum violation v)
{
	c->violations++;
	if (c->violations <= PM_MAX_VIOLATIONS) {
		warn(c, v);
		return true;
	}
	long rc = orb_process_kill(PM_PROC_CAP, c->pid);
	if (rc == 0)
		orb_printf("process: killed %s (pid %u): over its %s limit\n", c->name, c->pid,
			   limit_name[v]);
	else
		orb_printf("process: could not kill %s (pid %u): %ld\n", c->name, c->pid, rc);
	return false;
}

static void check(struct child *c, const orb_proc_entry_t *p)
{
	if (c->max_memory && p->mem_pages * 4096ull > c->max_memory && !violated(c, V_MEMORY))
		return;
	if (c->max_cpu_ns && p->cpu_ns > c->max_cpu_ns && !violated(c, V_CPU))
		return;
	if (c->max_caps && p->ncaps > c->max_caps)
		violated(c, V_CAPS);
}

void limits_poll(void)
{
	procs_snapshot();
	for (uint32_t i = 0; i < PM_MAX_CHILDREN; i++) {
		struct child *c = child_at(i);
		const orb_proc_entry_t *p = c->used ? procs_find(c->pid) : NULL;
		if (p && c->violations <= PM_MAX_VIOLATIONS)
			check(c, p);
	}
}
