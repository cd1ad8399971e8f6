/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Orbital: a capability microkernel.
 *
 * What the kernel does, and what it refuses to do:
 *  - It holds mechanism only: address spaces, threads, capabilities, IPC endpoints,
 *    notifications, interrupts, shared memory. Drivers are processes: the kernel hands
 *    out a device's registers, interrupts and DMA memory, and knows nothing of the device. Policy — who may spawn, which service gets which
 *    capability, restart rules — lives in ring-3 services (init, Process Manager,
 *    Permissions), reached by IPC.
 *  - Authority is a capability or nothing. No ambient rights, no global names a process can
 *    use without holding a capability (the console debug write is the single exception,
 *    kept for diagnostics).
 *  - Every syscall passes through Axiom: it is audited in the SysLog with the caller taken
 *    from the running thread, never from its arguments, and every state change it makes is
 *    a commit in the SHA-256 hash-chained CommitLog, replayable outside the machine.
 *  - The kernel never trusts user memory: every pointer, length and slot is checked, and
 *    user memory is only touched by the fault-recovering copy routines.
 *  - No unbounded loops, no recursion, no allocation on the IPC path; a fixed budget of
 *    work per syscall. A faulting process dies alone; a faulting kernel stops loudly.
 */
#include <arch/arch.h>
#include <kernel/archive.h>
#include <kernel/axiom.h>
#include <kernel/boot.h>
#include <kernel/bootinfo.h>
#include <kernel/irq.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/secret.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/vm.h>

#ifndef ORB_VERSION
#define ORB_VERSION "0.0.0"
#endif

/* Debug hook for tests of the fault path: crash=ud2|pagefault|gp|panic on the command line
 * (the faults themselves are the architecture's). */
static __attribute__((noinline)) void maybe_crash(void)
{
	char what[16];
	if (!bootinfo_option("crash", what, sizeof(what)))
		return;
	printk("orbital: crashing on purpose (crash=%s)\n", what);
	arch_crash(what);
}

static void cmdline_from_archive(void)
{
	struct archive_file f;
	if (bootinfo.cmdline[0] || !archive_find("cmdline", &f))
		return;
	size_t n = MIN((size_t)f.size, sizeof(bootinfo.cmdline) - 1);
	memcpy(bootinfo.cmdline, f.data, n);
	bootinfo.cmdline[n] = '\0';
}

static void print_services(void)
{
	printk("services:");
	u32 n = 0;
	for (u32 i = 0; i < archive_count(); i++) {
		struct archive_file f;
		if (!archive_get(i, &f) || !(f.flags & ORB_BOOT_ENTRY_ELF))
			continue;
		printk(" %s%s", f.name, (f.flags & ORB_BOOT_ENTRY_INIT) ? "(init)" : "");
		n++;
	}
	printk("%s\n", n ? "" : " none");
}

static void run_scheduler(void)
{
	sched_resume();
}

/* Called by the architecture's boot code with the two words its loader passed. */
void kmain(u32 boot_arg0, u32 boot_arg1)
{
	arch_console_init();
	printk("\nOrbital %s (" ARCH_NAME ") capability microkernel\n", ORB_VERSION);
	arch_init();
	if (!arch_bootinfo(boot_arg0, boot_arg1))
		arch_exit(false);
	printk("cpu:%s\n", arch_cpu_features());
	printk("memory: %lu MiB usable in %u ranges\n", bootinfo.mem_total >> 20, bootinfo.nusable);
	bool archive_ok = archive_init();
	if (archive_ok) {
		cmdline_from_archive();
		printk("boot archive: %u entries, %lu bytes, sha256 ok\n", archive_count(),
		       archive_phys_end() - archive_phys_start());
	}
	frame_init(KERNEL_PHYS, archive_ok ? archive_phys_end() : archive_phys_start());
	vm_init();
	arch_stacks_init();
	arch_irq_init();
	arch_timer_init(TICK_NS);
	secret_init();
	axiom_init(bootinfo.mem_total);
	pci_init();
	print_services();
	if (bootinfo.cmdline[0])
		printk("cmdline: %s\n", bootinfo.cmdline);
	maybe_crash();
	u32 started = archive_ok ? boot_start_processes() : 0;
	printk("orbital: kernel ready, %u processes started\n", started);
	if (!started) {
		printk("orbital: nothing to run; stopping\n");
		axiom_shutdown();
		arch_exit(archive_ok);
	}
	arch_run_on_kernel_stack(run_scheduler);
}
