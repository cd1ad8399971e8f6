/* SPDX-License-Identifier: Apache-2.0 */
/* Syscall entry and the read-only calls, with every class of bad argument. */
#include "ktest.h"
#include "peer.h"

static void nop_returns_zero(struct kt *t)
{
	KT_EQ(t, orb_nop(), 0);
}

static void unknown_numbers_are_enosys(struct kt *t)
{
	KT_ERR(t, kt_syscall(0x7F, 0, 0, 0, 0, 0, 0), ORB_ENOSYS);
	KT_ERR(t, kt_syscall(0xEF, 0, 0, 0, 0, 0, 0), ORB_ENOSYS);
	KT_ERR(t, kt_syscall(0xFFFF, 0, 0, 0, 0, 0, 0), ORB_ENOSYS);
	KT_ERR(t, kt_syscall(1ull << 63, 0, 0, 0, 0, 0, 0), ORB_ENOSYS);
	KT_ERR(t, kt_syscall(ORB_SYS_COUNT, 0, 0, 0, 0, 0, 0), ORB_ENOSYS);
}

static void gaps_in_the_table_are_enosys(struct kt *t)
{
	KT_ERR(t, kt_syscall(0x06, 0, 0, 0, 0, 0, 0), ORB_ENOSYS);
	KT_ERR(t, kt_syscall(0x44, 0, 0, 0, 0, 0, 0), ORB_ENOSYS);
}

static void callee_saved_registers_survive(struct kt *t)
{
	uint64_t before[6] = { 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666 }, after[6];
	__asm__ volatile(
		"pushq %%rbp\n\t"
		"movq 0(%1), %%rbx\n\tmovq 8(%1), %%rbp\n\tmovq 16(%1), %%r12\n\t"
		"movq 24(%1), %%r13\n\tmovq 32(%1), %%r14\n\tmovq 40(%1), %%r15\n\t"
		"movl $0, %%eax\n\tsyscall\n\t"
		"movq %%rbx, 0(%2)\n\tmovq %%rbp, 8(%2)\n\tmovq %%r12, 16(%2)\n\t"
		"movq %%r13, 24(%2)\n\tmovq %%r14, 32(%2)\n\tmovq %%r15, 40(%2)\n\t"
		"popq %%rbp"
		: "=m"(after)
		: "r"(before), "r"(after)
		: "rax", "rbx", "rcx", "r11", "r12", "r13", "r14", "r15", "memory");
	for (int i = 0; i < 6; i++)
		KT_EQ(t, after[i], before[i]);
}

static void pid_is_the_start_argument(struct kt *t)
{
	KT_EQ(t, orb_process_self(), orb_pid());
	KT_EQ(t, orb_pid(), 1);
}

static void clock_is_monotonic(struct kt *t)
{
	long a = orb_clock_get();
	for (volatile int i = 0; i < 100000; i++)
		;
	long b = orb_clock_get();
	KT_TRUE(t, a > 0 && b > a);
}

static void debug_write_rejects_bad_buffers(struct kt *t)
{
	KT_ERR(t, orb_debug_write((void *)KERNEL_ADDR, 4), ORB_EINVAL);
	KT_ERR(t, orb_debug_write(NULL, 5), ORB_EINVAL);
	KT_ERR(t, orb_debug_write((void *)(NONCANON_ADDR - 2), 4), ORB_EINVAL);
	KT_ERR(t, orb_debug_write((void *)~0ull, 2), ORB_EINVAL);
	static char big[8192];
	KT_ERR(t, orb_debug_write(big, sizeof(big)), ORB_EINVAL);
	KT_EQ(t, orb_debug_write("", 0), 0);
	KT_EQ(t, orb_debug_write("ktest: debug_write ok\n", 22), 22);
}

/* debug_write without a console capability (D109): the peer holds none. Its lines are
 * attributed (tests/e2e/test_ktest.py reads them) and its bytes limited to the 64 KiB
 * budget plus 16 KiB for each second the flood took (a console slower than that never
 * runs the budget dry: then nothing is refused, and rightly). The line this prints lets
 * the E2E test match the console to it. */
static void debug_write_without_a_console_is_attributed_and_limited(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, ORB_CAP_NONE, 0, ORB_CAP_NONE);
	KT_TRUE(t, pid > 1);
	long said = -1, flood = -1, info = -1, rc = 0;
	long o1 = kt_peer_order(ep, PEER_SAY, 0, &said);
	long o2 = kt_peer_order(ep, PEER_FLOOD, 0, &flood);
	long o3 = kt_peer_order(ep, PEER_FLOOD_INFO, 0, &info);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &rc), 0);   /* first: no peer left behind */
	orb_endpoint_destroy(ep);
	KT_EQ(t, o1, 0);
	KT_EQ(t, said, 0);
	KT_EQ(t, o2, 0);
	KT_EQ(t, o3, 0);
	long ms = info >> 1, refused = info & 1;
	orb_printf("ktest: console flood: %ld bytes in %ld ms, %s\n", flood, ms,
		   refused ? "refused" : "never refused");
	KT_TRUE(t, flood >= 0);
	KT_TRUE(t, flood <= 64 * 1024 + 17 * (ms + 1) + 4096);   /* never over the budget */
	if (refused)
		KT_TRUE(t, flood >= 64 * 1024 - 4096);          /* the whole burst was granted */
	else
		KT_TRUE(t, flood == 64 * 4096);                 /* slow console: all of it */
}

