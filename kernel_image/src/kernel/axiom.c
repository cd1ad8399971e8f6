/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Axiom: SysLog and CommitLog (see axiom.h for what each holds).
 *
 * Commit envelope (orbital_build/abi/defs/axiom.py, generated codecs on both sides):
 *   seq u64 | timestamp u64 | prev u8[32] | type u8 | has_cause u8 | [caused_by u64] |
 *   payload_len u16 | payload | id u8[32]
 *   id = SHA-256(prev ‖ seq ‖ timestamp ‖ type ‖ payload ‖ [caused_by])
 * The first commit (genesis, seq 0) has prev = 32 zero bytes. Commits are kept in a ring
 * for axiom_commits_read and written, framed ("AXC1", length, envelope), to the debugcon
 * port so the host log is complete even when the ring wraps.
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
#include <kernel/sha256.h>
#include <kernel/string.h>
#include <kernel/thread.h>
#include <kernel/usercopy.h>
#include <memlayout.h>
#include <mm/frame.h>

#define SYSLOG_ORDER 6                          /* 256 KiB: 4096 records */
#define SYSLOG_CAP ((PAGE_SIZE << SYSLOG_ORDER) / sizeof(orb_syslog_record_t))
#define COMMIT_RING_ORDER 7                     /* 512 KiB of envelopes */
#define COMMIT_RING_BYTES (PAGE_SIZE << COMMIT_RING_ORDER)
#define COMMIT_INDEX_ORDER 6                    /* 256 KiB: 10922 commits remembered */
#define COMMIT_INDEX ((PAGE_SIZE << COMMIT_INDEX_ORDER) / sizeof(struct commit_slot))
#define STREAM_PORT 0xE9                        /* QEMU isa-debugcon */

static orb_syslog_record_t *syslog;
static u64 syslog_seq = 1;                      /* next record's sequence number */
static u64 syslog_dropped;
static u64 cause;                               /* SysLog seq of the syscall being run */

static u8 *commit_ring;
static u64 commit_ring_head;                    /* bytes written, ever */
struct commit_slot {
	u64 seq, pos;
	u64 len;
};
static struct commit_slot *commit_index;          /* COMMIT_INDEX slots, from frames */
static u64 commit_seq;                          /* next commit's sequence number */
static u8 prev_id[SHA256_DIGEST];
u32 axiom_since_checkpoint;
static bool ready, in_checkpoint;

/* ---- SysLog ----------------------------------------------------------------------------- */

static orb_syslog_record_t *record(u64 seq)
{
	orb_syslog_record_t *r = &syslog[seq % SYSLOG_CAP];
	return r->seq == seq ? r : NULL;
}

