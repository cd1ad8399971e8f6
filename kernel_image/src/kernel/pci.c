/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCI devices as kernel objects (see pci.h): the table boot enumeration filled, the MSI-X
 * tables the kernel writes, DMA quarantine, and the syscalls a driver uses on its
 * device's capability.
 *
 * Configuration space: the holder reads any of the first 256 bytes (R); it writes only
 * the command register (W), and of it only the I/O space, memory space, bus master and
 * INTx-disable bits. The BARs, the expansion ROM, the MSI-X capability and every other
 * capability structure belong to the kernel: a driver that could move a BAR or aim an
 * MSI-X entry could reach RAM, another device, or any interrupt vector.
 *
 * Device memory: pci_bar_map maps a memory BAR boot found mappable (pci_enum.c) whole,
 * uncached, except the pages that hold the MSI-X table or its pending bits, which stay
 * unmapped (the kernel programs the table; pci_irq_bind in irq.c).
 *
 * Syscalls here: pci_info, pci_config_read, pci_config_write, pci_bar_map, pci_irq_bind.
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/axiom.h>
#include <kernel/bootinfo.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/pci.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/usercopy.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/vm.h>

#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_MASKALL 0x4000
#define MSIX_VECTOR_MASKED 1u

static struct pci_device devices[PCI_MAX_DEVICES];
static u32 ndevices;

static void map_msix_table(struct pci_device *d)
{
	if (!d->msix_cap)
		return;
	paddr_t pa = d->bar[d->msix_bar].base + d->msix_offset;
	paddr_t page = ALIGN_DOWN(pa, PAGE_SIZE);
	u64 len = ALIGN_UP(pa + (u64)d->msix_entries * 16, PAGE_SIZE) - page;
	u8 *va = vm_map_kernel_mmio(page, len);
	if (!va) {
		d->msix_cap = 0, d->msix_entries = 0;
		return;
	}
	d->msix_table = (volatile u32 *)(va + (pa - page));
	for (unsigned i = 0; i < d->msix_entries; i++)
		d->msix_table[i * 4 + 3] = MSIX_VECTOR_MASKED;   /* nothing fires until bound */
}

void pci_init(void)
{
	ndevices = pci_enumerate(devices, PCI_MAX_DEVICES, bootinfo.usable, bootinfo.nusable);
	for (u32 i = 0; i < ndevices; i++) {
		struct pci_device *d = &devices[i];
		map_msix_table(d);
		printk("pci: %02x:%02x.%u %04x:%04x class %02x.%02x", d->bdf >> 8,
		       (d->bdf >> 3) & 31, d->bdf & 7, d->vendor, d->device, d->class_code,
		       d->subclass);
		for (u32 b = 0; b < PCI_BARS; b++)
			if (d->bar[b].flags & ORB_PCI_BAR_MEM)
				printk(" bar%u %luK%s", b, d->bar[b].size >> 10,
				       (d->bar[b].flags & ORB_PCI_BAR_MAPPABLE) ? "" : "(refused)");
		if (d->msix_cap)
			printk(" msix %u", d->msix_entries);
		printk("\n");
		axiom_pci_device_found(d->bdf, d->vendor, d->device,
				       (u32)d->class_code << 16 | (u32)d->subclass << 8 | d->progif);
	}
}

struct pci_device *pci_find(u32 bdf)
{
	for (u32 i = 0; i < ndevices; i++)
		if (devices[i].bdf == bdf)
			return &devices[i];
	return NULL;
}

struct pci_device *pci_match(u64 match)
{
	for (u32 i = 0; i < ndevices; i++) {
		struct pci_device *d = &devices[i];
		u64 kind = orb_pci_match_get_kind(match);
		if ((kind == 1 && d->vendor == orb_pci_match_get_vendor(match) &&
		     d->device == orb_pci_match_get_device(match)) ||
		    (kind == 2 && d->class_code == orb_pci_match_get_class_code(match) &&
		     d->subclass == orb_pci_match_get_subclass(match)))
			return d;
	}
	return NULL;
}

struct pci_device *pci_next(u32 after)
{
	struct pci_device *best = NULL;
	for (u32 i = 0; i < ndevices; i++)
		if ((after == PCI_NO_DEVICE || devices[i].bdf > after) &&
		    (!best || devices[i].bdf < best->bdf))
			best = &devices[i];
	return best;
}

