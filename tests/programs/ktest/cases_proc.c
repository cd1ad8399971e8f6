/* SPDX-License-Identifier: Apache-2.0 */
/* Processes (spawn, kill, exit notices), cross-process IPC, the Axiom logs, interrupts,
 * port I/O, and the SHA-256 the kernel uses. */
#include "ktest.h"
#include "peer.h"

#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE
#define G ORB_RIGHT_GRANT
#define MS 1000000ull

static void spawn_talk_and_collect_the_exit_notice(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, ORB_CAP_NONE, 0, notify);
	KT_TRUE(t, pid > 1);
	orb_endpoint_receive_wait_out_t o;
	long in = orb_endpoint_receive_wait(ep, 2000 * MS, &o);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)in), PEER_READY);
	KT_EQ(t, o.sender, pid);                 /* stamped by the kernel */
	KT_EQ(t, o.mr1, pid);                    /* what the peer believes */
	KT_EQ(t, orb_endpoint_reply(orb_msginfo_new(1, 16, 0), PEER_EXIT, 7, 0, 0), 0);
	uint32_t dead;
	int32_t code;
	uint8_t why;
	KT_EQ(t, kt_child_exit(notify, &dead, &code, &why), 0);
	KT_EQ(t, dead, pid);
	KT_EQ(t, code, 7);
	KT_EQ(t, why, ORB_EXIT_REASON_EXIT);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

static void a_faulting_child_is_reported_as_such(struct kt *t)
{
	orb_cptr_t notify = kt_endpoint(NULL);
	long pid = kt_spawn("hostile-kwrite", NULL, 0, notify, 0x5EED);
	KT_TRUE(t, pid > 1);
	orb_endpoint_receive_wait_out_t o;
	long in = orb_endpoint_receive_wait(notify, 3000 * MS, &o);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)in), ORB_MSG_CHILD_EXITED);
	KT_EQ(t, (uint32_t)o.mr0, pid);
	KT_EQ(t, (int32_t)(o.mr0 >> 32), 14);    /* #PF */
	KT_EQ(t, o.mr1, ORB_EXIT_REASON_FAULT);
	KT_EQ(t, o.mr3, 0x5EED);                 /* the badge we asked for */
	KT_EQ(t, o.sender, 0);                   /* from the kernel */
	orb_endpoint_destroy(notify);
}

static void kill_ends_a_blocked_child(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, ORB_CAP_NONE, 0, notify);
	long result = 0;
	orb_endpoint_receive_wait_out_t o;
	KT_TRUE(t, orb_endpoint_receive_wait(ep, 2000 * MS, &o) >= 0);
	KT_EQ(t, orb_endpoint_reply(orb_msginfo_new(1, 16, 0), PEER_BLOCK, 0, 0, 0), 0);
	orb_sleep_ms(10);
	KT_ERR(t, orb_process_kill(KT_CONSOLE_CAP, (uint32_t)pid), ORB_EBADF);
	KT_ERR(t, orb_process_kill(KT_PROCESS_CAP, 999999), ORB_ENOENT);
	KT_EQ(t, orb_process_kill(KT_PROCESS_CAP, (uint32_t)pid), 0);
	uint32_t dead;
	int32_t code;
	uint8_t why;
	KT_EQ(t, kt_child_exit(notify, &dead, &code, &why), 0);
	KT_EQ(t, dead, pid);
	KT_EQ(t, why, ORB_EXIT_REASON_KILLED);
	(void)result;
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

static void spawn_needs_the_root_process_capability(struct kt *t)
{
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, "x", 1);
	memcpy(spec.image, "ktest-peer", 10);
	spec.priority = 64;
	spec.exit_notify = ORB_CAP_NONE;
	spec.proc = KT_CONSOLE_CAP;
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec)), ORB_EBADF);
	long ro = orb_cap_derive(KT_PROCESS_CAP, R, 0, 0);
	spec.proc = (orb_cptr_t)ro;
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec)), ORB_EPERM);
	orb_cap_delete((orb_cptr_t)ro);
	spec.proc = KT_PROCESS_CAP;
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec) - 1), ORB_EINVAL);
	KT_ERR(t, orb_process_spawn((void *)KERNEL_ADDR, sizeof(spec)), ORB_EINVAL);
}

