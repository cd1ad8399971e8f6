/* SPDX-License-Identifier: Apache-2.0 */
/*
 * How the x86_64 machine tells the kernel about itself: the multiboot v1 information block
 * fills `bootinfo` with the memory map (flags bit 6, falling back to mem_lower/mem_upper,
 * bit 0) and the command line (bit 2, minus its first word, the image). Ranges are clipped
 * to whole pages and to RAM_MAX; everything below 1 MiB is left to the firmware.
 */
#include <arch/arch.h>
#include <kernel/bootinfo.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <memlayout.h>

#define MB_BOOT_MAGIC 0x2BADB002
#define MB_INFO_MEM (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP (1u << 6)
#define MB_MMAP_AVAILABLE 1

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} PACKED;

struct mb_mmap_entry {
	u32 size;
	u64 base, length;
	u32 type;
} PACKED;

static void add_range(u64 base, u64 len)
{
	u64 end = ALIGN_DOWN(MIN(base + len, (u64)RAM_MAX), PAGE_SIZE);
	base = ALIGN_UP(MAX(base, (u64)0x100000), PAGE_SIZE);
	if (end <= base)
		return;
	if (bootinfo.nusable == BOOT_MAX_RANGES) {
		printk("boot: memory map has more than %d ranges; ignoring the rest\n",
		       BOOT_MAX_RANGES);
		return;
	}
	/* insertion sort by base */
	u32 i = bootinfo.nusable++;
	while (i > 0 && bootinfo.usable[i - 1].base > base) {
		bootinfo.usable[i] = bootinfo.usable[i - 1];
		i--;
	}
	bootinfo.usable[i] = (struct mem_range){ base, end - base };
	bootinfo.mem_total += end - base;
	bootinfo.mem_top = MAX(bootinfo.mem_top, end);
}

bool arch_bootinfo(u32 magic, u32 info_pa)
{
	if (magic != MB_BOOT_MAGIC) {
		printk("boot: bad multiboot magic %#x (expected %#x)\n", magic, MB_BOOT_MAGIC);
		return false;
	}
	const struct mb_info *mbi = KERNEL_VIRT(info_pa);
	if (mbi->flags & MB_INFO_MMAP) {
		u64 p = mbi->mmap_addr, end = p + mbi->mmap_length;
		for (int n = 0; p + sizeof(struct mb_mmap_entry) <= end && n < 128; n++) {
			const struct mb_mmap_entry *e = KERNEL_VIRT(p);
			if (e->type == MB_MMAP_AVAILABLE)
				add_range(e->base, e->length);
			p += e->size + sizeof(e->size);
		}
	} else if (mbi->flags & MB_INFO_MEM) {
		add_range(0x100000, (u64)mbi->mem_upper * 1024);
	}
	if (mbi->flags & MB_INFO_CMDLINE) {
		/* The loader puts the image path first (QEMU: "-kernel FILE" then -append). */
		const char *c = KERNEL_VIRT((u64)mbi->cmdline);
		while (*c && *c != ' ')
			c++;
		while (*c == ' ')
			c++;
		size_t n = strnlen(c, sizeof(bootinfo.cmdline) - 1);
		memcpy(bootinfo.cmdline, c, n);
		bootinfo.cmdline[n] = '\0';
	}
	if (bootinfo.nusable == 0) {
		printk("boot: no usable memory in the boot information\n");
		return false;
	}
	return true;
}
