/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <kernel/types.h>

struct process;

/* Check an ELF64 executable and map its PT_LOAD segments into p. Returns the entry point,
 * or 0 after logging why the image was refused. */
u64 elf_load(struct process *p, const u8 *image, u64 size);