static void spawn_rejects_bad_images_and_names(struct kt *t)
{
	KT_ERR(t, kt_spawn("no-such-program", NULL, 0, ORB_CAP_NONE, 0), ORB_ENOENT);
	KT_ERR(t, kt_spawn("initcaps", NULL, 0, ORB_CAP_NONE, 0), ORB_ENOENT);   /* not an ELF */
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	spec.proc = KT_PROCESS_CAP;
	spec.priority = 64;
	spec.exit_notify = ORB_CAP_NONE;
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec)), ORB_EINVAL);   /* no name */
	memcpy(spec.name, "bad name", 8);
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec)), ORB_EINVAL);
	memcpy(spec.name, "inline", 7);
	static const uint8_t junk[64] = { 0x7f, 'E', 'L', 'F' };
	spec.image_addr = (uint64_t)(uintptr_t)junk;
	spec.image_len = sizeof(junk);
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec)), ORB_EINVAL);   /* refused by the loader */
	spec.image_len = 0;
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec)), ORB_EINVAL);
	spec.priority = 3;
	KT_ERR(t, orb_process_spawn(&spec, sizeof(spec)), ORB_EPERM);     /* more urgent */
}

static void spawn_grants_only_attenuated_copies(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long r_only = orb_cap_derive(KT_CONSOLE_CAP, R | G, 0, 0);
	orb_spawn_cap_t too_much = { .src = (orb_cptr_t)r_only, .dst = 1, .rights = R | W };
	KT_ERR(t, kt_spawn("ktest-peer", &too_much, 1, ORB_CAP_NONE, 0), ORB_EPERM);
	long nog = orb_cap_derive(KT_CONSOLE_CAP, R, 0, 0);
	orb_spawn_cap_t no_grant = { .src = (orb_cptr_t)nog, .dst = 1, .rights = R };
	KT_ERR(t, kt_spawn("ktest-peer", &no_grant, 1, ORB_CAP_NONE, 0), ORB_EPERM);
	/* a peer given R on the console reports exactly R */
	long pid = kt_spawn_peer(ep, (orb_cptr_t)r_only, R, ORB_CAP_NONE);
	KT_TRUE(t, pid > 0);
	long rights = -1;
	KT_EQ(t, kt_peer_order(ep, PEER_INSPECT, 1, &rights), 0);
	KT_EQ(t, rights, R);
	KT_EQ(t, kt_peer_order(ep, PEER_INSPECT, 5, &rights), 0);
	KT_EQ(t, rights, -ORB_EBADF);           /* it has nothing else */
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &rights), 0);
	orb_cap_delete((orb_cptr_t)r_only);
	orb_cap_delete((orb_cptr_t)nog);
	orb_endpoint_destroy(ep);
}

static void a_spawned_process_holds_at_most_max_caps(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	uint64_t limits[ORB_RES_COUNT] = { [ORB_RES_CAPS] = 1 };
	/* it would start with 2 */
	KT_ERR(t, kt_spawn_limited(ep, KT_CONSOLE_CAP, R, ORB_CAP_NONE, limits), ORB_ENOMEM);
	limits[ORB_RES_CAPS] = 2;
	long pid = kt_spawn_limited(ep, KT_CONSOLE_CAP, R, ORB_CAP_NONE, limits);
	KT_TRUE(t, pid > 0);
	long result = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_TRY_RECEIVE, 0, &result), 0);   /* slot 1 is console */
	KT_EQ(t, result, -ORB_EBADF);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &result), 0);
	orb_endpoint_destroy(ep);
}

static void receiving_needs_the_read_right(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), other = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, other, W, ORB_CAP_NONE);
	KT_TRUE(t, pid > 0);
	long result = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_TRY_RECEIVE, 0, &result), 0);
	KT_EQ(t, result, -ORB_EPERM);            /* W only: it may send, not receive */
	KT_EQ(t, orb_endpoint_send(other, orb_msginfo_new(0x66, 8, 0), 0x99, 0, 0, 0), 0);
	KT_EQ(t, kt_peer_order(ep, PEER_TRY_SEND, 0, &result), 0);
	KT_EQ(t, result, 0);                     /* but sending is fine */
	orb_endpoint_receive_out_t o;
	long got = orb_endpoint_receive(other, &o);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)got), 0x66);   /* ours, still queued */
	got = orb_endpoint_receive(other, &o);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)got), 0x77);
	KT_EQ(t, o.sender, pid);
	KT_EQ(t, o.mr0, 0x4242);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &result), 0);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(other);
}

static void a_non_owner_with_read_receives(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), other = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, other, R, ORB_CAP_NONE);
	long result = 0;
	KT_EQ(t, orb_endpoint_send(other, orb_msginfo_new(0x65, 8, 0), 0x55, 0, 0, 0), 0);
	KT_EQ(t, kt_peer_order(ep, PEER_TRY_RECEIVE, 0, &result), 0);
	KT_EQ(t, orb_msginfo_get_tag((uint64_t)result), 0x65);   /* it took our message */
	KT_ERR(t, orb_endpoint_receive(other, NULL), ORB_EAGAIN);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &result), 0);
	KT_EQ(t, orb_endpoint_destroy(other), 0);
	KT_TRUE(t, pid > 0);
	orb_endpoint_destroy(ep);
}

