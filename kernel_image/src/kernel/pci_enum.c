/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Boot enumeration of PCI: every function on every bus reachable from bus 0, each BAR
 * sized, the MSI-X table located, and everything a driver could use to reach memory that
 * is not its device's checked here, once, before any capability names the device.
 *
 * Scan: bus 0 first, then the secondary bus of each PCI-to-PCI bridge found, each bus at
 * most once (a queue of PCI_MAX_BUSES); a device is 8 functions when function 0 says it is
 * multi-function. A vendor id of 0xFFFF means nothing is there.
 *
 * Sizing: with the function's I/O and memory decoding off, each BAR register is written
 * with all ones and read back (the zero bits above the flag bits give the size), then
 * restored; a 64-bit BAR takes the next register too.
 *
 * A memory BAR is mappable (ORB_PCI_BAR_MAPPABLE) only if it is at least a page,
 * a power of two, aligned to its size, at or above 1 MiB, below 2^52, clear of every
 * usable RAM range, clear of the MMIO the kernel drives itself (arch_mmio_reserved) and
 * clear of every other device's memory BARs. Anything else stays unmappable, so a
 * capability to a device can never become a window onto RAM or onto another device.
 * An MSI-X table is usable only inside a memory BAR of its own function, table and
 * pending bits within the BAR's size.
 */
#include <arch/arch.h>
#include <kernel/bootinfo.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <orbital/abi.h>

#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CFG_STATUS 0x06
#define CFG_CLASS 0x08
#define CFG_HEADER 0x0E
#define CFG_BAR0 0x10
#define CFG_SECONDARY_BUS 0x19
#define CFG_SUBSYS_VENDOR 0x2C
#define CFG_SUBSYS_ID 0x2E
#define CFG_CAP_PTR 0x34
#define CFG_IRQ_PIN 0x3D
#define STATUS_CAP_LIST 0x10
#define CAP_MSIX 0x11
#define CMD_DECODE 0x3          /* I/O and memory space */
#define MAX_CAPS 48             /* capability list entries followed, at most */
#define PHYS_LIMIT (1ull << 52)

static u32 rd(u32 bdf, u32 off, unsigned w)
{
	return arch_pci_read(bdf, off, w);
}

static bool overlaps(paddr_t a, u64 as, paddr_t b, u64 bs)
{
	return a < b + bs && b < a + as;
}

/* One BAR register pair: the base it holds and the size its writable bits say. */
static u32 probe(u32 bdf, u32 off, u32 *orig)
{
	*orig = rd(bdf, off, 4);
	arch_pci_write(bdf, off, 4, 0xFFFFFFFF);
	u32 v = rd(bdf, off, 4);
	arch_pci_write(bdf, off, 4, *orig);
	return v;
}

static void size_bars(struct pci_device *d, unsigned nbars)
{
	u16 cmd = (u16)rd(d->bdf, CFG_COMMAND, 2);
	arch_pci_write(d->bdf, CFG_COMMAND, 2, cmd & ~CMD_DECODE);
	for (unsigned i = 0; i < nbars; i++) {
		u32 off = CFG_BAR0 + 4 * i, orig, hi_orig = 0;
		u32 mask = probe(d->bdf, off, &orig);
		if (!mask)
			continue;   /* not implemented */
		struct pci_bar *b = &d->bar[i];
		if (orig & 1) {
			b->flags = ORB_PCI_BAR_IO;
			b->base = orig & ~3u;
			b->size = (~(mask & ~3u) + 1) & 0xFFFF;
			continue;
		}
		b->flags = ORB_PCI_BAR_MEM | ((orig & 8) ? ORB_PCI_BAR_PREFETCH : 0);
		u64 base = orig & ~0xFull, m = (mask & ~0xFull) | 0xFFFFFFFF00000000ull;
		if (((orig >> 1) & 3) == 2) {   /* 64-bit: the next register holds the top half */
			if (i + 1 >= nbars) {
				b->flags = 0;   /* a 64-bit BAR cannot start in the last register */
				continue;
			}
			u32 hi_mask = probe(d->bdf, off + 4, &hi_orig);
			base |= (u64)hi_orig << 32;
			m = (m & 0xFFFFFFFFull) | (u64)hi_mask << 32;
			b->flags |= ORB_PCI_BAR_64;
			i++;
		}
		b->base = base;
		b->size = ~m + 1;
	}
	arch_pci_write(d->bdf, CFG_COMMAND, 2, cmd);
}

static bool bar_acceptable(const struct pci_bar *b, const struct mem_range *ram, u32 nram)
{
	if (!(b->flags & ORB_PCI_BAR_MEM) || b->size < PAGE_SIZE || (b->size & (b->size - 1)) ||
	    (b->base & (b->size - 1)) || b->base < 0x100000 || b->base >= PHYS_LIMIT ||
	    b->size > PHYS_LIMIT - b->base || arch_mmio_reserved(b->base, b->size))
		return false;
	for (u32 i = 0; i < nram; i++)
		if (overlaps(b->base, b->size, ram[i].base, ram[i].size))
			return false;
	return true;
}

