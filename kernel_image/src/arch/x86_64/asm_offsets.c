/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The offsets, sizes and values of C structures and constants that this architecture's
 * assembly (fastpath.S) uses. Not part of the kernel: the build compiles it to assembly
 * only, where each DEFINE leaves a marker `->NAME value` holding the number the compiler
 * computed, and orbital_build/image/asm_offsets.py turns the markers into
 * gen/asm_offsets.h. A change to a structure therefore moves the assembly with it.
 */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/x86.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/process.h>
#include <kernel/thread.h>
#include <mm/vm.h>

#define DEFINE(name, value) __asm__ volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))
#define OFFSET(name, type, member) DEFINE(name, __builtin_offsetof(type, member))

/* Layout facts the assembly relies on without naming them. */
_Static_assert(__builtin_offsetof(struct thread, ctx) == 0, "a thread is its frame");
_Static_assert(__builtin_offsetof(struct endpoint, kobj) == 0, "cap->obj is the endpoint");
_Static_assert(sizeof(enum thread_state) == 4 && sizeof(enum wait_kind) == 4, "movl");
_Static_assert(sizeof(((struct cspace *)0)->gen[0]) == 4, "gen[] of u32");
_Static_assert(sizeof(((struct process *)0)->pid) == 4, "pid is a u32");
_Static_assert(sizeof(((struct waitq *)0)->len) == 4, "waitq.len is a u32");
_Static_assert(sizeof(((struct thread *)0)->priority) == 1, "priority is a u8");
_Static_assert((CSPACE_SLOTS & (CSPACE_SLOTS - 1)) == 0 && CSPACE_SLOTS <= ORB_CPTR_SLOT_MASK + 1,
	       "a power of two the slot field holds");
_Static_assert((AXIOM_SYSLOG_RECORDS & (AXIOM_SYSLOG_RECORDS - 1)) == 0, "a power of two");

void asm_offsets(void);

void asm_offsets(void)
{
	OFFSET(THREAD_PROC, struct thread, proc);
	OFFSET(THREAD_STATE, struct thread, state);
	OFFSET(THREAD_PRIORITY, struct thread, priority);
	OFFSET(THREAD_WAKE_AT, struct thread, wake_at);
	OFFSET(THREAD_QNEXT, struct thread, qnext);
	OFFSET(THREAD_QPREV, struct thread, qprev);
	OFFSET(THREAD_WAIT, struct thread, wait);
	OFFSET(THREAD_WAIT_OBJ, struct thread, wait_obj);
	OFFSET(THREAD_REPLY_TO, struct thread, reply_to);
	OFFSET(THREAD_SYSLOG_SEQ, struct thread, syslog_seq);
	OFFSET(THREAD_IPCBUF_USER, struct thread, ipcbuf_user);
	OFFSET(THREAD_IPCBUF, struct thread, ipcbuf);
	OFFSET(THREAD_RAN_SINCE, struct thread, ran_since);
	DEFINE(T_RUNNING, T_RUNNING);
	DEFINE(T_BLOCKED, T_BLOCKED);
	DEFINE(W_NONE, W_NONE);
	DEFINE(W_RECV, W_RECV);

	OFFSET(PROCESS_PID, struct process, pid);
	OFFSET(PROCESS_CSPACE, struct process, cspace);
	OFFSET(PROCESS_VS, struct process, vs);
	OFFSET(PROCESS_CPU_CYCLES, struct process, cpu_cycles);
	OFFSET(VSPACE_CR3, struct vspace, cr3);

	OFFSET(CSPACE_SLOT, struct cspace, slot);
	OFFSET(CSPACE_GEN, struct cspace, gen);
	DEFINE(CSPACE_SLOTS, CSPACE_SLOTS);
	DEFINE(SIZEOF_CAP, sizeof(struct cap));
	OFFSET(CAP_TYPE, struct cap, type);
	OFFSET(CAP_RIGHTS, struct cap, rights);
	OFFSET(CAP_EXPIRES_AT, struct cap, expires_at);
	OFFSET(CAP_BADGE, struct cap, badge);
	OFFSET(CAP_OBJ, struct cap, obj);

	OFFSET(ENDPOINT_RECEIVERS, struct endpoint, receivers);
	OFFSET(ENDPOINT_RECEIVERS_HEAD, struct endpoint, receivers.head);
	OFFSET(ENDPOINT_RECEIVERS_TAIL, struct endpoint, receivers.tail);
	OFFSET(ENDPOINT_RECEIVERS_LEN, struct endpoint, receivers.len);
	OFFSET(ENDPOINT_SENDERS_HEAD, struct endpoint, senders.head);
	OFFSET(ENDPOINT_QHEAD, struct endpoint, qhead);

	OFFSET(TSS_RSP0, struct tss, rsp[0]);
	DEFINE(MSR_FS_BASE, MSR_FS_BASE);
	DEFINE(AXIOM_SYSLOG_MASK, AXIOM_SYSLOG_RECORDS - 1);
}