static void a_dead_peers_caps_and_endpoints_are_gone(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, ORB_CAP_NONE, 0, notify);
	long result;
	KT_EQ(t, kt_peer_order(ep, PEER_FAULT, 0, &result), -ORB_ETIMEDOUT);   /* it died */
	uint32_t dead;
	int32_t code;
	uint8_t why;
	KT_EQ(t, kt_child_exit(notify, &dead, &code, &why), 0);
	KT_EQ(t, dead, pid);
	KT_EQ(t, why, ORB_EXIT_REASON_FAULT);
	orb_proc_entry_t list[16];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < 16; i++)
		KT_TRUE(t, list[i].pid != (uint32_t)pid);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

static void syslog_records_every_call_with_the_true_caller(struct kt *t)
{
	long failed = orb_cap_inspect(250, NULL);             /* a failing call to find */
	KT_TRUE(t, failed < 0);
	static orb_syslog_record_t recs[256];
	orb_sys_info_t info;
	orb_system_info(&info, sizeof(info));
	uint64_t from = info.syslog_records > 200 ? info.syslog_records - 200 : 1;
	long n = orb_axiom_syslog_read(KT_AXIOM_CAP, recs, sizeof(recs), from);
	KT_TRUE(t, n > 0 && n % sizeof(orb_syslog_record_t) == 0);
	long count = n / (long)sizeof(orb_syslog_record_t);
	bool found = false;
	for (long i = 0; i < count; i++) {
		if (recs[i].nr == ORB_SYS_CAP_INSPECT && recs[i].args[0] == 250) {
			KT_EQ(t, recs[i].pid, orb_pid());
			KT_EQ(t, recs[i].result, failed);
			KT_TRUE(t, recs[i].flags & ORB_SYSLOG_DONE);
			found = true;
		}
		if (i)
			KT_EQ(t, recs[i].seq, recs[i - 1].seq + 1);
	}
	KT_TRUE(t, found);
	long ro = orb_cap_derive(KT_AXIOM_CAP, 0, 0, 0);
	KT_ERR(t, orb_axiom_syslog_read((orb_cptr_t)ro, recs, sizeof(recs), 1), ORB_EPERM);
	orb_cap_delete((orb_cptr_t)ro);
}

static void commits_can_be_read_back_from_genesis(struct kt *t)
{
	static uint8_t buf[2048];
	long n = orb_axiom_commits_read(KT_AXIOM_CAP, buf, sizeof(buf), 0);
	KT_TRUE(t, n > 60);
	uint64_t seq = 0;
	for (int i = 0; i < 8; i++)
		seq |= (uint64_t)buf[i] << (8 * i);
	KT_EQ(t, seq, 0);
	KT_EQ(t, buf[48], 0);                      /* type 0: the first commit is genesis */
	for (int i = 16; i < 48; i++)
		KT_EQ(t, buf[i], 0);                   /* with a zero prev hash */
	KT_ERR(t, orb_axiom_commits_read(KT_CONSOLE_CAP, buf, sizeof(buf), 0), ORB_EBADF);
}

/* CMOS RTC on ports 0x70/0x71 (through ktest's IoPort capability) raises IRQ 8. */
static uint8_t cmos_read(uint8_t reg)
{
	orb_io_out8(KT_IOPORT_CAP, 0, 0x80 | reg);
	return (uint8_t)orb_io_in8(KT_IOPORT_CAP, 1);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	orb_io_out8(KT_IOPORT_CAP, 0, 0x80 | reg);
	orb_io_out8(KT_IOPORT_CAP, 1, v);
}

static void port_io_stays_inside_its_range(struct kt *t)
{
	KT_TRUE(t, orb_io_in8(KT_IOPORT_CAP, 1) >= 0);
	KT_ERR(t, orb_io_in8(KT_IOPORT_CAP, 2), ORB_EINVAL);
	KT_ERR(t, orb_io_in16(KT_IOPORT_CAP, 1), ORB_EINVAL);   /* 0x71..0x72 spills over */
	KT_ERR(t, orb_io_in8(KT_IOPORT_CAP, 0xFFFFFFFF), ORB_EINVAL);
	long ro = orb_cap_derive(KT_IOPORT_CAP, R, 0, 0);
	KT_ERR(t, orb_io_out8((orb_cptr_t)ro, 0, 0x0A), ORB_EPERM);
	KT_TRUE(t, orb_io_in8((orb_cptr_t)ro, 1) >= 0);
	orb_cap_delete((orb_cptr_t)ro);
}

