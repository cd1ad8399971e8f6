/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process commands, answered by the Process Manager (spec §4.1): ps, spawn, kill; and
 * mem, which adds the kernel's frame counts (system_info) to the PM's process list.
 * `spawn` hands the PM the session of whoever is logged in (commands_id.c), and `ps`
 * shows whom each process acts for (USER; "-" for nobody).
 */
#include <orbital/messages.h>

#include "shell.h"

#define PAGE_KIB 4
#define KILL_WAIT_POLLS 200   /* × 10 ms: past the PM's 1 s grace between term and kill */

static orb_pm_owner_t owners[64];
static size_t nowners;

/* The PM's process list: entries copied into procs[max], whom they act for into owners;
 * returns the count or -E. */
static long process_list(const char *cmd, orb_proc_entry_t *procs, size_t max)
{
	orb_msg_t r;
	long rc = sh_call(cmd, SH_PROCESS, ORB_MSG_PM_LIST_PROCESSES, NULL, 0,
			  ORB_MSG_PM_PROCESS_LIST, &r);
	if (rc < 0)
		return rc;
	orb_msg_pm_process_list_t l;
	if (orb_msg_pm_process_list_decode(r.data, r.len, &l) < 0 ||
	    l.items.len != (uint64_t)l.count * sizeof(orb_proc_entry_t) ||
	    l.owners.len % sizeof(orb_pm_owner_t))
		return sh_bad_answer(cmd, SH_PROCESS);
	size_t n = l.count < max ? l.count : max;
	memcpy(procs, l.items.ptr, n * sizeof(orb_proc_entry_t));
	nowners = l.owners.len / sizeof(orb_pm_owner_t);
	nowners = nowners < ORB_ARRAY_SIZE(owners) ? nowners : ORB_ARRAY_SIZE(owners);
	memcpy(owners, l.owners.ptr, nowners * sizeof(orb_pm_owner_t));
	return (long)n;
}

static void name_of(const orb_proc_entry_t *p, char out[33])
{
	size_t n = strnlen((const char *)p->name, sizeof(p->name));
	memcpy(out, p->name, n);
	out[n] = '\0';
}

static orb_proc_entry_t procs[64];

/* Whom process pid acts for ("-" for nobody), into out. */
static const char *owner_of(uint32_t pid, char out[ORB_IDENTITY_NAME_MAX + 1])
{
	for (size_t i = 0; i < nowners; i++) {
		if (owners[i].pid == pid) {
			size_t n = strnlen((const char *)owners[i].name, sizeof(owners[i].name));
			memcpy(out, owners[i].name, n);
			out[n] = '\0';
			return out;
		}
	}
	return "-";
}

/* "used/limit" of resource kind `res` (memory in KiB). */
static const char *usage(const orb_proc_entry_t *p, unsigned res, char *buf, size_t len)
{
	uint64_t div = res == ORB_RES_MEMORY ? 1024 : 1;
	snprintf(buf, len, "%lu/%lu", (unsigned long)((p->usage[res] + div - 1) / div),
		 (unsigned long)(p->limits[res] / div));
	return buf;
}

/* One row per process: the kernel's usage against its limits (ORB_RES_*), memory in
 * KiB (mapped pages, page tables, CSpace, queued message frames). */