static void find_msix(struct pci_device *d)
{
	if (!(rd(d->bdf, CFG_STATUS, 2) & STATUS_CAP_LIST))
		return;
	u32 ptr = rd(d->bdf, CFG_CAP_PTR, 1) & 0xFC;
	for (int n = 0; ptr >= 0x40 && n < MAX_CAPS; n++) {
		if (rd(d->bdf, ptr, 1) == CAP_MSIX) {
			u32 ctl = rd(d->bdf, ptr + 2, 2), t = rd(d->bdf, ptr + 4, 4);
			u32 pba = rd(d->bdf, ptr + 8, 4);
			d->msix_cap = (u8)ptr;
			d->msix_entries = (u16)((ctl & 0x7FF) + 1);
			d->msix_bar = t & 7, d->msix_offset = t & ~7u;
			d->pba_bar = pba & 7, d->pba_offset = pba & ~7u;
			return;
		}
		ptr = rd(d->bdf, ptr + 1, 1) & 0xFC;
	}
}

/* The MSI-X table and its pending bits must sit inside memory BARs of the function. */
static bool msix_fits(const struct pci_device *d)
{
	if (d->msix_bar >= PCI_BARS || d->pba_bar >= PCI_BARS)
		return false;
	const struct pci_bar *t = &d->bar[d->msix_bar], *p = &d->bar[d->pba_bar];
	u64 tsize = (u64)d->msix_entries * 16, psize = ALIGN_UP((u64)d->msix_entries, 64) / 8;
	return (t->flags & ORB_PCI_BAR_MAPPABLE) && (p->flags & ORB_PCI_BAR_MAPPABLE) &&
	       d->msix_offset <= t->size && tsize <= t->size - d->msix_offset &&
	       d->pba_offset <= p->size && psize <= p->size - d->pba_offset;
}

static void describe(struct pci_device *d)
{
	u32 cls = rd(d->bdf, CFG_CLASS, 4);
	d->revision = (u8)cls, d->progif = (u8)(cls >> 8);
	d->subclass = (u8)(cls >> 16), d->class_code = (u8)(cls >> 24);
	u8 header = (u8)(rd(d->bdf, CFG_HEADER, 1) & 0x7F);
	if (header == 0) {
		d->subsys_vendor = (u16)rd(d->bdf, CFG_SUBSYS_VENDOR, 2);
		d->subsys_id = (u16)rd(d->bdf, CFG_SUBSYS_ID, 2);
		d->irq_pin = (u8)rd(d->bdf, CFG_IRQ_PIN, 1);
		size_bars(d, PCI_BARS);
		find_msix(d);
	}
}

u32 pci_enumerate(struct pci_device *devs, u32 max, const struct mem_range *ram, u32 nram)
{
	static u8 queue[PCI_MAX_BUSES];
	static bool seen[PCI_MAX_BUSES];
	memset(seen, 0, sizeof(seen));
	u32 n = 0, head = 0, tail = 0;
	queue[tail++] = 0;
	seen[0] = true;
	while (head < tail) {
		u32 bus = queue[head++];
		for (u32 dev = 0; dev < 32; dev++) {
			u32 nfn = 1;
			for (u32 fn = 0; fn < nfn; fn++) {
				u32 bdf = bus << 8 | dev << 3 | fn;
				u32 id = rd(bdf, CFG_VENDOR, 4);
				if ((id & 0xFFFF) == 0xFFFF)
					continue;
				u8 header = (u8)rd(bdf, CFG_HEADER, 1);
				if (fn == 0 && (header & 0x80))
					nfn = 8;
				if ((header & 0x7F) == 1) {   /* a bridge: scan behind it */
					u32 sec = rd(bdf, CFG_SECONDARY_BUS, 1);
					if (sec && !seen[sec] && tail < PCI_MAX_BUSES) {
						seen[sec] = true;
						queue[tail++] = (u8)sec;
					}
				}
				if (n == max) {
					printk("pci: more than %u functions; %02x:%02x.%u ignored\n", max,
					       bus, dev, fn);
					continue;
				}
				struct pci_device *d = &devs[n++];
				memset(d, 0, sizeof(*d));
				d->bdf = bdf;
				d->vendor = (u16)id, d->device = (u16)(id >> 16);
				describe(d);
			}
		}
	}
	/* Mappable: the checks that need one device, then no two devices' BARs overlap. */
	for (u32 i = 0; i < n; i++)
		for (u32 b = 0; b < PCI_BARS; b++)
			if (bar_acceptable(&devs[i].bar[b], ram, nram))
				devs[i].bar[b].flags |= ORB_PCI_BAR_MAPPABLE;
	for (u32 i = 0; i < n; i++) {
		for (u32 b = 0; b < PCI_BARS; b++) {
			struct pci_bar *x = &devs[i].bar[b];
			for (u32 j = 0; j < n && (x->flags & ORB_PCI_BAR_MEM); j++) {
				for (u32 c = 0; c < PCI_BARS; c++) {
					const struct pci_bar *y = &devs[j].bar[c];
					if ((i != j || b != c) && (y->flags & ORB_PCI_BAR_MEM) &&
					    overlaps(x->base, x->size, y->base, y->size))
						x->flags &= (u8)~ORB_PCI_BAR_MAPPABLE;
				}
			}
		}
		if (devs[i].msix_cap && !msix_fits(&devs[i])) {
			printk("pci: %02x:%02x.%u: MSI-X table outside its BARs; not used\n",
			       devs[i].bdf >> 8, (devs[i].bdf >> 3) & 31, devs[i].bdf & 7);
			devs[i].msix_cap = 0;
			devs[i].msix_entries = 0;
		}
	}
	return n;
}