static void an_irq_arrives_as_a_notification(struct kt *t)
{
	long n = orb_notification_create();
	KT_ERR(t, orb_irq_register(4, (orb_cptr_t)n, KT_IRQ_CAP), ORB_EPERM);   /* cap names 8 */
	KT_ERR(t, orb_irq_register(8, (orb_cptr_t)n, KT_CONSOLE_CAP), ORB_EBADF);
	KT_ERR(t, orb_irq_ack(8), ORB_EINVAL);                                 /* not bound */
	KT_EQ(t, orb_irq_register(8, (orb_cptr_t)n, KT_IRQ_CAP), 0);
	KT_ERR(t, orb_irq_register(8, (orb_cptr_t)n, KT_IRQ_CAP), ORB_EBUSY);
	cmos_write(0x0A, (cmos_read(0x0A) & 0xF0) | 0x0F);   /* 2 Hz periodic rate */
	cmos_write(0x0B, cmos_read(0x0B) | 0x40);            /* periodic interrupt enable */
	cmos_read(0x0C);                                     /* clear pending flags */
	long bits = orb_notification_wait((orb_cptr_t)n, 2000 * MS);
	KT_EQ(t, bits, 1 << 8);
	cmos_read(0x0C);
	KT_EQ(t, orb_irq_ack(8), 0);
	bits = orb_notification_wait((orb_cptr_t)n, 2000 * MS);   /* fires again after the ack */
	KT_EQ(t, bits, 1 << 8);
	cmos_write(0x0B, cmos_read(0x0B) & ~0x40);
	cmos_read(0x0C);
	KT_EQ(t, orb_irq_ack(8), 0);
	KT_EQ(t, orb_cap_delete((orb_cptr_t)n), 0);           /* unbinds: the line is free */
	long m = orb_notification_create();
	KT_EQ(t, orb_irq_register(8, (orb_cptr_t)m, KT_IRQ_CAP), 0);
	orb_cap_delete((orb_cptr_t)m);
}

/* The kernel's SHA-256 (kernel_image/src/lib/sha256.c, linked into liborbital too). */
void sha256(const void *data, size_t n, uint8_t out[32]);

static bool digest_is(const void *data, size_t n, const char *hex)
{
	uint8_t d[32];
	sha256(data, n, d);
	for (int i = 0; i < 32; i++) {
		char x[3];
		snprintf(x, sizeof(x), "%02x", d[i]);
		if (x[0] != hex[2 * i] || x[1] != hex[2 * i + 1])
			return false;
	}
	return true;
}

static void sha256_matches_the_nist_vectors(struct kt *t)
{
	KT_TRUE(t, digest_is("abc", 3,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	KT_TRUE(t, digest_is("", 0,
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	KT_TRUE(t, digest_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	static char million[1000000];
	memset(million, 'a', sizeof(million));
	KT_TRUE(t, digest_is(million, sizeof(million),
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

const struct kcase kt_proc_cases[] = {
	{ "spawn_talk_and_collect_the_exit_notice", spawn_talk_and_collect_the_exit_notice },
	{ "a_faulting_child_is_reported_as_such", a_faulting_child_is_reported_as_such },
	{ "kill_ends_a_blocked_child", kill_ends_a_blocked_child },
	{ "spawn_needs_the_root_process_capability", spawn_needs_the_root_process_capability },
	{ "spawn_rejects_bad_images_and_names", spawn_rejects_bad_images_and_names },
	{ "spawn_grants_only_attenuated_copies", spawn_grants_only_attenuated_copies },
	{ "receiving_needs_the_read_right", receiving_needs_the_read_right },
	{ "a_spawned_process_holds_at_most_max_caps", a_spawned_process_holds_at_most_max_caps },
	{ "a_non_owner_with_read_receives", a_non_owner_with_read_receives },
	{ "a_dead_peers_caps_and_endpoints_are_gone", a_dead_peers_caps_and_endpoints_are_gone },
	{ "syslog_records_every_call_with_the_true_caller", syslog_records_every_call_with_the_true_caller },
	{ "commits_can_be_read_back_from_genesis", commits_can_be_read_back_from_genesis },
	{ "port_io_stays_inside_its_range", port_io_stays_inside_its_range },
	{ "an_irq_arrives_as_a_notification", an_irq_arrives_as_a_notification },
	{ "sha256_matches_the_nist_vectors", sha256_matches_the_nist_vectors },
};
const size_t kt_proc_count = ORB_ARRAY_SIZE(kt_proc_cases);
