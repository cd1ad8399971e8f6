/* SPDX-License-Identifier: Apache-2.0 */
/* Capability operations and every way a capability check fails (spec §1.7, §1.8). */
#include "ktest.h"
#include "peer.h"

#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE
#define G ORB_RIGHT_GRANT

static orb_cptr_t derive(orb_cptr_t h, uint8_t rights, uint64_t badge)
{
	long r = orb_cap_derive(h, rights, badge, 0);
	return r < 0 ? ORB_CAP_NONE : (orb_cptr_t)r;
}

/* A handle is 32 bits: one with any of bits 32-63 set names nothing (EBADF), on the slow
 * path and on the IPC fast path alike, and is never taken for its low half (D108). */
static void handles_with_high_bits_are_ebadf(struct kt *t)
{
	orb_cap_info_t ci;
	uint64_t id;
	orb_cptr_t ep = kt_endpoint(&id);
	KT_TRUE(t, ep != ORB_CAP_NONE);
	static const int bits[] = { 32, 33, 47, 63 };
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(bits); i++) {
		uint64_t h = (uint64_t)ep | 1ull << bits[i];
		KT_ERR(t, kt_syscall(ORB_SYS_CAP_INSPECT, h, (uint64_t)&ci, 0, 0, 0, 0), ORB_EBADF);
		KT_ERR(t, kt_syscall(ORB_SYS_CAP_DELETE, h, 0, 0, 0, 0, 0), ORB_EBADF);
		KT_ERR(t, kt_syscall(ORB_SYS_ENDPOINT_SEND, h, orb_msginfo_new(1, 0, 0), 0, 0, 0, 0),
		       ORB_EBADF);
		KT_ERR(t, kt_syscall(ORB_SYS_ENDPOINT_CALL, h, orb_msginfo_new(1, 0, 0), 0, 0, 0, 0),
		       ORB_EBADF);
		KT_ERR(t, kt_syscall(ORB_SYS_ENDPOINT_RECEIVE, h, 0, 0, 0, 0, 0), ORB_EBADF);
	}
	KT_EQ(t, orb_cap_inspect(ep, &ci), 0);   /* still there: nothing acted on it */
	KT_ERR(t, orb_endpoint_receive(ep, NULL), ORB_EAGAIN);   /* no message was queued */
	KT_EQ(t, orb_cap_delete(ep), 0);
}

static void initial_caps_are_in_image_order(struct kt *t)
{
	orb_cap_info_t list[16];
	long n = orb_cap_list(list, sizeof(list));
	KT_TRUE(t, n >= 5);
	KT_EQ(t, list[0].object_type, ORB_OBJ_CONSOLE);
	KT_EQ(t, list[1].object_type, ORB_OBJ_PROCESS);
	KT_EQ(t, list[1].object_id, 0);
	KT_EQ(t, list[1].rights, R | W | G);
	KT_EQ(t, list[2].object_type, ORB_OBJ_AXIOM);
	KT_EQ(t, list[2].rights, R);
	KT_EQ(t, list[3].object_type, ORB_OBJ_IOPORT);
	KT_EQ(t, list[3].object_id, 0x70 | (0x71 << 16));
	KT_EQ(t, list[4].object_type, ORB_OBJ_IRQ);
	KT_EQ(t, list[4].object_id, 8);
	for (int i = 0; i < 5; i++)
		KT_EQ(t, list[i].slot, i);
}

static void inspect_reports_every_field(struct kt *t)
{
	orb_cap_info_t ci;
	KT_EQ(t, orb_cap_inspect(KT_PROCESS_CAP, &ci), 0);
	KT_EQ(t, ci.object_type, ORB_OBJ_PROCESS);
	KT_EQ(t, ci.slot, KT_PROCESS_CAP);
	KT_TRUE(t, ci.cap_id > 0);
	KT_EQ(t, ci.expires_at, 0);
	KT_EQ(t, ci.badge, 0);
}

static void empty_slot_is_ebadf(struct kt *t)
{
	orb_cap_info_t ci;
	KT_ERR(t, orb_cap_inspect(200, &ci), ORB_EBADF);
	KT_ERR(t, orb_cap_delete(200), ORB_EBADF);
}

