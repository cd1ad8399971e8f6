/* SPDX-License-Identifier: Apache-2.0 */
/* User copies on wasm64: through the host, between kernel memory and the active process's
 * linear memory, after checking the pages in its page table (src/arch/wasm64/user.c). */
#pragma once

#include <kernel/types.h>

int arch_copy_from_user(void *dst, u64 usrc, size_t n);
int arch_copy_to_user(u64 udst, const void *src, size_t n);