static void cmd_ps(int argc, char **argv)
{
	long n = process_list("ps", procs, ORB_ARRAY_SIZE(procs));
	if (n < 0)
		return;
	orb_printf("%5s %6s %-6s %7s %5s %8s %15s %9s %9s %9s %9s  %-10s %s\n", "PID",
		   "PARENT", "STATE", "THREADS", "CAPS", "CPU_MS", "MEM_KIB", "ENDPTS", "NOTIFS",
		   "MSGS", "PROCS", "USER", "NAME");
	for (long i = 0; i < n; i++) {
		const orb_proc_entry_t *p = &procs[i];
		char name[33], user[ORB_IDENTITY_NAME_MAX + 1];
		char th[16], ca[16], me[32], ep[16], nt[16], ms[16], pr[16];
		name_of(p, name);
		orb_printf("%5u %6u %-6s %7s %5s %8lu %15s %9s %9s %9s %9s  %-10s %s\n", p->pid,
			   p->parent, proc_state_name(p->state),
			   usage(p, ORB_RES_THREADS, th, sizeof(th)),
			   usage(p, ORB_RES_CAPS, ca, sizeof(ca)),
			   (unsigned long)(p->cpu_ns / 1000000ull),
			   usage(p, ORB_RES_MEMORY, me, sizeof(me)),
			   usage(p, ORB_RES_ENDPOINTS, ep, sizeof(ep)),
			   usage(p, ORB_RES_NOTIFICATIONS, nt, sizeof(nt)),
			   usage(p, ORB_RES_MESSAGES, ms, sizeof(ms)),
			   usage(p, ORB_RES_PROCESSES, pr, sizeof(pr)), owner_of(p->pid, user), name);
	}
}

static void cmd_mem(int argc, char **argv)
{
	orb_sys_info_t si;
	long rc = orb_system_info(&si, sizeof(si));
	if (rc < 0) {
		orb_printf("mem: system_info failed: %s (%s)\n", orb_errno_text(rc), orb_errno_name(rc));
		return;
	}
	uint64_t used = si.frames_total - si.frames_free;
	orb_printf("frames: total %lu (%lu KiB), free %lu (%lu KiB), used %lu (%lu KiB), "
		   "kernel %lu (%lu KiB)\n",
		   (unsigned long)si.frames_total, (unsigned long)(si.frames_total * PAGE_KIB),
		   (unsigned long)si.frames_free, (unsigned long)(si.frames_free * PAGE_KIB),
		   (unsigned long)used, (unsigned long)(used * PAGE_KIB),
		   (unsigned long)si.frames_kernel, (unsigned long)(si.frames_kernel * PAGE_KIB));
	orb_printf("processes: %u, threads: %u\n", si.nprocs, si.nthreads);
	long n = process_list("mem", procs, ORB_ARRAY_SIZE(procs));
	if (n < 0)
		return;
	uint64_t total = 0;
	orb_printf("%5s %8s  %s\n", "PID", "MEM_KIB", "NAME");
	for (long i = 0; i < n; i++) {
		char name[33];
		name_of(&procs[i], name);
		orb_printf("%5u %8lu  %s\n", procs[i].pid,
			   (unsigned long)(procs[i].mem_pages * PAGE_KIB), name);
		total += procs[i].mem_pages * PAGE_KIB;
	}
	orb_printf("total %lu KiB mapped by %ld processes\n", (unsigned long)total, n);
}

static const char *const cap_kinds[] = {
	[ORB_CAPKIND_CONSOLE] = "console",
	[ORB_CAPKIND_STORAGE] = "storage",
	[ORB_CAPKIND_NETWORK] = "network",
};

static const char *spawn_error_text(unsigned e)
{
	return e == ORB_SPAWN_ERR_BINARY_NOT_FOUND ? "no such program in the boot image" :
	       e == ORB_SPAWN_ERR_PERMISSION_DENIED ? "permission denied" :
	       e == ORB_SPAWN_ERR_RESOURCE_LIMIT ? "resource limit exceeded" :
	       e == ORB_SPAWN_ERR_INVALID_BINARY ? "not a valid program" : "failed";
}