static orb_syslog_record_t *syslog_open(u32 pid, u64 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
	u64 seq = syslog_seq++;
	orb_syslog_record_t *r = &syslog[seq % SYSLOG_CAP];
	if (seq > SYSLOG_CAP)
		syslog_dropped++;   /* the record it replaces was never read back in time */
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

void axiom_fastpath(struct thread *t, u64 nr, u64 a0, u64 a1, i64 ret)
{
	orb_syslog_record_t *r = syslog_open(t->proc->pid, nr, a0, a1, 0, 0);
	r->result = ret;
	r->flags = ORB_SYSLOG_FASTPATH | ORB_SYSLOG_BLOCKED;
	t->syslog_seq = r->seq;
}

/* ---- CommitLog -------------------------------------------------------------------------- */

static void stream(const u8 *env, u32 len)
{
	u32 hdr[2] = { ORB_AXIOM_STREAM_MAGIC, len };
	arch_port_write(STREAM_PORT, hdr, sizeof(hdr));
	arch_port_write(STREAM_PORT, env, len);
}

static void ring_store(u64 seq, const u8 *env, u16 len)
{
	u64 pos = commit_ring_head;
	for (u32 i = 0; i < len; i++)
		commit_ring[(pos + i) % COMMIT_RING_BYTES] = env[i];
	commit_ring_head += len;
	commit_index[seq % COMMIT_INDEX] = (struct commit_slot){ seq, pos, len };
}

static void put64(u8 *p, u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void commit(u8 type, const u8 *payload, size_t len)
{
	if (!ready)
		return;
	u8 env[ORB_AXIOM_COMMIT_MAX];
	u64 seq = commit_seq++, ts = arch_now_ns();
	bool has_cause = cause != 0;
	u32 n = 0;
	put64(env + n, seq), n += 8;
	put64(env + n, ts), n += 8;
	memcpy(env + n, prev_id, SHA256_DIGEST), n += SHA256_DIGEST;
	env[n++] = type;
	env[n++] = has_cause;
	if (has_cause)
		put64(env + n, cause), n += 8;
	env[n++] = (u8)len;
	env[n++] = (u8)(len >> 8);
	memcpy(env + n, payload, len), n += (u32)len;

	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, prev_id, SHA256_DIGEST);
	sha256_update(&h, env, 16);           /* seq, timestamp (LE) */
	sha256_update(&h, &type, 1);
	sha256_update(&h, payload, len);
	if (has_cause)
		sha256_update(&h, env + 50, 8);   /* caused_by (LE) */
	sha256_final(&h, prev_id);
	memcpy(env + n, prev_id, SHA256_DIGEST), n += SHA256_DIGEST;

	ring_store(seq, env, (u16)n);
	stream(env, n);
	if (!in_checkpoint)
		axiom_since_checkpoint++;
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

void axiom_checkpoint(void)
{
	if (!ready || in_checkpoint)
		return;
	in_checkpoint = true;
	u8 hash[SHA256_DIGEST], buf[ORB_COMMIT_CHECKPOINT_MAX];
	axiom_state_hash(hash);
	u64 saved = cause;
	cause = 0;   /* checkpoints are caused by no syscall */
	commit(ORB_COMMIT_CHECKPOINT, buf, orb_enc_commit_checkpoint(buf, hash, 0, NULL, 0));
	cause = saved;
	axiom_since_checkpoint = 0;
	in_checkpoint = false;
}

void axiom_shutdown(void)
{
	axiom_checkpoint();
}

void axiom_init(u64 memory_bytes)
{
	paddr_t s = frame_alloc(SYSLOG_ORDER), c = frame_alloc(COMMIT_RING_ORDER);
	paddr_t x = frame_alloc(COMMIT_INDEX_ORDER);
	if (!s || !c || !x)
		panic("axiom: no memory for the logs");
	syslog = KERNEL_VIRT(s);
	commit_ring = KERNEL_VIRT(c);
	commit_index = KERNEL_VIRT(x);
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
	commit(ORB_COMMIT_PROCESS_CREATED, buf,
	       orb_enc_commit_process_created(buf, p->pid, p->parent, p->name, n, p->image, m));
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

/* ---- reading the logs ------------------------------------------------------------------- */

void axiom_fill_info(orb_sys_info_t *info)
{
	info->syslog_records = syslog_seq - 1;
	info->syslog_dropped = syslog_dropped;
	info->commits = commit_seq;
}

long axiom_read_syslog(u64 ubuf, size_t len, u64 from_seq)
{
	size_t n = 0;
	u64 oldest = syslog_seq > SYSLOG_CAP ? syslog_seq - SYSLOG_CAP : 1;
	for (u64 s = MAX(from_seq, oldest); s < syslog_seq && (n + 1) * sizeof(orb_syslog_record_t) <= len; s++) {
		orb_syslog_record_t r = syslog[s % SYSLOG_CAP];
		r.time_ns = arch_stamp_to_ns(r.time_ns);   /* stored as a raw cycle stamp */
		int rc = copy_to_user(ubuf + n * sizeof(r), &r, sizeof(r));
		if (rc < 0)
			return rc;
		n++;
	}
	return (long)(n * sizeof(orb_syslog_record_t));
}

long axiom_read_commits(u64 ubuf, size_t len, u64 from_seq)
{
	size_t n = 0;
	for (u64 s = from_seq; s < commit_seq; s++) {
		struct commit_slot *e = &commit_index[s % COMMIT_INDEX];
		if (e->seq != s || commit_ring_head - e->pos > COMMIT_RING_BYTES)
			continue;   /* fell out of the ring: the host stream still has it */
		if (n + e->len > len)
			break;
		u8 tmp[ORB_AXIOM_COMMIT_MAX];
		for (u32 i = 0; i < e->len; i++)
			tmp[i] = commit_ring[(e->pos + i) % COMMIT_RING_BYTES];
		int rc = copy_to_user(ubuf + n, tmp, e->len);
		if (rc < 0)
			return rc;
		n += e->len;
	}
	return (long)n;
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
