/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the Axiom logs: only holders of an AXIOM capability with R (init, Permissions). */
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/process.h>
#include <kernel/sched.h>

long sys_axiom_syslog_read(orb_cptr_t cap, uint64_t buf, size_t len, uint64_t from_seq)
{
	long err;
	if (!cap_lookup(current()->proc, cap, ORB_OBJ_AXIOM, ORB_RIGHT_READ, &err))
		return err;
	return axiom_read_syslog(buf, len, from_seq);
}

long sys_axiom_commits_read(orb_cptr_t cap, uint64_t buf, size_t len, uint64_t from_seq)
{
	long err;
	if (!cap_lookup(current()->proc, cap, ORB_OBJ_AXIOM, ORB_RIGHT_READ, &err))
		return err;
	return axiom_read_commits(buf, len, from_seq);
}
