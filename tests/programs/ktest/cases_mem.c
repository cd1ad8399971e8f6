/* SPDX-License-Identifier: Apache-2.0 */
/* mem_map / mem_unmap / mem_protect semantics, W^X, and every bad argument. */
#include "ktest.h"

#define RW (ORB_PROT_READ | ORB_PROT_WRITE)
#define PAGE 4096ul

static long map(uint64_t va, size_t size, uint32_t prot)
{
	return (long)orb_mem_map(va, size, prot, ORB_CAP_NONE, NULL);
}

static uint64_t frames_free(void)
{
	orb_sys_info_t info;
	orb_system_info(&info, sizeof(info));
	return info.frames_free;
}

static void map_gives_zeroed_writable_memory(struct kt *t)
{
	long a = map(0, 4 * PAGE, RW);
	KT_TRUE(t, a > 0 && (a & (PAGE - 1)) == 0);
	volatile uint64_t *p = (uint64_t *)a;
	for (size_t i = 0; i < 4 * PAGE / 8; i++)
		KT_EQ(t, p[i], 0);
	p[0] = 0x1234;
	p[4 * PAGE / 8 - 1] = 0x5678;
	KT_EQ(t, p[0], 0x1234);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 4 * PAGE), 0);
}

static void map_rejects_bad_sizes(struct kt *t)
{
	KT_ERR(t, map(0, 0, RW), ORB_EINVAL);
	KT_ERR(t, map(0, 100, RW), ORB_EINVAL);
	KT_ERR(t, map(0, 2ull << 30, RW), ORB_EINVAL);
	KT_ERR(t, map(0, ~0ull & ~(PAGE - 1), RW), ORB_EINVAL);
}

static void map_rejects_bad_addresses(struct kt *t)
{
	KT_ERR(t, map(0x10000001000ull + 12, PAGE, RW), ORB_EINVAL);
	KT_ERR(t, map(KERNEL_ADDR, PAGE, RW), ORB_EINVAL);
	KT_ERR(t, map(NONCANON_ADDR, PAGE, RW), ORB_EINVAL);
	KT_ERR(t, map(0x00007ffffffff000ull, PAGE, RW), ORB_EINVAL);
	KT_ERR(t, map(0x1000, PAGE, RW), ORB_EINVAL);
}

static void map_refuses_write_and_execute(struct kt *t)
{
	KT_ERR(t, map(0, PAGE, ORB_PROT_WRITE | ORB_PROT_EXEC), ORB_EINVAL);
	KT_ERR(t, map(0, PAGE, RW | ORB_PROT_EXEC), ORB_EINVAL);
}

static void map_rejects_bad_prot(struct kt *t)
{
	KT_ERR(t, map(0, PAGE, 0), ORB_EINVAL);
	KT_ERR(t, map(0, PAGE, 8), ORB_EINVAL);
	KT_ERR(t, map(0, PAGE, 0x100 | ORB_PROT_READ), ORB_EINVAL);
}

static void map_at_fixed_address_and_overlap(struct kt *t)
{
	uint64_t va = 0x0000200000000000ull;
	KT_EQ(t, map(va, 2 * PAGE, RW), (long)va);
	KT_ERR(t, map(va + PAGE, PAGE, RW), ORB_EEXIST);
	KT_ERR(t, map(va - PAGE, 2 * PAGE, RW), ORB_EEXIST);
	KT_EQ(t, orb_mem_unmap(va, 2 * PAGE), 0);
	KT_EQ(t, map(va + PAGE, PAGE, RW), (long)(va + PAGE));
	KT_EQ(t, orb_mem_unmap(va + PAGE, PAGE), 0);
}

static void map_over_the_program_is_refused(struct kt *t)
{
	KT_ERR(t, map(0x400000, PAGE, RW), ORB_EEXIST);
}

