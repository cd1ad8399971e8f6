/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <kernel/types.h>

struct process;

/* Check an ELF64 executable: its entry point, or 0 after logging why it was refused. */
u64 elf_check(const char *name, const u8 *image, u64 size);
/* Check it and map its PT_LOAD segments into p; the entry point or 0 (logged). */
u64 elf_load(struct process *p, const u8 *image, u64 size);