static void cmd_spawn(int argc, char **argv)
{
	const char *name = argv[1];
	if (!args_name(name)) {
		orb_printf("spawn: bad program name '%s' (a-z first, then a-z 0-9 - _, "
			   "at most 31)\n", name);
		return;
	}
	uint8_t caps[2 * ORB_ARRAY_SIZE(cap_kinds)];
	uint32_t ncaps = 0, seen = 0;
	for (int i = 2; i < argc; i++) {
		unsigned kind = 0;
		for (unsigned k = 1; k < ORB_ARRAY_SIZE(cap_kinds); k++)
			if (strcmp(argv[i], cap_kinds[k]) == 0)
				kind = k;
		if (!kind || (seen & 1u << kind)) {
			orb_printf("spawn: %s capability '%s' (console, storage or network, "
				   "once each)\n", kind ? "repeated" : "unknown", argv[i]);
			return;
		}
		seen |= 1u << kind;
		caps[ncaps++] = (uint8_t)kind;
		caps[ncaps++] = ORB_RIGHT_READ | ORB_RIGHT_WRITE;
	}
	orb_str_t s = { .ptr = name, .len = (uint16_t)strlen(name) };
	const char *session = sh_session_token();   /* the child acts for the logged-in user */
	orb_msg_pm_spawn_t m = { .name = s, .image = s, .caps = { .ptr = caps, .len = ncaps },
				 .session = { .ptr = session, .len = (uint16_t)strlen(session) } };
	uint8_t buf[192];
	long len = orb_msg_pm_spawn_encode(buf, sizeof(buf), &m);
	orb_msg_t r;
	long rc = len < 0 ? len : sh_call("spawn", SH_PROCESS, ORB_MSG_PM_SPAWN, buf, (size_t)len,
					    ORB_MSG_PM_SPAWN_RESPONSE, &r);
	memset(buf, 0, sizeof(buf));   /* held the session token */
	if (rc < 0)
		return;
	orb_msg_pm_spawn_response_t a;
	if (orb_msg_pm_spawn_response_decode(r.data, r.len, &a) < 0) {
		sh_bad_answer("spawn", SH_PROCESS);
		return;
	}
	if (a.ok) {
		sh_note_spawned(a.pid);
		orb_printf("spawned %s: pid %u\n", name, a.pid);
	} else
		orb_printf("spawn: %s: %s (%s)\n", name, spawn_error_text(a.error),
			   spawn_error_name(a.error));
}

static void cmd_kill(int argc, char **argv)
{
	uint32_t pid;
	if (!args_pid(argv[1], &pid)) {
		orb_printf("kill: '%s' is not a process id\n", argv[1]);
		return;
	}
	bool force = argc == 3;
	if (force && strcmp(argv[2], "-9") != 0) {
		orb_printf("kill: unknown option '%s' (only -9)\n", argv[2]);
		return;
	}
	orb_msg_pm_kill_t m = { .pid = pid, .signal = force ? 1 : 0 };
	uint8_t buf[16];
	long len = orb_msg_pm_kill_encode(buf, sizeof(buf), &m);
	orb_msg_t r;
	if (len < 0 || sh_call("kill", SH_PROCESS, ORB_MSG_PM_KILL, buf, (size_t)len,
			       ORB_MSG_PM_KILL_RESPONSE, &r) < 0)
		return;
	orb_msg_pm_kill_response_t a;
	if (orb_msg_pm_kill_response_decode(r.data, r.len, &a) < 0) {
		sh_bad_answer("kill", SH_PROCESS);
		return;
	}
	if (a.status < 0) {
		orb_printf("kill: pid %u: %s (%s)\n", pid, orb_errno_text(a.status),
			   orb_errno_name(a.status));
		return;
	}
	/* The PM answers a term once it has asked the process to stop: wait for the end. */
	for (int i = 0; i < KILL_WAIT_POLLS && sh_process_listed(pid); i++)
		orb_sleep_ms(10);
	if (sh_process_listed(pid))
		orb_printf("kill: pid %u was asked to stop and is still running\n", pid);
	else
		orb_printf("pid %u %s\n", pid, force ? "killed" : "terminated");
}

const struct command commands_proc[] = {
	{ "ps", "", "list processes (Process Manager)", 0, 0, cmd_ps },
	{ "spawn", "NAME [console] [storage] [network]",
	  "start a boot-image program with those capabilities", 1, 4, cmd_spawn },
	{ "kill", "PID [-9]", "stop a process (-9: at once)", 1, 2, cmd_kill },
	{ "mem", "", "physical frames, and memory per process", 0, 0, cmd_mem },
};
const size_t commands_proc_count = ORB_ARRAY_SIZE(commands_proc);