static void unmap_needs_the_exact_region(struct kt *t)
{
	long a = map(0, 2 * PAGE, RW);
	KT_TRUE(t, a > 0);
	KT_ERR(t, orb_mem_unmap((uint64_t)a, PAGE), ORB_EINVAL);
	KT_ERR(t, orb_mem_unmap((uint64_t)a + PAGE, PAGE), ORB_ENOENT);
	KT_ERR(t, orb_mem_unmap(0x0000300000000000ull, PAGE), ORB_ENOENT);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 2 * PAGE), 0);
	KT_ERR(t, orb_mem_unmap((uint64_t)a, 2 * PAGE), ORB_ENOENT);
}

static void unmap_refuses_stacks_and_program(struct kt *t)
{
	uint64_t sp;
	__asm__("movq %%rsp, %0" : "=r"(sp));
	KT_ERR(t, orb_mem_unmap(0x400000, PAGE), ORB_EINVAL);
	KT_TRUE(t, orb_mem_unmap(sp & ~(PAGE - 1), PAGE) < 0);
	KT_ERR(t, orb_mem_unmap((uint64_t)orb_ipcbuf(), 2 * PAGE), ORB_EINVAL);
}

static void protect_only_narrows(struct kt *t)
{
	long a = map(0, PAGE, ORB_PROT_READ);
	KT_TRUE(t, a > 0);
	KT_ERR(t, orb_mem_protect((uint64_t)a, PAGE, RW), ORB_EPERM);
	KT_ERR(t, orb_mem_protect((uint64_t)a, PAGE, ORB_PROT_READ | ORB_PROT_EXEC), ORB_EPERM);
	KT_EQ(t, orb_mem_protect((uint64_t)a, PAGE, ORB_PROT_READ), 0);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, PAGE), 0);
	long b = map(0, 2 * PAGE, RW);
	KT_EQ(t, orb_mem_protect((uint64_t)b + PAGE, PAGE, ORB_PROT_READ), 0);
	*(volatile uint64_t *)b = 7;   /* the first page is still writable */
	KT_EQ(t, orb_mem_protect((uint64_t)b + PAGE, PAGE, RW), 0);   /* back within the map */
	*(volatile uint64_t *)(b + PAGE) = 8;
	KT_EQ(t, orb_mem_unmap((uint64_t)b, 2 * PAGE), 0);
}

static void protect_refuses_write_and_execute(struct kt *t)
{
	long a = map(0, PAGE, RW);
	KT_ERR(t, orb_mem_protect((uint64_t)a, PAGE, RW | ORB_PROT_EXEC), ORB_EINVAL);
	KT_ERR(t, orb_mem_protect((uint64_t)a, PAGE, ORB_PROT_READ | ORB_PROT_EXEC), ORB_EPERM);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, PAGE), 0);
}

static void protect_rejects_bad_ranges(struct kt *t)
{
	long a = map(0, PAGE, RW);
	KT_ERR(t, orb_mem_protect((uint64_t)a + 8, PAGE, ORB_PROT_READ), ORB_EINVAL);
	KT_ERR(t, orb_mem_protect((uint64_t)a, 2 * PAGE, ORB_PROT_READ), ORB_EINVAL);
	KT_ERR(t, orb_mem_protect((uint64_t)a, 0, ORB_PROT_READ), ORB_EINVAL);
	KT_ERR(t, orb_mem_protect(0x0000300000000000ull, PAGE, ORB_PROT_READ), ORB_ENOENT);
	KT_ERR(t, orb_mem_protect(0x400000, PAGE, ORB_PROT_READ), ORB_EINVAL);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, PAGE), 0);
}

static void frames_are_accounted(struct kt *t)
{
	uint64_t before = frames_free();
	long a = map(0, 16 * PAGE, RW);
	KT_TRUE(t, a > 0);
	uint64_t during = frames_free();
	KT_TRUE(t, before - during >= 16);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 16 * PAGE), 0);
	KT_EQ(t, frames_free(), before);
}

