/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The whole x86_64 address map, in one place (through <memlayout.h>).
 *
 *   virtual                                   what
 *   0x0000_0000_0000_0000 .. 0x0000_0000_003f_ffff  unmapped (null guard, 4 MiB)
 *   USER_BASE      0x0000_0000_0040_0000            user ELF segments (below USER_ELF_TOP)
 *   USER_MMAP_BASE 0x0000_1000_0000_0000            anonymous mappings (mem_map)
 *   USER_BOOT_ARCHIVE  0x0000_7d00_0000_0000        init only: the boot archive, read-only
 *   USER_IPCBUF_REGION 0x0000_7e00_0000_0000        per-thread IPC buffers, 8 KiB + guard
 *   USER_STACK_REGION  0x0000_7f00_0000_0000        per-thread stacks, 64 KiB, guard below
 *   USER_TOP = 0x0000_8000_0000_0000                first non-canonical address
 *   (non-canonical hole)
 *   DIRECT_MAP_BASE = 0xffff_8000_0000_0000         all physical RAM, RW, NX, supervisor
 *   KERNEL_VMA = 0xffff_ffff_8000_0000              kernel image: phys 0.. mapped here,
 *                                                   .text RX, .rodata R+NX, .data/.bss RW+NX
 *   KERNEL_STACKS = 0xffff_ffff_c000_0000           per-CPU kernel stack and IST stacks,
 *                                                   64 KiB apart, guard page below each
 *   KERNEL_MMIO = 0xffff_ffff_e000_0000             device registers the kernel drives
 *                                                   itself (MSI-X tables), uncached
 *
 *   physical
 *   0x0000_0000 .. 0x0010_0000   BIOS, legacy, never allocated
 *   KERNEL_PHYS (1 MiB) ..       kernel image (multiboot load address), then the boot
 *                                archive, page aligned, right after __kernel_phys_end
 *   the rest                     frames handed out by the frame allocator
 *
 * This file is included from assembly too: only #defines here.
 */
#pragma once

#define KERNEL_VMA          0xffffffff80000000
#define KERNEL_PHYS         0x100000
#define DIRECT_MAP_BASE     0xffff800000000000
#define RAM_MAX             0x0000000100000000   /* RAM used: the first 4 GiB (boot maps it) */

#define USER_BASE           0x0000000000400000
#define USER_ELF_TOP        0x0000100000000000   /* ELF segments below this */
#define USER_MMAP_BASE      0x0000100000000000   /* anonymous mappings from here ... */
#define USER_MMAP_TOP       0x00007d0000000000   /* ... up to the boot archive window */
#define USER_BOOT_ARCHIVE   0x00007d0000000000   /* init only: the boot archive, read-only
                                                    (= ORB_BOOT_ARCHIVE_VADDR) */
#define USER_TOP            0x0000800000000000
/* Per-thread user stacks and IPC buffers are placed downwards from here, one slot each. */
#define USER_STACK_REGION   0x00007f0000000000
#define USER_STACK_SIZE     0x10000              /* 64 KiB per thread */
#define USER_STACK_SLOT     0x100000             /* 1 MiB stride: stack + guard pages */
#define USER_IPCBUF_REGION  0x00007e0000000000
#define USER_IPCBUF_SLOT    0x4000               /* 8 KiB buffer + 8 KiB guard */

#define PAGE_SIZE           4096
#define PAGE_SHIFT          12
#define KERNEL_STACK_SIZE   0x4000               /* per-CPU kernel stack, 16 KiB */
#define KERNEL_STACKS       0xffffffffc0000000   /* kernel and IST stacks, each with an
                                                    unmapped guard page below it */
#define KERNEL_STACK_SLOT   0x10000
#define IST_STACK_SIZE      0x2000               /* double fault / NMI stacks */
#define KERNEL_MMIO         0xffffffffe0000000   /* kernel mappings of device memory ... */
#define KERNEL_MMIO_SIZE    0x0000000010000000   /* ... 256 MiB of address space */

#ifndef __ASSEMBLER__
#define KERNEL_VIRT(pa)  ((void *)((unsigned long)(pa) + DIRECT_MAP_BASE))
#define KERNEL_PHYS_OF(va) ((unsigned long)(va) - DIRECT_MAP_BASE)
#define IMAGE_PHYS_OF(va)  ((unsigned long)(va) - KERNEL_VMA)
/* The boot archive: the first page after the kernel image (the image builder put it). */
extern char __kernel_end[];
#define BOOT_ARCHIVE_PHYS() IMAGE_PHYS_OF(__kernel_end)
#endif
