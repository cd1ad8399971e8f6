/* SPDX-License-Identifier: Apache-2.0 */
/* Syscalls that read state: debug output, time, identity, system and process lists. */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/usercopy.h>
#include <mm/frame.h>

#define DEBUG_WRITE_MAX 4096

long sys_nop(void)
{
	return 0;
}

long sys_debug_write(uint64_t buf, size_t len)
{
	if (len > DEBUG_WRITE_MAX || !user_range_ok(buf, len))
		return -ORB_EINVAL;
	char chunk[256];
	for (size_t done = 0; done < len;) {
		size_t n = MIN(sizeof(chunk), len - done);
		if (copy_from_user(chunk, buf + done, n) < 0)
			return done ? (long)done : -ORB_EINVAL;
		console_write(chunk, n);
		done += n;
	}
	return (long)len;
}

long sys_clock_get(void)
{
	return (long)arch_now_ns();
}

long sys_process_self(void)
{
	return current()->proc->pid;
}

long sys_system_info(uint64_t buf, size_t len)
{
	if (len < sizeof(orb_sys_info_t))
		return -ORB_EOVERFLOW;
	struct frame_stats fs;
	frame_get_stats(&fs);
	orb_sys_info_t info = {
		.frames_total = fs.total + fs.reserved,
		.frames_free = fs.free,
		.frames_kernel = fs.reserved,
		.uptime_ns = arch_now_ns(),
		.nprocs = process_count(),
		.tsc_hz = arch_tsc_hz(),
	};
	for (u32 i = 0; i < process_count(); i++)
		info.nthreads += process_at(i)->nthreads;
	axiom_fill_info(&info);
	int rc = copy_to_user(buf, &info, sizeof(info));
	return rc < 0 ? rc : (long)sizeof(info);
}

long sys_process_list(uint64_t buf, size_t len)
{
	u32 n = process_count();
	size_t fit = len / sizeof(orb_proc_entry_t);
	for (u32 i = 0; i < n && i < fit; i++) {
		struct process *p = process_at(i);
		orb_proc_entry_t e = {
			.pid = p->pid,
			.parent = p->parent,
			.state = (u8)p->state,
			.priority = p->priority,
			.nthreads = p->nthreads,
			.cpu_ns = arch_cycles_to_ns(p->cpu_cycles),
			.mem_pages = p->vs.pages,
			.ncaps = p->cspace ? (u16)p->cspace->live : 0,
		};
		memcpy(e.name, p->name, sizeof(e.name));
		int rc = copy_to_user(buf + i * sizeof(e), &e, sizeof(e));
		if (rc < 0)
			return rc;
	}
	return n;
}