static void slot_out_of_range_is_ebadf(struct kt *t)
{
	orb_cap_info_t ci;
	KT_ERR(t, orb_cap_inspect(256, &ci), ORB_EBADF);
	KT_ERR(t, orb_cap_inspect(4095, &ci), ORB_EBADF);
	KT_ERR(t, orb_cap_derive(1000, R, 0, 0), ORB_EBADF);
}

static void inspect_checks_its_buffer(struct kt *t)
{
	KT_ERR(t, orb_cap_inspect(KT_CONSOLE_CAP, (void *)KERNEL_ADDR), ORB_EINVAL);
	KT_ERR(t, orb_cap_inspect(KT_CONSOLE_CAP, NULL), ORB_EINVAL);
}

static void derive_attenuates(struct kt *t)
{
	orb_cptr_t c = derive(KT_CONSOLE_CAP, R, 0);
	KT_TRUE(t, c != ORB_CAP_NONE);
	KT_EQ(t, kt_rights(c), R);
	KT_EQ(t, orb_cap_delete(c), 0);
}

static void derive_cannot_amplify(struct kt *t)
{
	orb_cptr_t r = derive(KT_CONSOLE_CAP, R, 0);
	KT_ERR(t, orb_cap_derive(r, R | W, 0, 0), ORB_EPERM);
	KT_ERR(t, orb_cap_derive(KT_AXIOM_CAP, R | W, 0, 0), ORB_EPERM);
	KT_EQ(t, orb_cap_delete(r), 0);
}

static void derive_rejects_unknown_rights(struct kt *t)
{
	KT_ERR(t, orb_cap_derive(KT_CONSOLE_CAP, 0x8, 0, 0), ORB_EINVAL);
	KT_ERR(t, orb_cap_derive(KT_CONSOLE_CAP, 0x80 | R, 0, 0), ORB_EINVAL);
}

static void derive_sets_a_badge_once(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	orb_cptr_t b = derive(ep, W | G, 77);
	orb_cap_info_t ci;
	KT_EQ(t, orb_cap_inspect(b, &ci), 0);
	KT_EQ(t, ci.badge, 77);
	KT_ERR(t, orb_cap_derive(b, W, 78, 0), ORB_EPERM);     /* a badge is fixed */
	orb_cptr_t same = derive(b, W, 77), keep = derive(b, W, 0);
	KT_EQ(t, orb_cap_inspect(keep, &ci), 0);
	KT_EQ(t, ci.badge, 77);
	KT_TRUE(t, same != ORB_CAP_NONE);
	KT_EQ(t, orb_endpoint_destroy(ep), 0);
}

static void copy_keeps_rights(struct kt *t)
{
	long c = orb_cap_copy(KT_PROCESS_CAP);
	KT_TRUE(t, c >= 0);
	KT_EQ(t, kt_rights((orb_cptr_t)c), R | W | G);
	KT_EQ(t, orb_cap_delete((orb_cptr_t)c), 0);
}

static void deleted_handle_goes_stale(struct kt *t)
{
	orb_cptr_t c = derive(KT_CONSOLE_CAP, R, 0);
	KT_EQ(t, orb_cap_delete(c), 0);
	orb_cap_info_t ci;
	KT_ERR(t, orb_cap_inspect(c, &ci), ORB_ESTALE);
	KT_ERR(t, orb_cap_delete(c), ORB_ESTALE);
}

static void reused_slot_does_not_answer_old_handles(struct kt *t)
{
	orb_cptr_t old = derive(KT_CONSOLE_CAP, R, 0);
	KT_EQ(t, orb_cap_delete(old), 0);
	orb_cptr_t fresh = derive(KT_CONSOLE_CAP, W, 0);    /* lowest free slot: the same one */
	KT_EQ(t, orb_cptr_get_slot(fresh), orb_cptr_get_slot(old));
	KT_TRUE(t, orb_cptr_get_gen(fresh) != orb_cptr_get_gen(old));
	KT_ERR(t, kt_rights(old), ORB_ESTALE);
	KT_EQ(t, kt_rights(fresh), W);
	KT_EQ(t, orb_cap_delete(fresh), 0);
}

