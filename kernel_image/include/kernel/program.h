/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Program images: the format a process is created from is the architecture's — ELF64 on
 * x86_64 (src/arch/x86_64/elf.c), a WebAssembly module on wasm32
 * (src/arch/wasm32/program.c). Generic code (process_spawn_elf, the boot archive's
 * ORB_BOOT_ENTRY_ELF entries) sees only these two calls.
 */
#pragma once

#include <kernel/types.h>

struct process;

/* Check an image: its entry point, or 0 after logging why it was refused. */
u64 program_check(const char *name, const u8 *image, u64 size);
/* Check it and load it into p's address space; the entry point or 0 (logged). */
u64 program_load(struct process *p, const u8 *image, u64 size);
