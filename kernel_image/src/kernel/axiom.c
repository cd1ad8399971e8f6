/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Axiom: SysLog and CommitLog (see axiom.h for what each holds).
 *
 * A commit is made in two steps. In the syscall that causes it, commit() only appends its
 * fields (sequence number, a raw cycle stamp, type, cause, payload) to the pending ring:
 * a copy of a few dozen bytes. Later — at a flush — axiom_flush() takes the pending
 * commits in order, builds each envelope (prev = the id of the one before), hashes it into
 * the chain, keeps it in the commit ring for axiom_commits_read and writes it framed to
 * the debugcon port. Flushes happen when the ring fills, at every checkpoint, when the CPU
 * goes idle, before console output (console.c) and before the commits are read, and on
 * every way the kernel stops (shutdown, panic, kernel fault), so the host log loses
 * nothing unless the machine is killed from outside — and then it ends at the last
 * flushed commit, which `axiom verify --stopped` accepts. The chain, and so the
 * verification, is exactly what hashing at once gave.
 *
 * The envelope and the id's input are written by generated code (gen/axiom_records.h,
 * from orbital_build/abi/envelope.py), the same tables the host parses with:
 *   seq u64 | timestamp u64 | prev u8[32] | type u8 | has_cause u8 | [caused_by u64] |
 *   payload_len u16 | payload | id u8[32]
 *   id = SHA-256(prev ‖ seq ‖ timestamp ‖ type ‖ payload ‖ [caused_by])
 * After each checkpoint and when it stops, the kernel seals the log: a frame with the
 * number of commits and the id of the last, so the host can tell a whole log from one that
 * lost its end. On a machine with a secret every checkpoint is signed (checkpoint_sign),
 * so the host can also tell the kernel's log from one re-chained after the fact.
 *
 * Syscalls here: axiom_syslog_read, axiom_commits_read (both need an AXIOM capability
 * with R).
 */
#include <arch/arch.h>
#include <gen/axiom_records.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/cap.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/secret.h>
#include <kernel/sha256.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/usercopy.h>
#include <memlayout.h>
#include <mm/frame.h>

#define SYSLOG_ORDER 6                          /* 256 KiB: 4096 records */
#define SYSLOG_CAP AXIOM_SYSLOG_RECORDS
_Static_assert((PAGE_SIZE << SYSLOG_ORDER) == SYSLOG_CAP * sizeof(orb_syslog_record_t),
	       "the SysLog ring is SYSLOG_ORDER pages of records");
#define PENDING_ORDER 4                         /* 64 KiB of commits not yet hashed (~480) */
#define PENDING_CAP ((PAGE_SIZE << PENDING_ORDER) / sizeof(struct pending))
#define COMMIT_RING_ORDER 7                     /* 512 KiB of envelopes */
#define COMMIT_RING_BYTES (PAGE_SIZE << COMMIT_RING_ORDER)
#define COMMIT_INDEX_ORDER 6                    /* 256 KiB: 10922 commits remembered */
#define COMMIT_INDEX ((PAGE_SIZE << COMMIT_INDEX_ORDER) / sizeof(struct commit_slot))
#define STREAM_PORT 0xE9                        /* QEMU isa-debugcon */

orb_syslog_record_t *axiom_syslog;
u64 axiom_syslog_next = 1;
static u64 cause;                               /* SysLog seq of the syscall being run */

/* A commit made and not yet hashed into the chain. */
struct pending {
	u64 seq, stamp, cause;
	u8 type, has_cause;
	u16 len;
	u8 payload[ORB_AXIOM_COMMIT_PAYLOAD_MAX];
};
static struct pending *pending;                 /* PENDING_CAP entries, from frames */
static u64 commit_seq;                          /* next commit's sequence number */
static u64 hashed_seq;                          /* commits below this are in the chain */
static u8 prev_id[SHA256_DIGEST];               /* id of commit hashed_seq - 1 */

static u8 *commit_ring;
static u64 commit_ring_head;                    /* bytes written, ever */
struct commit_slot {
	u64 seq, pos;
	u64 len;
};
static struct commit_slot *commit_index;        /* COMMIT_INDEX slots, from frames */
u32 axiom_since_checkpoint;
static bool ready, in_checkpoint, stopping, flushing;

/* ---- SysLog ----------------------------------------------------------------------------- */

