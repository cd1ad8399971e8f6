/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Axiom: the kernel's record of itself.
 *
 *  SysLog    one record per syscall: sequence, time, caller (from the running thread,
 *            never from arguments), number, first four arguments, result. A bounded
 *            ring; records overwritten before anyone read them are counted as dropped.
 *  CommitLog every change of authority state (processes, capabilities, endpoints,
 *            notifications, memory regions) as a commit: SHA-256 hash-chained, numbered
 *            without gaps, pointing at the SysLog record that caused it. Checkpoints
 *            record a hash of the whole state so a replay outside the machine can prove
 *            it rebuilt the same thing. A syscall only queues its commits; they are
 *            hashed into the chain and streamed, framed, to the debugcon port at the
 *            next flush (ring full, checkpoint, idle, console output, a read, or the
 *            kernel stopping),
 *            and a seal after each checkpoint and at the stop tells the host how far
 *            the log goes.
 */
#pragma once

#include <kernel/types.h>
#include <orbital/abi.h>

struct thread;
struct process;
struct cap;

/* The SysLog ring: record seq lives at axiom_syslog[seq % AXIOM_SYSLOG_RECORDS] (a power
 * of two); axiom_syslog_next is the next seq. The IPC fast path (fastpath.S) writes its
 * records here directly. */
#define AXIOM_SYSLOG_RECORDS 4096
extern orb_syslog_record_t *axiom_syslog;
extern u64 axiom_syslog_next;

void axiom_init(u64 memory_bytes);
void axiom_syscall_begin(struct thread *t, u64 nr, const u64 a[6]);
void axiom_syscall_end(struct thread *t, i64 ret);
/* A blocked syscall got its result (wake-up, timeout, peer death). */
void axiom_syscall_late(struct thread *t, i64 ret);

void axiom_process_created(struct process *p);
void axiom_process_exited(u32 pid, i32 code);
void axiom_process_faulted(u32 pid, u32 vector, const char *what);
void axiom_cap_inserted(u32 pid, u32 slot, const struct cap *c);
void axiom_cap_removed(u32 pid, u32 slot);
void axiom_endpoint_created(u64 id, u32 owner);
void axiom_endpoint_destroyed(u64 id);
void axiom_notification_created(u64 id, u32 owner);
void axiom_notification_destroyed(u64 id);
void axiom_memory_mapped(u32 pid, u64 base, u64 size, unsigned prot);
void axiom_memory_unmapped(u32 pid, u64 base, u64 size);
void axiom_pci_device_found(u32 bdf, u16 vendor, u16 device, u32 class_code);
void axiom_shm_created(u64 id, u32 creator, u64 size, u8 flags, u32 device);
void axiom_shm_destroyed(u64 id);
void axiom_shm_mapped(u32 pid, u64 base, u64 size, unsigned prot, u64 shm);
void axiom_device_mapped(u32 pid, u64 base, u64 size, unsigned prot, u32 bdf, u8 bar);
/* Called where no operation is half done: takes a checkpoint when one is due. */
void axiom_quiescent(void);
extern u32 axiom_since_checkpoint;
#define AXIOM_CHECKPOINT_INTERVAL 256   /* commits between checkpoints */
static inline bool axiom_checkpoint_due(void)
{
	return axiom_since_checkpoint >= AXIOM_CHECKPOINT_INTERVAL;
}
/* A Checkpoint commit with the hash of the current state, flushed and sealed. */
void axiom_checkpoint(void);
/* Hash every queued commit into the chain and stream it. */
void axiom_flush(void);
/* A moment to flush, if anything is queued: the CPU is about to wait for an interrupt,
 * or text is about to go to the console. */
void axiom_idle(void);
/* The machine stops normally: a last checkpoint, then the shutdown seal. */
void axiom_shutdown(void);
/* The kernel stops after a fault or panic: flush and seal, no checkpoint (the state may
 * be inconsistent). Does nothing when already stopping (a fault while sealing). */
void axiom_panic(void);

void axiom_fill_info(orb_sys_info_t *info);
long axiom_read_syslog(u64 ubuf, size_t len, u64 from_seq);
long axiom_read_commits(u64 ubuf, size_t len, u64 from_seq);

/* axiom_state.c: SHA-256 over the canonical encoding of the authority state. */
void axiom_state_hash(u8 out[32]);
