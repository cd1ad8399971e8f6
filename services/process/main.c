/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process Manager (spec §4.1): the policy layer over the kernel's process calls. With the
 * root Process capability it spawns programs of the boot archive for its clients
 * (spawn.c), lists processes, ends them (stop.c) and enforces their resource limits
 * (limits.c); Permissions decides who may do what (permcheck.c).
 *
 * Requests arrive on the service endpoint (slot 0), and so do the kernel's exit notices
 * of the PM's children. Periodic work runs from the idle tick and, when requests keep
 * the endpoint busy, before a request once a period has passed.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#include "children.h"
#include "pm.h"
#include "procs.h"

static uint64_t next_poll;
static bool init_grant;

bool pm_init_grantable(void)
{
	return init_grant;
}

static void poll(void)
{
	uint64_t now = orb_now_ns();
	next_poll = now + PM_POLL_NS;
	stop_poll(now);
	limits_poll();
}

static long list_processes(const orb_msg_t *m)
{
	if (m->len != 0)
		return -ORB_EINVAL;
	static uint8_t out[ORB_MAX_MSG_SIZE];
	static orb_pm_owner_t owners[PM_MAX_CHILDREN];
	uint32_t n = procs_snapshot(), nowners = 0;
	for (uint32_t i = 0; i < PM_MAX_CHILDREN; i++) {
		const struct child *c = child_at(i);
		if (c->used && c->owner.name[0]) {
			owners[nowners] = (orb_pm_owner_t){ .pid = c->pid, .roles = c->owner.roles,
							    .kind = c->owner.kind };
			memcpy(owners[nowners++].name, c->owner.name, strlen(c->owner.name));
		}
	}
	uint32_t owner_bytes = nowners * (uint32_t)sizeof(orb_pm_owner_t);
	uint32_t fit = (uint32_t)((sizeof(out) - 12 - owner_bytes) / sizeof(orb_proc_entry_t));
	n = n < fit ? n : fit;
	orb_msg_pm_process_list_t r = {
		.count = n,
		.items = { .ptr = (const uint8_t *)procs_at(0),
			   .len = n * (uint32_t)sizeof(orb_proc_entry_t) },
		.owners = { .ptr = (const uint8_t *)owners, .len = owner_bytes },
	};
	long len = orb_msg_pm_process_list_encode(out, sizeof(out), &r);
	return len < 0 ? len : orb_reply(ORB_MSG_PM_PROCESS_LIST, out, (size_t)len, NULL, 0);
}

static long handle(orb_msg_t *m)
{
	if (orb_now_ns() >= next_poll)
		poll();
	switch (m->tag) {
	case ORB_MSG_PM_SPAWN:
		return pm_spawn(m);
	case ORB_MSG_PM_LIST_PROCESSES:
		return list_processes(m);
	case ORB_MSG_PM_KILL:
		return pm_kill(m);
	case ORB_MSG_CHILD_EXITED:
		return pm_child_exited(m);
	default:
		return -ORB_ENOSYS;
	}
}

static const struct orb_service service = {
	.type = "process",
	.version = "1",
	.handle = handle,
	.idle = poll,
	.idle_ns = PM_POLL_NS,
};

int main(void)
{
	orb_cap_info_t ci;
	init_grant = orb_cap_inspect(ORB_SLOT_INIT, &ci) == 0 && (ci.rights & ORB_RIGHT_GRANT);
	if (!init_grant)
		orb_printf("process: init's endpoint (slot 1) lacks GRANT; children start "
			   "without it\n");
	orb_printf("process: pid %u\n", orb_pid());
	return orb_service_run(&service);
}