static orb_syslog_record_t *record(u64 seq)
{
	orb_syslog_record_t *r = &axiom_syslog[seq % SYSLOG_CAP];
	return r->seq == seq ? r : NULL;
}

static orb_syslog_record_t *syslog_open(u32 pid, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
	u64 seq = axiom_syslog_next++;
	orb_syslog_record_t *r = &axiom_syslog[seq % SYSLOG_CAP];
	r->seq = seq;
	r->time_ns = arch_cycles();   /* a raw stamp until read back */
	r->pid = pid;
	r->nr = (u16)nr;
	r->flags = 0;
	r->args[0] = a0;
	r->args[1] = a1;
	r->args[2] = a2;
	r->args[3] = a3;
	r->result = 0;
	return r;
}

void axiom_syscall_begin(struct thread *t, u64 nr, const u64 a[6])
{
	if (!ready)
		return;
	orb_syslog_record_t *r = syslog_open(t->proc->pid, nr, a[0], a[1], a[2], a[3]);
	t->syslog_seq = cause = r->seq;
}

void axiom_syscall_end(struct thread *t, i64 ret)
{
	orb_syslog_record_t *r = ready ? record(t->syslog_seq) : NULL;
	if (r) {
		r->result = ret;
		r->flags |= ORB_SYSLOG_DONE;
	}
	cause = 0;
}

void axiom_syscall_late(struct thread *t, i64 ret)
{
	orb_syslog_record_t *r = ready && t->syslog_seq ? record(t->syslog_seq) : NULL;
	if (r && !(r->flags & ORB_SYSLOG_DONE)) {
		r->result = ret;
		r->flags |= ORB_SYSLOG_DONE | ORB_SYSLOG_BLOCKED;
	}
}

/* ---- CommitLog -------------------------------------------------------------------------- */

static void stream(u32 magic, const u8 *body, u32 len)
{
	u32 hdr[2] = { magic, len };
	arch_port_write(STREAM_PORT, hdr, sizeof(hdr));
	arch_port_write(STREAM_PORT, body, len);
}

static void ring_store(u64 seq, const u8 *env, size_t len)
{
	u64 pos = commit_ring_head, at = pos % COMMIT_RING_BYTES;
	size_t first = MIN(len, COMMIT_RING_BYTES - at);
	memcpy(commit_ring + at, env, first);
	memcpy(commit_ring, env + first, len - first);
	commit_ring_head += len;
	commit_index[seq % COMMIT_INDEX] = (struct commit_slot){ seq, pos, len };
}

/* Append a commit to the pending ring; it joins the chain at the next flush. */
static void commit(u8 type, const u8 *payload, size_t len)
{
	if (!ready)
		return;
	if (commit_seq - hashed_seq == PENDING_CAP)
		axiom_flush();
	struct pending *c = &pending[commit_seq % PENDING_CAP];
	c->seq = commit_seq++;
	c->stamp = arch_cycles();   /* ns at the flush: the same clock arch_now_ns reads */
	c->type = type;
	c->has_cause = cause != 0;
	c->cause = cause;
	c->len = (u16)len;
	memcpy(c->payload, payload, len);
	if (!in_checkpoint)
		axiom_since_checkpoint++;
}

void axiom_flush(void)
{
	if (flushing)
		return;   /* a fault while flushing reports itself through the console */
	flushing = true;
	for (; hashed_seq < commit_seq; hashed_seq++) {
		const struct pending *c = &pending[hashed_seq % PENDING_CAP];
		u8 id[SHA256_DIGEST], in[ORB_AXIOM_ID_INPUT_MAX], env[ORB_AXIOM_COMMIT_MAX];
		orb_commit_envelope_t e = {
			.seq = c->seq, .timestamp = arch_stamp_to_ns(c->stamp), .prev = prev_id,
			.type = c->type, .has_cause = c->has_cause, .caused_by = c->cause,
			.payload = c->payload, .payload_len = c->len, .id = id,
		};
		sha256(in, orb_enc_commit_id_input(in, &e), id);
		size_t n = orb_enc_commit_envelope(env, &e);
		memcpy(prev_id, id, SHA256_DIGEST);
		ring_store(c->seq, env, n);
		stream(ORB_AXIOM_STREAM_MAGIC, env, (u32)n);
	}
	flushing = false;
}

