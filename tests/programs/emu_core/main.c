/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emu-core: the init of images/emu-core.toml, driven by tests/emu/test_kernel_core.py
 * under the Unicorn machine model. It runs the syscall probes once, then spins in two
 * threads of the same priority so the test can preempt one with an injected timer tick.
 */
#include <orbital.h>

void emu_null_syscall(void);
long emu_raw_syscall(uint64_t nr);
void emu_spin_a(void) __attribute__((noreturn));
void emu_spin_b(void) __attribute__((noreturn));

/* Numbers with no syscall: a gap in the table, the first past it, and far beyond. */
static const uint64_t bad_numbers[] = { 0x06, ORB_SYS_COUNT, 0x7fffffff, ~0ull };

static void thread_b(void *arg)
{
	(void)arg;
	emu_spin_b();
}

int main(void)
{
	orb_printf("emu-core: pid %u running\n", orb_pid());
	emu_null_syscall();
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(bad_numbers); i++)
		orb_printf("emu-core: syscall %#lx -> %ld\n", (unsigned long)bad_numbers[i],
			   emu_raw_syscall(bad_numbers[i]));
	long tid = orb_thread_start(thread_b, NULL, 64);
	orb_printf("emu-core: thread %ld started; spinning\n", tid);
	emu_spin_a();
}