static void map_returns_a_memory_capability(struct kt *t)
{
	orb_mem_map_out_t out;
	long a = (long)orb_mem_map(0, PAGE, RW, ORB_CAP_NONE, &out);
	KT_TRUE(t, a > 0);
	orb_cap_info_t info;
	KT_EQ(t, orb_cap_inspect(out.mem_cap, &info), 0);
	KT_EQ(t, info.object_type, ORB_OBJ_MEMORY);
	KT_EQ(t, info.rights, ORB_RIGHT_READ | ORB_RIGHT_WRITE | ORB_RIGHT_GRANT);
	KT_EQ(t, info.object_id & 0xFFFFFFFFFFFFull, (uint64_t)a);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, PAGE), 0);
	KT_TRUE(t, orb_cap_inspect(out.mem_cap, &info) < 0);   /* gone with its region */
}

static void map_for_another_process_needs_a_capability(struct kt *t)
{
	KT_ERR(t, (long)orb_mem_map(0, PAGE, RW, 200, NULL), ORB_EBADF);
	KT_ERR(t, (long)orb_mem_map(0, PAGE, RW, 0xFFF, NULL), ORB_EBADF);
}

static void heap_allocates_and_frees(struct kt *t)
{
	void *p[64];
	for (int i = 0; i < 64; i++) {
		p[i] = orb_malloc(100 + i * 37);
		KT_TRUE(t, p[i] != NULL);
		memset(p[i], i, 100 + i * 37);
	}
	for (int i = 0; i < 64; i += 2)
		orb_free(p[i]);
	void *big = orb_malloc(600000);
	KT_TRUE(t, big != NULL);
	memset(big, 1, 600000);
	for (int i = 1; i < 64; i += 2)
		KT_EQ(t, ((unsigned char *)p[i])[50], i);
	orb_free(big);
	for (int i = 1; i < 64; i += 2)
		orb_free(p[i]);
}

const struct kcase kt_mem_cases[] = {
	{ "map_gives_zeroed_writable_memory", map_gives_zeroed_writable_memory },
	{ "map_rejects_bad_sizes", map_rejects_bad_sizes },
	{ "map_rejects_bad_addresses", map_rejects_bad_addresses },
	{ "map_refuses_write_and_execute", map_refuses_write_and_execute },
	{ "map_rejects_bad_prot", map_rejects_bad_prot },
	{ "map_at_fixed_address_and_overlap", map_at_fixed_address_and_overlap },
	{ "map_over_the_program_is_refused", map_over_the_program_is_refused },
	{ "unmap_needs_the_exact_region", unmap_needs_the_exact_region },
	{ "unmap_refuses_stacks_and_program", unmap_refuses_stacks_and_program },
	{ "protect_only_narrows", protect_only_narrows },
	{ "protect_refuses_write_and_execute", protect_refuses_write_and_execute },
	{ "protect_rejects_bad_ranges", protect_rejects_bad_ranges },
	{ "frames_are_accounted", frames_are_accounted },
	{ "map_returns_a_memory_capability", map_returns_a_memory_capability },
	{ "map_for_another_process_needs_a_capability", map_for_another_process_needs_a_capability },
	{ "heap_allocates_and_frees", heap_allocates_and_frees },
};
const size_t kt_mem_count = ORB_ARRAY_SIZE(kt_mem_cases);

static void user_copies_check_the_whole_range(struct kt *t)
{
	long a = map(0, PAGE, RW);
	orb_sys_info_t *tail = (orb_sys_info_t *)(a + PAGE - 8);   /* runs into no mapping */
	KT_ERR(t, orb_system_info(tail, sizeof(*tail)), ORB_EINVAL);
	char *odd = (char *)a + 3;                                    /* unaligned is fine */
	KT_EQ(t, orb_system_info((orb_sys_info_t *)odd, sizeof(orb_sys_info_t)),
	      sizeof(orb_sys_info_t));
	KT_EQ(t, orb_mem_unmap((uint64_t)a, PAGE), 0);
}