/* Flush, then say how far the log goes: every commit so far and the id of the last. */
static void seal(u8 reason)
{
	axiom_flush();
	u8 buf[ORB_AXIOM_SEAL_SIZE];
	stream(ORB_AXIOM_SEAL_MAGIC, buf, (u32)orb_enc_axiom_seal(buf, commit_seq, prev_id, reason));
}

/*
 * Checkpoints are taken only where the kernel is quiescent — on the way back to user mode,
 * never in the middle of an operation — so the state hashed is exactly the state the
 * commits so far describe.
 */
void axiom_quiescent(void)
{
	if (axiom_since_checkpoint >= AXIOM_CHECKPOINT_INTERVAL)
		axiom_checkpoint();
}

/*
 * On a machine with a secret the checkpoint is signed (D249): its seq, its prev — the id
 * of every commit before it, so the chain is hashed up to here first — and the state
 * hash, by the Ed25519 key the kernel derived from the secret (secret.c). Without a
 * secret it goes unsigned.
 */
static size_t checkpoint_sign(const u8 hash[SHA256_DIGEST], u8 sig[SECRET_SIGNATURE_SIZE])
{
	static const char domain[] = "orbital axiom checkpoint v1";
	if (!secret_present())
		return 0;
	axiom_flush();
	orb_checkpoint_signed_t m = { .seq = commit_seq };
	memcpy(m.domain, domain, sizeof(domain));
	memcpy(m.prev, prev_id, sizeof(m.prev));
	memcpy(m.state_hash, hash, sizeof(m.state_hash));
	return secret_sign((const u8 *)&m, sizeof(m), sig) ? SECRET_SIGNATURE_SIZE : 0;
}

static void checkpoint_commit(void)
{
	in_checkpoint = true;
	u8 hash[SHA256_DIGEST], buf[ORB_COMMIT_CHECKPOINT_MAX], sig[SECRET_SIGNATURE_SIZE];
	axiom_state_hash(hash);
	size_t siglen = checkpoint_sign(hash, sig);
	u64 saved = cause;
	cause = 0;   /* checkpoints are caused by no syscall */
	commit(ORB_COMMIT_CHECKPOINT, buf,
	       orb_enc_commit_checkpoint(buf, hash, siglen ? ORB_CHECKPOINT_ED25519
							   : ORB_CHECKPOINT_UNSIGNED, sig, siglen));
	cause = saved;
	axiom_since_checkpoint = 0;
	in_checkpoint = false;
}

void axiom_checkpoint(void)
{
	if (!ready || in_checkpoint || stopping)
		return;
	checkpoint_commit();
	seal(ORB_AXIOM_SEAL_CHECKPOINT);
}

void axiom_idle(void)
{
	if (ready && hashed_seq < commit_seq)
		axiom_flush();
}

void axiom_shutdown(void)
{
	if (!ready || stopping)
		return;
	stopping = true;
	checkpoint_commit();
	seal(ORB_AXIOM_SEAL_SHUTDOWN);
}

void axiom_panic(void)
{
	if (!ready || stopping)
		return;   /* not started, or this fault happened while stopping: keep what we have */
	stopping = true;
	seal(ORB_AXIOM_SEAL_PANIC);
}

void axiom_init(u64 memory_bytes)
{
	paddr_t s = frame_alloc(SYSLOG_ORDER), c = frame_alloc(COMMIT_RING_ORDER);
	paddr_t x = frame_alloc(COMMIT_INDEX_ORDER), q = frame_alloc(PENDING_ORDER);
	if (!s || !c || !x || !q)
		panic("axiom: no memory for the logs");
	axiom_syslog = KERNEL_VIRT(s);
	commit_ring = KERNEL_VIRT(c);
	commit_index = KERNEL_VIRT(x);
	pending = KERNEL_VIRT(q);
	ready = true;
	static const char version[] = ORB_VERSION;
	u8 buf[ORB_COMMIT_GENESIS_MAX];
	commit(ORB_COMMIT_GENESIS, buf, orb_enc_commit_genesis(buf, version, sizeof(version) - 1,
								 arch_tsc_hz(), memory_bytes));
}