void pci_msix_program(struct pci_device *d, unsigned i, u64 addr, u32 data)
{
	volatile u32 *e = d->msix_table + i * 4;
	e[3] = MSIX_VECTOR_MASKED;
	e[0] = (u32)addr;
	e[1] = (u32)(addr >> 32);
	e[2] = data;
	if (!d->msix_enabled) {
		u16 ctl = (u16)arch_pci_read(d->bdf, d->msix_cap + 2, 2);
		arch_pci_write(d->bdf, d->msix_cap + 2, 2,
			       (ctl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASKALL);
		d->msix_enabled = true;
	}
}

void pci_msix_mask(struct pci_device *d, unsigned i, bool masked)
{
	d->msix_table[i * 4 + 3] = masked ? MSIX_VECTOR_MASKED : 0;
	(void)d->msix_table[i * 4 + 3];   /* read back: the write has reached the device */
}

static void release_quarantine(struct pci_device *d)
{
	for (unsigned i = 0; i < ARRAY_SIZE(d->quarantine); i++) {
		if (d->quarantine[i]) {
			frame_free(d->quarantine[i], d->quarantine_order[i]);
			account_release(d->quarantine_payer[i], ORB_RES_MEMORY,
					PAGE_SIZE << d->quarantine_order[i]);
		}
		d->quarantine[i] = 0;
		d->quarantine_payer[i] = NULL;
	}
}

void pci_dma_quarantine(struct pci_device *d, paddr_t pa, unsigned order,
			struct process *payer)
{
	u16 cmd = (u16)arch_pci_read(d->bdf, ORB_PCI_COMMAND, 2);
	arch_pci_write(d->bdf, ORB_PCI_COMMAND, 2, cmd & ~ORB_PCI_COMMAND_BUS_MASTER);
	for (unsigned i = 0; i < ARRAY_SIZE(d->quarantine); i++) {
		if (!d->quarantine[i]) {
			d->quarantine[i] = pa;
			d->quarantine_order[i] = (u8)order;
			d->quarantine_payer[i] = payer;
			return;
		}
	}
	frame_free(pa, order);   /* quarantine full: bus mastering is off, which must do */
	account_release(payer, ORB_RES_MEMORY, PAGE_SIZE << order);
}

void pci_pass_charges(struct process *from, struct process *to)
{
	for (u32 n = 0; n < ndevices; n++) {
		struct pci_device *d = &devices[n];
		for (unsigned i = 0; i < ARRAY_SIZE(d->quarantine); i++) {
			if (d->quarantine[i] && d->quarantine_payer[i] == from) {
				account_move(from, to, ORB_RES_MEMORY,
					     PAGE_SIZE << d->quarantine_order[i]);
				d->quarantine_payer[i] = to;
			}
		}
	}
}

/* ---- syscalls: pci_info, pci_config_read, pci_config_write, pci_bar_map ---- */

static struct pci_device *device_of(orb_cptr_t h, u8 rights, long *err)
{
	struct cap *c = cap_lookup(current_process(), h, ORB_OBJ_PCI_DEVICE, rights, err);
	return c ? container_of(c->obj, struct pci_device, kobj) : NULL;
}

long sys_pci_info(orb_cptr_t dev, uint64_t buf, size_t len)
{
	long err;
	struct pci_device *d = device_of(dev, ORB_RIGHT_READ, &err);
	if (!d)
		return err;
	if (len < sizeof(orb_pci_info_t))
		return -ORB_EOVERFLOW;
	orb_pci_info_t info = {
		.bdf = d->bdf, .vendor = d->vendor, .device = d->device,
		.class_code = d->class_code, .subclass = d->subclass, .progif = d->progif,
		.revision = d->revision, .subsys_vendor = d->subsys_vendor,
		.subsys_id = d->subsys_id, .msix_entries = d->msix_entries, .irq_pin = d->irq_pin,
	};
	for (u32 b = 0; b < PCI_BARS; b++) {
		info.bar_size[b] = d->bar[b].size;
		info.bar_flags[b] = d->bar[b].flags;
	}
	int rc = copy_to_user(buf, &info, sizeof(info));
	return rc < 0 ? rc : (long)sizeof(info);
}

static bool access_ok(u32 offset, u32 width)
{
	return (width == 1 || width == 2 || width == 4) && !(offset % width) &&
	       offset <= ORB_PCI_CONFIG_SIZE - width;
}

long sys_pci_config_read(orb_cptr_t dev, uint32_t offset, uint32_t width)
{
	long err;
	struct pci_device *d = device_of(dev, ORB_RIGHT_READ, &err);
	if (!d)
		return err;
	if (!access_ok(offset, width))
		return -ORB_EINVAL;
	return arch_pci_read(d->bdf, offset, width);
}

long sys_pci_config_write(orb_cptr_t dev, uint32_t offset, uint32_t width, uint32_t value)
{
	long err;
	struct pci_device *d = device_of(dev, ORB_RIGHT_WRITE, &err);
	if (!d)
		return err;
	if (!access_ok(offset, width))
		return -ORB_EINVAL;
	if (offset != ORB_PCI_COMMAND || width != 2)
		return -ORB_EPERM;   /* BARs, MSI-X and the rest are the kernel's */
	u16 cmd = (u16)arch_pci_read(d->bdf, offset, 2);
	u16 next = (u16)((cmd & ~ORB_PCI_COMMAND_WRITABLE) | (value & ORB_PCI_COMMAND_WRITABLE));
	if ((next & ORB_PCI_COMMAND_BUS_MASTER) && !(cmd & ORB_PCI_COMMAND_BUS_MASTER))
		release_quarantine(d);   /* a driver that turns DMA on has reset its device */
	arch_pci_write(d->bdf, offset, 2, next);
	return 0;
}

/* Does page [pa, pa + PAGE_SIZE) hold part of the MSI-X table or its pending bits? */
static bool msix_page(const struct pci_device *d, paddr_t pa)
{
	if (!d->msix_cap)
		return false;
	paddr_t t = d->bar[d->msix_bar].base + d->msix_offset;
	paddr_t p = d->bar[d->pba_bar].base + d->pba_offset;
	u64 tsize = (u64)d->msix_entries * 16, psize = ALIGN_UP((u64)d->msix_entries, 64) / 8;
	return (pa < t + tsize && t < pa + PAGE_SIZE) || (pa < p + psize && p < pa + PAGE_SIZE);
}

long sys_pci_bar_map(orb_cptr_t dev, uint32_t bar, uint64_t vaddr, struct syscall_frame *f)
{
	struct process *p = f->t->proc;
	long err;
	struct pci_device *d = device_of(dev, ORB_RIGHT_WRITE, &err);
	if (!d)
		return err;
	if (bar >= PCI_BARS || !(d->bar[bar].flags & ORB_PCI_BAR_MAPPABLE))
		return -ORB_EINVAL;
	const struct pci_bar *b = &d->bar[bar];
	if ((err = account_mapping(p, b->size)) < 0)
		return err;   /* room for the page tables: the device memory is nobody's */
	struct region *r = region_claim(p, vaddr, b->size, R_DEVICE, VM_READ | VM_WRITE, &err);
	if (!r)
		return err;
	r->object = (u64)d->bdf << 8 | bar;
	for (u64 off = 0; off < b->size; off += PAGE_SIZE) {
		if (msix_page(d, b->base + off))
			continue;   /* the kernel's: a hole that faults */
		int rc = vm_map(&p->vs, r->base + off, b->base + off,
				VM_READ | VM_WRITE | VM_SHARED | VM_UNCACHED);
		if (rc < 0) {
			account_tables(p);
			region_release(p, r);
			return rc;
		}
	}
	account_tables(p);
	r->logged = true;
	axiom_device_mapped(p->pid, r->base, b->size, VM_READ | VM_WRITE, d->bdf, (u8)bar);
	frame_set_out(f, 2, b->size);
	return (long)r->base;
}

long sys_pci_irq_bind(orb_cptr_t dev, uint32_t entry, orb_cptr_t ntfn)
{
	long err;
	struct pci_device *d = device_of(dev, ORB_RIGHT_WRITE, &err);
	if (!d)
		return err;
	struct cap *nc = cap_lookup(current_process(), ntfn, ORB_OBJ_NOTIFICATION,
				    ORB_RIGHT_WRITE, &err);
	if (!nc)
		return err;
	if (!d->msix_cap || entry >= d->msix_entries)
		return -ORB_EINVAL;
	return irq_bind_msix(d, entry, container_of(nc->obj, struct notification, kobj),
			     current_process());
}
