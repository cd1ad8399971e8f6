/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ktest: the in-image kernel test suite. Each case is a function that checks kernel
 * behaviour from ring 3 with KT_* assertions; a failed assertion ends the case (not the
 * program). main() runs every case and prints one line per failure and the summary
 * `ktest: N passed, M failed` that tests/e2e reads.
 */
#pragma once

#include <orbital.h>

struct kt {
	const char *name;
	bool failed;
};

struct kcase {
	const char *name;
	void (*fn)(struct kt *);
};

void kt_fail(struct kt *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define KT_TRUE(t, c)                                                             \
	do {                                                                      \
		if (!(c)) {                                                       \
			kt_fail(t, __FILE__, __LINE__, "expected %s", #c);        \
			return;                                                   \
		}                                                                 \
	} while (0)
#define KT_EQ(t, a, b)                                                            \
	do {                                                                      \
		long _a = (long)(a), _b = (long)(b);                              \
		if (_a != _b) {                                                   \
			kt_fail(t, __FILE__, __LINE__, "%s == %ld, expected %s == %ld", #a, _a, \
				#b, _b);                                          \
			return;                                                   \
		}                                                                 \
	} while (0)
#define KT_ERR(t, call, err) KT_EQ(t, call, -(long)(err))

/* A syscall with any number: only the test suite issues these directly. */
long kt_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		uint64_t a5);

#define KERNEL_ADDR 0xffffffff80100000ull
#define NONCANON_ADDR 0x0000800000000000ull

/* ktest's initial capabilities (images/test.toml, in order). */
#define KT_CONSOLE_CAP 0
#define KT_PROCESS_CAP 1
#define KT_AXIOM_CAP 2
#define KT_IOPORT_CAP 3     /* ports 0x70-0x71 (CMOS/RTC) */
#define KT_IRQ_CAP 4        /* IRQ 8 (RTC) */
#define KT_BLK_CAP 5        /* PCI: the virtio-blk (1af4:1042) of the devices profile */
#define KT_RNG_CAP 6        /* PCI: the virtio-rng (1af4:1044) */

orb_cptr_t kt_endpoint(uint64_t *id);
long kt_rights(orb_cptr_t h);
long kt_spawn(const char *image, const orb_spawn_cap_t *caps, unsigned ncaps, orb_cptr_t notify,
	      uint64_t badge);
/* ktest-peer with ep (W) in its slot 0 and `extra` (ORB_CAP_NONE: none) in slot 1. */
long kt_spawn_peer(orb_cptr_t ep, orb_cptr_t extra, uint8_t extra_rights, orb_cptr_t notify);
/* The same with resource limits (ORB_RES_COUNT of them, 0 = default; NULL: all default). */
long kt_spawn_limited(orb_cptr_t ep, orb_cptr_t extra, uint8_t extra_rights, orb_cptr_t notify,
		      const uint64_t *limits);
/* Take the peer's next call, answer with an order, collect its result. */
long kt_peer_order(orb_cptr_t ep, uint64_t order, uint64_t arg, long *result);
/* Wait for MSG_CHILD_EXITED on notify. */
long kt_child_exit(orb_cptr_t notify, uint32_t *pid, int32_t *code, uint8_t *reason);

extern const struct kcase kt_cap_cases[], kt_ipc_cases[], kt_proc_cases[], kt_elf_cases[];
extern const size_t kt_cap_count, kt_ipc_count, kt_proc_count, kt_elf_count;
extern const struct kcase kt_basic_cases[], kt_mem_cases[], kt_mem2_cases[], kt_thread_cases[];
extern const size_t kt_basic_count, kt_mem_count, kt_mem2_count, kt_thread_count;
extern const struct kcase kt_dev_cases[], kt_shm_cases[];
extern const size_t kt_dev_count, kt_shm_count;
/* Wait for child pid's MSG_CHILD_EXITED on notify: 0 if it died of a page fault. */
long kt_child_faulted(orb_cptr_t notify, long pid);
/* Give the peer an order it does not report back on (it exits or faults doing it). */
long kt_peer_last(orb_cptr_t ep, uint64_t order, uint64_t arg);
extern const struct kcase kt_account_cases[];
extern const size_t kt_account_count;
