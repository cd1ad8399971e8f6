/* SPDX-License-Identifier: Apache-2.0 */
#include "ktest.h"

static int failures;

void kt_fail(struct kt *t, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	orb_printf("ktest: FAIL %s (%s:%d): %s\n", t->name, file, line, msg);
	t->failed = true;
}

long kt_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		uint64_t a5)
{
	register uint64_t rax __asm__("rax") = nr;
	register uint64_t rdi __asm__("rdi") = a0;
	register uint64_t rsi __asm__("rsi") = a1;
	register uint64_t rdx __asm__("rdx") = a2;
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	__asm__ volatile("syscall"
			 : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	return (long)rax;
}

static int run(const struct kcase *cases, size_t n, int *passed)
{
	for (size_t i = 0; i < n; i++) {
		struct kt t = { .name = cases[i].name };
		cases[i].fn(&t);
		if (t.failed)
			failures++;
		else
			(*passed)++;
	}
	return 0;
}

/* Wait until every other process started at boot (spinners, hostile programs) is gone. */
static void wait_for_others(void)
{
	orb_proc_entry_t list[32];
	for (int i = 0; i < 3000; i++) {
		long n = orb_process_list(list, sizeof(list));
		if (n <= 1)
			return;
		orb_sleep_ms(10);
	}
	orb_printf("ktest: other processes still running after 30 s\n");
}

int main(void)
{
	int passed = 0;
	orb_printf("ktest: starting (pid %u)\n", orb_pid());
	run(kt_basic_cases, kt_basic_count, &passed);
	run(kt_mem_cases, kt_mem_count, &passed);
	run(kt_mem2_cases, kt_mem2_count, &passed);
	run(kt_thread_cases, kt_thread_count, &passed);
	run(kt_cap_cases, kt_cap_count, &passed);
	run(kt_ipc_cases, kt_ipc_count, &passed);
	run(kt_proc_cases, kt_proc_count, &passed);
	run(kt_elf_cases, kt_elf_count, &passed);
	run(kt_shm_cases, kt_shm_count, &passed);
	run(kt_dev_cases, kt_dev_count, &passed);
	wait_for_others();
	/* the accounting cases compare ktest's usage before and after: nothing else may come
	 * or go meanwhile (every process started at boot is charged to ktest) */
	run(kt_account_cases, kt_account_count, &passed);
	orb_printf("ktest: %d passed, %d failed\n", passed, failures);
	return failures ? 1 : 0;
}