/* A copy to user memory that cannot be completed writes nothing (D107). */
static bool all_bytes(const volatile uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void user_copies_are_all_or_nothing(struct kt *t)
{
	long a = map(0, 2 * PAGE, RW);
	KT_TRUE(t, a > 0);
	volatile uint8_t *p = (uint8_t *)a;
	for (size_t i = 0; i < 2 * PAGE; i++)
		p[i] = 0xA5;
	KT_EQ(t, orb_mem_protect((uint64_t)a + PAGE, PAGE, ORB_PROT_READ), 0);
	/* one record straddling the end of the writable page */
	KT_ERR(t, orb_system_info((void *)(a + PAGE - 8), sizeof(orb_sys_info_t)), ORB_EINVAL);
	KT_TRUE(t, all_bytes(p + PAGE - 8, 8, 0xA5));
	/* several records: the first fits in the writable page, the second does not */
	uint64_t at = (uint64_t)a + PAGE - sizeof(orb_proc_entry_t) - 8;
	KT_ERR(t, orb_process_list((void *)at, 4 * sizeof(orb_proc_entry_t)), ORB_EINVAL);
	KT_TRUE(t, all_bytes(p + PAGE - sizeof(orb_proc_entry_t) - 8, sizeof(orb_proc_entry_t) + 8,
			     0xA5));
	at = (uint64_t)a + PAGE - sizeof(orb_cap_info_t) - 8;
	KT_ERR(t, orb_cap_list((void *)at, 4 * sizeof(orb_cap_info_t)), ORB_EINVAL);
	KT_TRUE(t, all_bytes(p + PAGE - sizeof(orb_cap_info_t) - 8, sizeof(orb_cap_info_t) + 8,
			     0xA5));
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 2 * PAGE), 0);
}

static void kernel_cannot_write_read_only_user_memory(struct kt *t)
{
	long a = map(0, PAGE, RW);
	KT_EQ(t, orb_mem_protect((uint64_t)a, PAGE, ORB_PROT_READ), 0);
	KT_ERR(t, orb_system_info((void *)a, sizeof(orb_sys_info_t)), ORB_EINVAL);
	KT_ERR(t, orb_process_list((void *)a, PAGE), ORB_EINVAL);
	KT_EQ(t, orb_debug_write((void *)a, 0), 0);                /* reading it is allowed */
	KT_EQ(t, orb_mem_unmap((uint64_t)a, PAGE), 0);
}

static void region_table_fills_up_cleanly(struct kt *t)
{
	long got[80];
	int n = 0;
	long rc = 0;
	while (n < 80 && (rc = map(0, PAGE, RW)) > 0)
		got[n++] = rc;
	KT_ERR(t, rc, ORB_ENOMEM);
	KT_TRUE(t, n > 20);
	for (int i = 0; i < n; i++)
		KT_EQ(t, orb_mem_unmap((uint64_t)got[i], PAGE), 0);
	long again = map(0, PAGE, RW);
	KT_TRUE(t, again > 0);
	KT_EQ(t, orb_mem_unmap((uint64_t)again, PAGE), 0);
}

static void ipc_buffer_is_the_thread_pointer(struct kt *t)
{
	orb_ipc_buffer_t *b = orb_ipcbuf();
	KT_EQ(t, b->self, (uint64_t)b);
	KT_TRUE(t, (uint64_t)b >= 0x00007e0000000000ull && (uint64_t)b < 0x00007f0000000000ull);
	b->data[4095] = 0x5a;   /* both pages are ours to write */
	KT_EQ(t, b->data[4095], 0x5a);
}

const struct kcase kt_mem2_cases[] = {
	{ "user_copies_check_the_whole_range", user_copies_check_the_whole_range },
	{ "user_copies_are_all_or_nothing", user_copies_are_all_or_nothing },
	{ "kernel_cannot_write_read_only_user_memory", kernel_cannot_write_read_only_user_memory },
	{ "region_table_fills_up_cleanly", region_table_fills_up_cleanly },
	{ "ipc_buffer_is_the_thread_pointer", ipc_buffer_is_the_thread_pointer },
};
const size_t kt_mem2_count = ORB_ARRAY_SIZE(kt_mem2_cases);
