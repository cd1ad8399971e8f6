/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The boundary between generic kernel code and the architecture. Generic code includes
 * only this header; everything machine-specific lives behind it, in src/arch/<arch>/ and
 * include/arch/<arch>/: x86_64 (registers, descriptor tables, port I/O, page-table bits)
 * and wasm64 (the browser host: workers, shared memory, imports). This header is the one
 * place that selects the architecture, from the compiler's target.
 */
#pragma once

#include <kernel/types.h>

/* ARCH_ASM_CALLABLE marks a C function the architecture's assembly calls: on x86_64 it
 * keeps every register but its result (no_caller_saved_registers), so the IPC fast path
 * need not save its live values around the call. */
#if defined(__x86_64__)
#define ARCH_NAME "x86_64"
#define ARCH_HEADER(h) <arch/x86_64/h>
#define ARCH_ASM_CALLABLE __attribute__((no_caller_saved_registers))
#elif defined(__wasm64__)
#define ARCH_NAME "wasm64"
#define ARCH_HEADER(h) <arch/wasm64/h>
#define ARCH_ASM_CALLABLE
#else
#error "unsupported architecture"
#endif

/* Console and machine control. */
void arch_console_init(void);
void arch_console_putc(char c);
bool arch_console_getc(char *c);
NORETURN void arch_exit(bool success);   /* isa-debug-exit, then halt */
NORETURN void arch_halt(void);           /* interrupts off, halt forever */
/* A test hook: fault on purpose in the named way (crash= on the command line); returns
 * only when the architecture has no such fault. */
void arch_crash(const char *what);

/* Fill `bootinfo` from the two words the machine's boot passed to kmain (x86_64: the
 * multiboot magic and info block); false, after printing why, when they are unusable. */
bool arch_bootinfo(u32 boot_arg0, u32 boot_arg1);
/* Bring-up: descriptor tables, traps, SYSCALL MSRs, CPU protections. */
void arch_init(void);
/* After the final page tables exist: guarded kernel stacks, interrupt controllers. */
void arch_stacks_init(void);
const char *arch_cpu_features(void);

/* Time: a monotonic clock in nanoseconds since boot, and a raw cycle counter. */
u64 arch_now_ns(void);
#include ARCH_HEADER(clock.h)   /* u64 arch_cycles(void), inline */
u64 arch_tsc_hz(void);
/* A cycle-counter difference in ns; a raw arch_cycles() stamp as ns since boot. */
u64 arch_cycles_to_ns(u64 cycles);
u64 arch_stamp_to_ns(u64 stamp);

/* Entropy: one 64-bit word from the CPU's random source (x86_64: RDSEED, else RDRAND);
 * 0, -ORB_ENOSYS when the machine has none, -ORB_EAGAIN when it stayed empty. */
long arch_entropy_u64(u64 *out);
/* The host's file `name` for this machine (QEMU fw_cfg on x86_64): its size, with the
 * bytes in buf; -ENOENT when there is no such file, -EOVERFLOW when it is over cap. */
long arch_fwcfg_file(const char *name, u8 *buf, size_t cap);

/* The periodic timer (vector handled by timer_tick in generic code). */
void arch_timer_init(u64 period_ns);
/* Wait for an interrupt with interrupts enabled, then disable them again (idle). */
void arch_idle_wait(void);

/*
 * The user register context of a thread (struct uctx, defined by the arch), and the
 * syscall register convention: argument/output slot i (0..5) and the result.
 */
#include ARCH_HEADER(uctx.h)

void uctx_init(uctx_t *c, u64 entry, u64 stack_top, u64 arg0, u64 arg1);

/* The thread running on this CPU, or NULL while it idles (one word, per CPU):
 *   struct thread *arch_current(void);   void arch_set_current(struct thread *t);  */
#include ARCH_HEADER(current.h)

/* Enter user mode in thread context `c` of address space already active: never returns.
 * `fs` is the thread-pointer register value (its IPC buffer). */
struct thread;
NORETURN void arch_enter_user(struct thread *t, uctx_t *c, u64 fs);
/* Run fn on the per-CPU kernel stack (leaving the boot stack behind). */
NORETURN void arch_run_on_kernel_stack(void (*fn)(void));
/* Port I/O on behalf of an IoPort capability holder (width 1, 2 or 4 bytes). */
u32 arch_port_in(u16 port, unsigned width);
void arch_port_out(u16 port, unsigned width, u32 value);
/* PCI configuration space of function bdf (bus << 8 | device << 3 | function): `width`
 * 1, 2 or 4 bytes at `offset` (< 256, a multiple of width). Kernel only. */
u32 arch_pci_read(u32 bdf, u32 offset, unsigned width);
void arch_pci_write(u32 bdf, u32 offset, unsigned width, u32 value);
/* The MSI address and data that raise IRQ `irq` (>= ORB_IRQ_MSI_FIRST) on this CPU. */
void arch_msi_message(unsigned irq, u64 *addr, u32 *data);
/* Does [base, base + size) touch physical MMIO the kernel itself drives (the APICs)? */
bool arch_mmio_reserved(paddr_t base, u64 size);
/* Write a buffer to one port, byte by byte (a debug stream). */
void arch_port_write(u16 port, const void *buf, size_t len);
/* Copy n bytes from or to the active address space's user memory (range already checked
 * against USER_TOP): 0, or -1 if it faulted.
 *   int arch_copy_from_user(void *dst, u64 usrc, size_t n);
 *   int arch_copy_to_user(u64 udst, const void *src, size_t n);   */
#include ARCH_HEADER(usercopy.h)
/* A fault a user thread took: a one-line description for the kill report. */
void arch_describe_fault(const uctx_t *c, char *buf, size_t len);
