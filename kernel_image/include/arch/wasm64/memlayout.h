/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wasm64 address map (through <memlayout.h>). Two kinds of memory:
 *
 * Kernel: kernel.wasm's own linear memory is its "physical" memory, addressed directly
 * (the direct map is the identity). wasm-ld places data, bss and the kernel stack from 0
 * up to __heap_base; the browser host copies the boot archive to the next page; frames
 * are the rest.
 *
 * User: each process has its own linear memory of USER_TOP bytes (a SharedArrayBuffer
 * its workers and the kernel's host share). The kernel keeps a page table per process
 * (src/arch/wasm64/vm.c) so regions, accounting and the checks on user pointers are
 * those of x86_64; the pages' contents live in the process's memory.
 *   0 .. 0x1000                   page 0, never mapped (null pointers)
 *   USER_BASE      0x1000         the module's static data and bss (wasm-ld --global-base),
 *                                 loaded by the program loader, up to WASM_DATA_TOP
 *   WASM_DATA_TOP  0x0040_0000    (no ELF segments: code lives outside linear memory)
 *   USER_MMAP_BASE 0x0040_0000    anonymous mappings (mem_map) ...
 *   USER_BOOT_ARCHIVE 0x0700_0000 ... up to here; init only: the boot archive, read-only
 *   USER_IPCBUF_REGION 0x0780_0000 per-thread IPC buffers, 8 KiB + 8 KiB gap
 *   USER_STACK_REGION  0x0790_0000 per-thread stacks, 64 KiB, a 32 KiB gap below each
 *   USER_TOP       0x0800_0000    128 MiB: the size of every process's linear memory
 * wasm has no page protection: the gaps are not guards, W^X and read-only are recorded
 * but not enforced inside one process; processes are isolated by having separate memories.
 */
#pragma once

#define KERNEL_PHYS         0x0
#define USER_BASE           0x1000
#define WASM_DATA_TOP       0x00400000
#define USER_ELF_TOP        0x00400000
#define USER_MMAP_BASE      0x00400000
#define USER_MMAP_TOP       0x07000000
#define USER_BOOT_ARCHIVE   0x07000000   /* = ORB_BOOT_ARCHIVE_VADDR on wasm64 */
#define USER_IPCBUF_REGION  0x07800000
#define USER_IPCBUF_SLOT    0x4000
#define USER_STACK_REGION   0x07900000
#define USER_STACK_SIZE     0x10000
#define USER_STACK_SLOT     0x18000
#define USER_TOP            0x08000000

#define PAGE_SIZE           4096
#define PAGE_SHIFT          12

#ifndef __ASSEMBLER__
#define KERNEL_VIRT(pa)  ((void *)(unsigned long)(pa))
#define KERNEL_PHYS_OF(va) ((unsigned long)(va))
/* The boot archive: the first page after the kernel's data (the host copies it there). */
extern char __heap_base[];
#define BOOT_ARCHIVE_PHYS() ALIGN_UP((unsigned long)__heap_base, PAGE_SIZE)
#endif