void axiom_process_created(struct process *p)
{
	u8 buf[ORB_COMMIT_PROCESS_CREATED_MAX];
	u16 n = (u16)strnlen(p->name, PROC_NAME_LEN), m = (u16)strnlen(p->image, PROC_NAME_LEN);
	orb_resources_t limits;
	memcpy(limits.amount, p->acct.limit, sizeof(limits.amount));
	commit(ORB_COMMIT_PROCESS_CREATED, buf,
	       orb_enc_commit_process_created(buf, p->pid, p->parent, p->name, n, p->image, m,
					      &limits));
}

void axiom_process_exited(u32 pid, i32 code)
{
	u8 buf[ORB_COMMIT_PROCESS_EXITED_MAX];
	commit(ORB_COMMIT_PROCESS_EXITED, buf, orb_enc_commit_process_exited(buf, pid, code));
}

void axiom_process_faulted(u32 pid, u32 vector, const char *what)
{
	u8 buf[ORB_COMMIT_PROCESS_FAULTED_MAX];
	commit(ORB_COMMIT_PROCESS_FAULTED, buf,
	       orb_enc_commit_process_faulted(buf, pid, vector, what, (u16)strlen(what)));
}

static void cap_record(const struct cap *c, orb_cap_record_t *r)
{
	*r = (orb_cap_record_t){ .id = c->id, .object_id = c->object_id,
				 .expires_at = c->expires_at, .generation = c->generation,
				 .object_type = c->type, .rights = c->rights };
}

void axiom_cap_inserted(u32 pid, u32 slot, const struct cap *c)
{
	u8 buf[ORB_COMMIT_CAP_INSERTED_MAX];
	orb_cap_record_t r;
	cap_record(c, &r);
	commit(ORB_COMMIT_CAP_INSERTED, buf,
	       orb_enc_commit_cap_inserted(buf, pid, slot, &r, c->badge, c->parent_id));
}

void axiom_cap_removed(u32 pid, u32 slot)
{
	u8 buf[ORB_COMMIT_CAP_REMOVED_MAX];
	commit(ORB_COMMIT_CAP_REMOVED, buf, orb_enc_commit_cap_removed(buf, pid, slot));
}

void axiom_endpoint_created(u64 id, u32 owner)
{
	u8 buf[ORB_COMMIT_ENDPOINT_CREATED_MAX];
	commit(ORB_COMMIT_ENDPOINT_CREATED, buf, orb_enc_commit_endpoint_created(buf, id, owner));
}

void axiom_endpoint_destroyed(u64 id)
{
	u8 buf[ORB_COMMIT_ENDPOINT_DESTROYED_MAX];
	commit(ORB_COMMIT_ENDPOINT_DESTROYED, buf, orb_enc_commit_endpoint_destroyed(buf, id));
}

void axiom_notification_created(u64 id, u32 owner)
{
	u8 buf[ORB_COMMIT_NOTIFICATION_CREATED_MAX];
	commit(ORB_COMMIT_NOTIFICATION_CREATED, buf,
	       orb_enc_commit_notification_created(buf, id, owner));
}

void axiom_notification_destroyed(u64 id)
{
	u8 buf[ORB_COMMIT_NOTIFICATION_DESTROYED_MAX];
	commit(ORB_COMMIT_NOTIFICATION_DESTROYED, buf,
	       orb_enc_commit_notification_destroyed(buf, id));
}

void axiom_memory_mapped(u32 pid, u64 base, u64 size, unsigned prot)
{
	u8 buf[ORB_COMMIT_MEMORY_MAPPED_MAX];
	commit(ORB_COMMIT_MEMORY_MAPPED, buf,
	       orb_enc_commit_memory_mapped(buf, pid, base, size, (u8)(prot & 7)));
}

void axiom_memory_unmapped(u32 pid, u64 base, u64 size)
{
	u8 buf[ORB_COMMIT_MEMORY_UNMAPPED_MAX];
	commit(ORB_COMMIT_MEMORY_UNMAPPED, buf, orb_enc_commit_memory_unmapped(buf, pid, base, size));
}

void axiom_pci_device_found(u32 bdf, u16 vendor, u16 device, u32 class_code)
{
	u8 buf[ORB_COMMIT_PCI_DEVICE_FOUND_MAX];
	commit(ORB_COMMIT_PCI_DEVICE_FOUND, buf,
	       orb_enc_commit_pci_device_found(buf, bdf, vendor, device, class_code));
}

void axiom_shm_created(u64 id, u32 creator, u64 size, u8 flags, u32 device)
{
	u8 buf[ORB_COMMIT_SHM_CREATED_MAX];
	commit(ORB_COMMIT_SHM_CREATED, buf,
	       orb_enc_commit_shm_created(buf, id, creator, size, flags, device));
}