static void system_info_checks_its_buffer(struct kt *t)
{
	orb_sys_info_t info;
	KT_ERR(t, orb_system_info(&info, sizeof(info) - 1), ORB_EOVERFLOW);
	KT_ERR(t, orb_system_info((void *)KERNEL_ADDR, sizeof(info)), ORB_EINVAL);
	KT_ERR(t, orb_system_info((void *)0x1000, sizeof(info)), ORB_EINVAL);
	KT_EQ(t, orb_system_info(&info, sizeof(info)), sizeof(info));
	KT_TRUE(t, info.frames_free > 0 && info.frames_free < info.frames_total);
	KT_TRUE(t, info.nprocs >= 1 && info.nthreads >= 1);
	KT_TRUE(t, info.tsc_hz > 0 && info.uptime_ns > 0);
}

static void process_list_names_us(struct kt *t)
{
	orb_proc_entry_t list[16];
	long n = orb_process_list(list, sizeof(list));
	KT_TRUE(t, n >= 1);
	bool found = false;
	for (long i = 0; i < n && i < 16; i++)
		if (list[i].pid == orb_pid() && !strcmp((char *)list[i].name, "ktest"))
			found = true;
	KT_TRUE(t, found);
	KT_EQ(t, orb_process_list(list, 0), n);   /* count only */
	KT_ERR(t, orb_process_list((void *)KERNEL_ADDR, sizeof(list)), ORB_EINVAL);
}

static void entropy_get_checks_and_fills(struct kt *t)
{
	uint8_t a[ORB_ENTROPY_MAX + 1], b[64];
	KT_ERR(t, orb_entropy_get(a, 0), ORB_EINVAL);
	KT_ERR(t, orb_entropy_get(a, ORB_ENTROPY_MAX + 1), ORB_EINVAL);
	KT_ERR(t, orb_entropy_get((void *)KERNEL_ADDR, 16), ORB_EINVAL);
	KT_ERR(t, orb_entropy_get((void *)0x1000, 16), ORB_EINVAL);
	KT_ERR(t, orb_entropy_get((void *)(uintptr_t)&entropy_get_checks_and_fills, 16),
	       ORB_EINVAL);   /* read-only text */
	/* a length that is not whole words: exactly len bytes change */
	memset(a, 0, sizeof(a));
	a[13] = 0xA5;
	KT_EQ(t, orb_entropy_get(a, 13), 13);
	KT_EQ(t, a[13], 0xA5);
	KT_EQ(t, orb_entropy_get(a, ORB_ENTROPY_MAX), ORB_ENTROPY_MAX);
	KT_EQ(t, orb_entropy_get(b, sizeof(b)), sizeof(b));
	/* two draws of 512 bits are neither zero nor equal (2^-512 chance otherwise) */
	uint8_t zero[64] = { 0 };
	KT_TRUE(t, memcmp(a, zero, sizeof(zero)) != 0);
	KT_TRUE(t, memcmp(b, zero, sizeof(zero)) != 0);
	KT_TRUE(t, memcmp(a, b, sizeof(b)) != 0);
	/* liborbital's wrapper takes any length, in ENTROPY_MAX chunks */
	static uint8_t big[1000];
	KT_EQ(t, orb_entropy(big, sizeof(big)), 0);
	KT_TRUE(t, memcmp(big + sizeof(big) - 64, zero, 64) != 0);
}

const struct kcase kt_basic_cases[] = {
	{ "nop_returns_zero", nop_returns_zero },
	{ "unknown_numbers_are_enosys", unknown_numbers_are_enosys },
	{ "gaps_in_the_table_are_enosys", gaps_in_the_table_are_enosys },
	{ "callee_saved_registers_survive", callee_saved_registers_survive },
	{ "pid_is_the_start_argument", pid_is_the_start_argument },
	{ "clock_is_monotonic", clock_is_monotonic },
	{ "debug_write_rejects_bad_buffers", debug_write_rejects_bad_buffers },
	{ "system_info_checks_its_buffer", system_info_checks_its_buffer },
	{ "debug_write_without_a_console_is_attributed_and_limited",
	  debug_write_without_a_console_is_attributed_and_limited },
	{ "process_list_names_us", process_list_names_us },
	{ "entropy_get_checks_and_fills", entropy_get_checks_and_fills },
};
const size_t kt_basic_count = ORB_ARRAY_SIZE(kt_basic_cases);
