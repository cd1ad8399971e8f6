/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The address map is the architecture's: include/arch/<arch>/memlayout.h draws it. Both
 * define the same names (USER_BASE .. USER_TOP, the per-thread stack and IPC buffer slots,
 * KERNEL_VIRT); generic code uses only those. Included from assembly too.
 */
#pragma once

#if defined(__wasm64__)
#include <arch/wasm64/memlayout.h>
#else
#include <arch/x86_64/memlayout.h>
#endif