static void wrong_generation_is_stale(struct kt *t)
{
	orb_cptr_t forged = orb_cptr_new(KT_CONSOLE_CAP, 5);
	KT_ERR(t, kt_rights(forged), ORB_ESTALE);
}

static void revoke_removes_every_descendant(struct kt *t)
{
	orb_cptr_t a = derive(KT_CONSOLE_CAP, R | W | G, 0);
	orb_cptr_t b = derive(a, R | G, 0), c = derive(b, R, 0), d = derive(a, W, 0);
	KT_EQ(t, orb_cap_revoke(a), 0);
	KT_ERR(t, kt_rights(b), ORB_ESTALE);
	KT_ERR(t, kt_rights(c), ORB_ESTALE);
	KT_ERR(t, kt_rights(d), ORB_ESTALE);
	KT_EQ(t, kt_rights(a), R | W | G);                    /* the revoker keeps its own */
	KT_EQ(t, orb_cap_delete(a), 0);
}

static void revoke_needs_grant(struct kt *t)
{
	orb_cptr_t a = derive(KT_CONSOLE_CAP, R | W, 0);
	KT_ERR(t, orb_cap_revoke(a), ORB_EPERM);
	KT_EQ(t, orb_cap_delete(a), 0);
}

static void revoke_is_bounded_per_call(struct kt *t)
{
	orb_cptr_t a = derive(KT_CONSOLE_CAP, R | G, 0);
	orb_cptr_t kids[100];
	for (int i = 0; i < 100; i++) {
		kids[i] = derive(a, R, 0);
		KT_TRUE(t, kids[i] != ORB_CAP_NONE);
	}
	long first = orb_cap_revoke(a);
	KT_EQ(t, first, 64);                                    /* the budget, more remain */
	KT_EQ(t, orb_cap_revoke(a), 0);                         /* the rest, then done */
	for (int i = 0; i < 100; i++)
		KT_ERR(t, kt_rights(kids[i]), ORB_ESTALE);
	KT_EQ(t, orb_cap_delete(a), 0);
}

static void delete_moves_children_up(struct kt *t)
{
	orb_cptr_t a = derive(KT_CONSOLE_CAP, R | G, 0);
	orb_cptr_t b = derive(a, R | G, 0), c = derive(b, R, 0);
	KT_EQ(t, orb_cap_delete(b), 0);
	KT_EQ(t, kt_rights(c), R);                              /* survives its parent */
	KT_EQ(t, orb_cap_revoke(a), 0);                         /* and the grandparent reaches it */
	KT_ERR(t, kt_rights(c), ORB_ESTALE);
	KT_EQ(t, orb_cap_delete(a), 0);
}

static void expired_capability_is_refused(struct kt *t)
{
	uint64_t soon = orb_now_ns() + 30000000ull;
	long c = orb_cap_derive(KT_CONSOLE_CAP, R, 0, soon);
	KT_TRUE(t, c >= 0);
	orb_cptr_t d = derive((orb_cptr_t)c, R, 0);            /* derived before expiry */
	KT_EQ(t, kt_rights((orb_cptr_t)c), R);
	orb_cap_info_t ci;
	KT_EQ(t, orb_cap_inspect(d, &ci), 0);
	KT_EQ(t, ci.expires_at, soon);                          /* a child never outlives */
	orb_sleep_ms(40);
	KT_ERR(t, orb_cap_derive((orb_cptr_t)c, R, 0, 0), ORB_EPERM);
	KT_ERR(t, orb_cap_derive(d, R, 0, 0), ORB_EPERM);
	KT_EQ(t, orb_cap_delete((orb_cptr_t)c), 0);            /* delete needs no rights */
	KT_EQ(t, orb_cap_delete(d), 0);
}

static void cap_list_counts_and_fills(struct kt *t)
{
	orb_cap_info_t list[2];
	long n = orb_cap_list(list, sizeof(list));
	KT_TRUE(t, n >= 5);
	KT_EQ(t, list[1].slot, 1);
	KT_EQ(t, orb_cap_list(NULL, 0), n);
	KT_ERR(t, orb_cap_list((void *)KERNEL_ADDR, sizeof(list)), ORB_EINVAL);
}

