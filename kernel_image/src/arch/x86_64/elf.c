/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ELF64 loader. Every field that could send the kernel out of bounds is checked
 * before use: header size and magic, class/endianness/machine/type, program-header
 * table bounds, each PT_LOAD's file range, memory size, address range (user ELF area
 * only, no wrap-around), W+X flags, overlap with the other segments, and an entry point
 * inside an executable segment. Segments are mapped with their own protection into fresh
 * zeroed frames and filled through the direct map; the image itself is never mapped.
 */
#include <kernel/program.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <orbital/abi.h>

#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define ELF_MAX_PHDRS 16
#define ELF_MAX_SEGMENT (64ull << 20)

struct ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} PACKED;

struct phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
} PACKED;

static u64 refuse(const char *name, const char *why)
{
	printk("elf: %s: refused: %s\n", name, why);
	return 0;
}

u64 program_check(const char *name, const u8 *image, u64 size)
{
	const struct ehdr *eh = (const void *)image;
	if (size < sizeof(*eh))
		return refuse(name, "shorter than an ELF header");
	if (memcmp(eh->ident, "\177ELF", 4))
		return refuse(name, "bad magic");
	if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != 62 || eh->type != 2)
		return refuse(name, "not an x86_64 little-endian ELF64 executable");
	if (eh->phentsize != sizeof(struct phdr) || eh->phnum == 0 || eh->phnum > ELF_MAX_PHDRS)
		return refuse(name, "bad program header table");
	if (eh->phoff > size || (u64)eh->phnum * sizeof(struct phdr) > size - eh->phoff)
		return refuse(name, "program header table out of bounds");

	const struct phdr *ph = (const void *)(image + eh->phoff);
	bool entry_ok = false;
	int loads = 0;
	/* Check everything first, so a refused image maps nothing. */
	for (int i = 0; i < eh->phnum; i++) {
		const struct phdr *s = &ph[i];
		if (s->type == PT_INTERP || s->type == PT_DYNAMIC)
			return refuse(name, "dynamically linked");
		if (s->type != PT_LOAD || s->memsz == 0)
			continue;
		loads++;
		if (s->offset > size || s->filesz > size - s->offset)
			return refuse(name, "segment file range out of bounds");
		if (s->filesz > s->memsz || s->memsz > ELF_MAX_SEGMENT)
			return refuse(name, "absurd segment size");
		if (s->vaddr < USER_BASE || s->vaddr > USER_ELF_TOP ||
		    s->memsz > USER_ELF_TOP - s->vaddr)
			return refuse(name, "segment outside the user ELF area (kernel range?)");
		if ((s->flags & PF_W) && (s->flags & PF_X))
			return refuse(name, "segment both writable and executable (W^X)");
		u64 lo = ALIGN_DOWN(s->vaddr, PAGE_SIZE), hi = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		for (int j = 0; j < i; j++) {
			const struct phdr *o = &ph[j];
			if (o->type != PT_LOAD || o->memsz == 0)
				continue;
			u64 olo = ALIGN_DOWN(o->vaddr, PAGE_SIZE);
			u64 ohi = ALIGN_UP(o->vaddr + o->memsz, PAGE_SIZE);
			if (lo < ohi && olo < hi)
				return refuse(name, "overlapping segments");
		}
		if ((s->flags & PF_X) && eh->entry >= s->vaddr && eh->entry < s->vaddr + s->memsz)
			entry_ok = true;
	}
	if (!loads)
		return refuse(name, "no loadable segment");
	if (!entry_ok)
		return refuse(name, "entry point not in an executable segment");
	return eh->entry;
}

u64 program_load(struct process *p, const u8 *image, u64 size)
{
	if (!program_check(p->name, image, size))
		return 0;
	const struct ehdr *eh = (const void *)image;
	const struct phdr *ph = (const void *)(image + eh->phoff);
	for (int i = 0; i < eh->phnum; i++) {
		const struct phdr *s = &ph[i];
		if (s->type != PT_LOAD || s->memsz == 0)
			continue;
		u64 lo = ALIGN_DOWN(s->vaddr, PAGE_SIZE), hi = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		unsigned prot = VM_READ | ((s->flags & PF_W) ? VM_WRITE : 0) |
				((s->flags & PF_X) ? VM_EXEC : 0);
		if (!region_add(p, lo, hi - lo, R_ELF, prot))
			return refuse(p->name, "no room for a segment region");
		if (region_populate(p, lo, hi - lo, prot) < 0)
			return refuse(p->name, "out of memory");
		/* Copy the file bytes page by page through the direct map. */
		for (u64 done = 0; done < s->filesz;) {
			u64 va = s->vaddr + done;
			paddr_t pa;
			vm_query(&p->vs, va, &pa, NULL);
			u64 n = MIN(PAGE_SIZE - (va & (PAGE_SIZE - 1)), s->filesz - done);
			memcpy(KERNEL_VIRT(pa), image + s->offset + done, n);
			done += n;
		}
	}
	return eh->entry;
}
