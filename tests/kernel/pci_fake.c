/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A host harness for kernel_image/src/kernel/pci_enum.c: the arch hooks it calls, over a
 * fake PCI configuration space that tests/kernel/test_pci_enum.py fills through ctypes.
 * BAR registers behave like hardware: writing all ones reads back the size mask, the low
 * flag bits are read-only, and a 64-bit BAR's upper register holds the high half.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kernel/bootinfo.h>
#include <kernel/pci.h>

#define FAKE_MAX 16

struct fake_fn {
	u32 bdf;
	u8 cfg[256];
	u64 bar_size[6];     /* a 64-bit BAR's size sits in its lower register's slot */
};

struct fake_fn fake[FAKE_MAX];
u32 nfake;
u32 config_writes;       /* writes that were not to a BAR or the command register */
char log_text[8192];

static struct fake_fn *find(u32 bdf)
{
	for (u32 i = 0; i < nfake; i++)
		if (fake[i].bdf == bdf)
			return &fake[i];
	return NULL;
}

static u32 get(const u8 *p, unsigned w)
{
	u32 v = 0;
	memcpy(&v, p, w);
	return v;
}

u32 arch_pci_read(u32 bdf, u32 offset, unsigned width)
{
	struct fake_fn *f = find(bdf);
	if (!f)
		return width == 4 ? 0xFFFFFFFFu : width == 2 ? 0xFFFFu : 0xFFu;
	return get(f->cfg + offset, width);
}

/* The BAR index a register belongs to, whether it is a 64-bit pair's upper half. */
static u64 size_of(struct fake_fn *f, unsigned reg, bool *upper)
{
	*upper = reg > 0 && f->bar_size[reg] == 0 && (f->cfg[0x10 + 4 * (reg - 1)] & 6) == 4;
	return *upper ? f->bar_size[reg - 1] : f->bar_size[reg];
}

void arch_pci_write(u32 bdf, u32 offset, unsigned width, u32 value)
{
	struct fake_fn *f = find(bdf);
	if (!f)
		return;
	if (offset >= 0x10 && offset < 0x28 && width == 4) {
		unsigned reg = (offset - 0x10) / 4;
		bool upper;
		u64 size = size_of(f, reg, &upper);
		u32 old = get(f->cfg + offset, 4), v;
		if (!size && !upper) {
			v = 0;                                   /* not implemented */
		} else if (upper) {
			v = value & (u32)(~(size - 1) >> 32);
		} else {
			u32 flags = old & ((old & 1) ? 3u : 0xFu);
			v = (value & (u32)~(size - 1) & ((old & 1) ? ~3u : ~0xFu)) | flags;
		}
		memcpy(f->cfg + offset, &v, 4);
		return;
	}
	if (offset != 4)
		config_writes++;
	memcpy(f->cfg + offset, &value, width);
}

void arch_msi_message(unsigned irq, u64 *addr, u32 *data)
{
	*addr = 0xFEE00000;
	*data = irq;
}

bool arch_mmio_reserved(paddr_t base, u64 size)
{
	return base < 0xFEF00000ull && 0xFEC00000ull < base + size;
}

void printk(const char *fmt, ...)
{
	size_t n = strlen(log_text);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(log_text + n, sizeof(log_text) - n, fmt, ap);
	va_end(ap);
}

/* Enumerate the fake space with one RAM range; copy the results out. */
struct result {
	u32 bdf;
	u8 flags[6];
	u64 size[6];
	u64 base[6];
	u16 msix_entries;
	u8 msix_cap;
};

u32 run(u64 ram_base, u64 ram_size, struct result *out, u32 max)
{
	static struct pci_device devs[PCI_MAX_DEVICES];
	struct mem_range ram = { ram_base, ram_size };
	u32 n = pci_enumerate(devs, max < PCI_MAX_DEVICES ? max : PCI_MAX_DEVICES, &ram, 1);
	for (u32 i = 0; i < n; i++) {
		out[i].bdf = devs[i].bdf;
		for (int b = 0; b < 6; b++) {
			out[i].flags[b] = devs[i].bar[b].flags;
			out[i].size[b] = devs[i].bar[b].size;
			out[i].base[b] = devs[i].bar[b].base;
		}
		out[i].msix_entries = devs[i].msix_entries;
		out[i].msix_cap = devs[i].msix_cap;
	}
	return n;
}