static void cspace_fills_up_cleanly(struct kt *t)
{
	orb_cptr_t got[300];
	int n = 0;
	long rc = 0;
	while (n < 300 && (rc = orb_cap_derive(KT_CONSOLE_CAP, R, 0, 0)) >= 0)
		got[n++] = (orb_cptr_t)rc;
	KT_ERR(t, rc, ORB_ENOMEM);
	KT_TRUE(t, n > 200 && n < 256);
	for (int i = 0; i < n; i++)
		KT_EQ(t, orb_cap_delete(got[i]), 0);
}

static void derivation_depth_is_bounded(struct kt *t)
{
	orb_cptr_t chain[40];
	orb_cptr_t h = KT_CONSOLE_CAP;
	int n = 0;
	long rc = 0;
	while (n < 40 && (rc = orb_cap_derive(h, R | W, 0, 0)) >= 0)
		h = chain[n++] = (orb_cptr_t)rc;
	KT_ERR(t, rc, ORB_ENOMEM);
	KT_TRUE(t, n >= 16);
	for (int i = n - 1; i >= 0; i--)
		KT_EQ(t, orb_cap_delete(chain[i]), 0);
}

static void wrong_type_is_ebadf(struct kt *t)
{
	KT_ERR(t, orb_endpoint_send(KT_CONSOLE_CAP, orb_msginfo_new(1, 0, 0), 0, 0, 0, 0),
	       ORB_EBADF);
	KT_ERR(t, orb_notification_poll(KT_PROCESS_CAP), ORB_EBADF);
	KT_ERR(t, orb_axiom_syslog_read(KT_CONSOLE_CAP, NULL, 0, 0), ORB_EBADF);
	KT_ERR(t, orb_io_in8(KT_IRQ_CAP, 0), ORB_EBADF);
}

/* cap_grant inserts only through a CSPACE capability (D105), which only a parent can
 * make: holding GRANT on what is given is not enough. */
static void grant_needs_the_targets_cspace(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, ORB_CAP_NONE, 0, notify);
	KT_TRUE(t, pid > 1);
	orb_cptr_t give = kt_endpoint(NULL);
	KT_ERR(t, orb_cap_grant(give, ep, W), ORB_EBADF);               /* an endpoint */
	KT_ERR(t, orb_cap_grant(give, KT_PROCESS_CAP, W), ORB_EBADF);   /* even the root one */
	KT_ERR(t, orb_cspace_open(999999), ORB_ENOENT);
	KT_ERR(t, orb_cspace_open(orb_pid()), ORB_EPERM);               /* not our own parent */
	long cs = orb_cspace_open((uint32_t)pid);
	KT_TRUE(t, cs >= 0);
	orb_cap_info_t ci;
	KT_EQ(t, orb_cap_inspect((orb_cptr_t)cs, &ci), 0);
	KT_EQ(t, ci.object_type, ORB_OBJ_CSPACE);
	KT_EQ(t, ci.object_id, pid);
	KT_EQ(t, ci.rights, W | G);
	orb_cptr_t nog = derive(give, R | W, 0);
	KT_ERR(t, orb_cap_grant(nog, (orb_cptr_t)cs, W), ORB_EPERM);     /* needs GRANT */
	KT_ERR(t, orb_cap_grant(give, (orb_cptr_t)cs, 0x10), ORB_EINVAL);
	orb_cptr_t ro = derive((orb_cptr_t)cs, G, 0);                     /* no W: no insertion */
	KT_ERR(t, orb_cap_grant(give, ro, W), ORB_EPERM);
	long h = orb_cap_grant(give, (orb_cptr_t)cs, W);
	KT_TRUE(t, h >= 0);
	long rc = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_INSPECT, (uint64_t)h, &rc), 0);
	KT_EQ(t, rc, W);                                                  /* it is in the peer */
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &rc), 0);
	uint32_t gone;
	int32_t code;
	uint8_t reason;
	KT_EQ(t, kt_child_exit(notify, &gone, &code, &reason), 0);
	KT_EQ(t, gone, pid);
	KT_ERR(t, kt_rights((orb_cptr_t)cs), ORB_ESTALE);                /* went with the process */
	KT_ERR(t, kt_rights(ro), ORB_ESTALE);
	KT_ERR(t, orb_cspace_open((uint32_t)pid), ORB_ENOENT);
	KT_EQ(t, orb_endpoint_destroy(give), 0);
	KT_ERR(t, kt_rights(nog), ORB_ESTALE);                           /* died with the object */
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

