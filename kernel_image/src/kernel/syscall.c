/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Syscall dispatch: the slow path of every syscall. The arch entry (x86_64: entry.S)
 * makes the one fast/slow choice — endpoint_call and endpoint_reply_recv try their fast
 * path first (arch/x86_64/fastpath.S) — and comes here with the caller's registers saved
 * for everything else and for every fast-path miss. The table is one expansion of the
 * X-macro generated from orbital_build/abi/defs/syscalls.py; an empty entry or a number
 * past the table is -ORB_ENOSYS, never a crash. Axiom sees every call: the SysLog record
 * is opened with the caller taken from the running thread (never from an argument) and
 * closed with the result; commits made by the handler point back at that record.
 *
 * Each syscall's handler sys_<name> lives in the file of its object (docs: the "Where is
 * it?" table in README.md); here are only the calls about the machine as a whole: nop,
 * clock_get, system_info, entropy_get.
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/usercopy.h>
#include <mm/frame.h>
#include <orbital/abi.h>

#define X(num, name, nargs) [num] = syscall_invoke_##name,
static syscall_invoke_t *const table[ORB_SYS_COUNT] = { ORB_SYSCALLS(X) };
#undef X

void syscall_entry_c(struct thread *t, u64 nr)
{
	u64 a[6];
	for (unsigned i = 0; i < 6; i++)
		a[i] = uctx_arg(&t->ctx, i);
	axiom_syscall_begin(t, nr, a);
	struct syscall_frame f = { t };
	long ret = nr < ORB_SYS_COUNT && table[nr] ? table[nr](a, &f) : -ORB_ENOSYS;
	if (ret == SYSCALL_NORESULT)
		return;   /* blocked (result on wake-up) or gone */
	uctx_set_result(&t->ctx, ret);
	axiom_syscall_end(t, ret);
}

/* ---- syscalls of the machine as a whole: nop, clock_get, system_info, entropy_get ---- */

long sys_nop(void)
{
	return 0;
}

long sys_clock_get(void)
{
	return (long)arch_now_ns();
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

/* Seed material for user space: whole words from the CPU's source, copied out, then wiped
 * from the kernel stack. */
long sys_entropy_get(uint64_t buf, size_t len)
{
	if (len == 0 || len > ORB_ENTROPY_MAX)
		return -ORB_EINVAL;
	u64 words[ORB_ENTROPY_MAX / 8];
	long rc = 0;
	for (size_t i = 0; i < (len + 7) / 8 && rc == 0; i++)
		rc = arch_entropy_u64(&words[i]);
	if (rc == 0)
		rc = copy_to_user(buf, words, len);
	volatile u64 *wipe = words;   /* volatile: the wipe is not a dead store to drop */
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		wipe[i] = 0;
	return rc < 0 ? rc : (long)len;
}