void axiom_shm_destroyed(u64 id)
{
	u8 buf[ORB_COMMIT_SHM_DESTROYED_MAX];
	commit(ORB_COMMIT_SHM_DESTROYED, buf, orb_enc_commit_shm_destroyed(buf, id));
}

void axiom_shm_mapped(u32 pid, u64 base, u64 size, unsigned prot, u64 shm)
{
	u8 buf[ORB_COMMIT_SHM_MAPPED_MAX];
	commit(ORB_COMMIT_SHM_MAPPED, buf,
	       orb_enc_commit_shm_mapped(buf, pid, base, size, (u8)(prot & 7), shm));
}

void axiom_device_mapped(u32 pid, u64 base, u64 size, unsigned prot, u32 bdf, u8 bar)
{
	u8 buf[ORB_COMMIT_DEVICE_MAPPED_MAX];
	commit(ORB_COMMIT_DEVICE_MAPPED, buf,
	       orb_enc_commit_device_mapped(buf, pid, base, size, (u8)(prot & 7), bdf, bar));
}

/* ---- reading the logs ------------------------------------------------------------------- */

void axiom_fill_info(orb_sys_info_t *info)
{
	info->syslog_records = axiom_syslog_next - 1;
	/* records overwritten in the ring (whether or not anyone read them in time) */
	info->syslog_dropped = info->syslog_records > SYSLOG_CAP ? info->syslog_records - SYSLOG_CAP : 0;
	info->commits = commit_seq;
}

long axiom_read_syslog(u64 ubuf, size_t len, u64 from_seq)
{
	size_t n = 0;
	u64 next = axiom_syslog_next, oldest = next > SYSLOG_CAP ? next - SYSLOG_CAP : 1;
	u64 first = MAX(from_seq, oldest), avail = first < next ? next - first : 0;
	int ok = user_writable(ubuf, MIN(avail, len / sizeof(orb_syslog_record_t)) *
				     sizeof(orb_syslog_record_t));
	if (ok < 0)
		return ok;   /* nothing written */
	for (u64 s = MAX(from_seq, oldest); s < next && (n + 1) * sizeof(orb_syslog_record_t) <= len; s++) {
		orb_syslog_record_t r = axiom_syslog[s % SYSLOG_CAP];
		r.time_ns = arch_stamp_to_ns(r.time_ns);   /* stored as a raw cycle stamp */
		int rc = copy_to_user(ubuf + n * sizeof(r), &r, sizeof(r));
		if (rc < 0)
			return rc;
		n++;
	}
	return (long)(n * sizeof(orb_syslog_record_t));
}

/* Copy the commits from from_seq on that fit in len bytes to ubuf (when `copy`); returns
 * the bytes they take. */
static long read_commits(u64 ubuf, size_t len, u64 from_seq, bool copy)
{
	size_t n = 0;
	for (u64 s = from_seq; s < commit_seq; s++) {
		struct commit_slot *e = &commit_index[s % COMMIT_INDEX];
		if (e->seq != s || commit_ring_head - e->pos > COMMIT_RING_BYTES)
			continue;   /* fell out of the ring: the host stream still has it */
		if (n + e->len > len)
			break;
		if (!copy) {
			n += e->len;
			continue;
		}
		u8 tmp[ORB_AXIOM_COMMIT_MAX];
		u64 at = e->pos % COMMIT_RING_BYTES, first = MIN(e->len, COMMIT_RING_BYTES - at);
		memcpy(tmp, commit_ring + at, first);
		memcpy(tmp + first, commit_ring, e->len - first);
		int rc = copy_to_user(ubuf + n, tmp, e->len);
		if (rc < 0)
			return rc;
		n += e->len;
	}
	return (long)n;
}

long axiom_read_commits(u64 ubuf, size_t len, u64 from_seq)
{
	axiom_flush();   /* readers see every commit made so far, hashed */
	int ok = user_writable(ubuf, (size_t)read_commits(ubuf, len, from_seq, false));
	return ok < 0 ? ok : read_commits(ubuf, len, from_seq, true);   /* all or nothing */
}

/* ---- syscalls: axiom_syslog_read, axiom_commits_read (AXIOM:R) ---- */

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