static void move_needs_grant_and_another_cspace(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, ORB_CAP_NONE, 0, ORB_CAP_NONE);
	KT_TRUE(t, pid > 1);
	long cs = orb_cspace_open((uint32_t)pid);
	KT_TRUE(t, cs >= 0);
	orb_cptr_t a = derive(KT_CONSOLE_CAP, R | W, 0);
	KT_ERR(t, orb_cap_move(a, (orb_cptr_t)cs), ORB_EPERM);           /* needs GRANT */
	orb_cptr_t b = derive(KT_CONSOLE_CAP, R | G, 0);
	KT_ERR(t, orb_cap_move(b, ep), ORB_EBADF);                        /* not a CSpace */
	KT_ERR(t, orb_cap_move((orb_cptr_t)cs, (orb_cptr_t)cs), ORB_EINVAL);
	KT_EQ(t, kt_rights(b), R | G);                                    /* still ours */
	long h = orb_cap_move(b, (orb_cptr_t)cs);
	KT_TRUE(t, h >= 0);
	KT_ERR(t, kt_rights(b), ORB_ESTALE);                              /* gone from here */
	long rc = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_INSPECT, (uint64_t)h, &rc), 0);
	KT_EQ(t, rc, R | G);                                              /* ... to there */
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &rc), 0);
	KT_EQ(t, orb_cap_delete(a), 0);
	orb_endpoint_destroy(ep);
}

const struct kcase kt_cap_cases[] = {
	{ "initial_caps_are_in_image_order", initial_caps_are_in_image_order },
	{ "inspect_reports_every_field", inspect_reports_every_field },
	{ "empty_slot_is_ebadf", empty_slot_is_ebadf },
	{ "slot_out_of_range_is_ebadf", slot_out_of_range_is_ebadf },
	{ "inspect_checks_its_buffer", inspect_checks_its_buffer },
	{ "derive_attenuates", derive_attenuates },
	{ "derive_cannot_amplify", derive_cannot_amplify },
	{ "derive_rejects_unknown_rights", derive_rejects_unknown_rights },
	{ "derive_sets_a_badge_once", derive_sets_a_badge_once },
	{ "copy_keeps_rights", copy_keeps_rights },
	{ "deleted_handle_goes_stale", deleted_handle_goes_stale },
	{ "reused_slot_does_not_answer_old_handles", reused_slot_does_not_answer_old_handles },
	{ "wrong_generation_is_stale", wrong_generation_is_stale },
	{ "revoke_removes_every_descendant", revoke_removes_every_descendant },
	{ "revoke_needs_grant", revoke_needs_grant },
	{ "revoke_is_bounded_per_call", revoke_is_bounded_per_call },
	{ "delete_moves_children_up", delete_moves_children_up },
	{ "expired_capability_is_refused", expired_capability_is_refused },
	{ "cap_list_counts_and_fills", cap_list_counts_and_fills },
	{ "cspace_fills_up_cleanly", cspace_fills_up_cleanly },
	{ "derivation_depth_is_bounded", derivation_depth_is_bounded },
	{ "wrong_type_is_ebadf", wrong_type_is_ebadf },
	{ "handles_with_high_bits_are_ebadf", handles_with_high_bits_are_ebadf },
	{ "grant_needs_the_targets_cspace", grant_needs_the_targets_cspace },
	{ "move_needs_grant_and_another_cspace", move_needs_grant_and_another_cspace },
};
const size_t kt_cap_count = ORB_ARRAY_SIZE(kt_cap_cases);
