/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCI functions found at boot, as kernel objects that PCI device capabilities name.
 *
 * The kernel holds mechanism only: it enumerates the buses once (pci_enum.c), sizes and
 * checks every BAR, finds the MSI-X table, and from then on lets the holder of a device's
 * capability read its configuration space, write its command register, map its memory
 * BARs uncached, bind its MSI-X entries to notifications and make DMA memory for it. No
 * driver logic lives here; the registers a device has beyond the PCI header are the
 * driver's business, in user space.
 */
#pragma once

#include <kernel/kobj.h>
#include <kernel/types.h>

#define PCI_MAX_DEVICES 32
#define PCI_BARS 6
#define PCI_MAX_BUSES 256
#define PCI_NO_DEVICE 0xFFFFFFFFu   /* bdf of "no device" (a plain shared object) */

/* PCI_BAR_* flags are the ABI's ORB_PCI_BAR_*. */
struct pci_bar {
	paddr_t base;
	u64 size;
	u8 flags;
};

struct pci_device {
	struct kobj kobj;              /* PCI device capabilities naming it */
	u32 bdf;                       /* bus << 8 | device << 3 | function */
	u16 vendor, device;
	u8 class_code, subclass, progif, revision;
	u16 subsys_vendor, subsys_id;
	u8 irq_pin;
	struct pci_bar bar[PCI_BARS];
	/* MSI-X: the capability's config offset (0: none or unusable) and its table */
	u8 msix_cap;
	u16 msix_entries;
	u8 msix_bar, pba_bar;
	u32 msix_offset, pba_offset;    /* within their BARs */
	volatile u32 *msix_table;       /* kernel mapping of the table (16 bytes per entry) */
	bool msix_enabled;
	/* DMA frames of destroyed DMA objects, kept until bus mastering is next turned on
	 * (after which the device has been reset by its new driver): see shm.c */
	paddr_t quarantine[8];
	u8 quarantine_order[8];
	struct process *quarantine_payer[8];   /* still charged the block's memory */
};

/* pci_enum.c: scan every bus reachable from bus 0 into devs (at most max); BARs are sized
 * and checked against the usable RAM ranges and each other. Returns how many were found. */
struct mem_range;
u32 pci_enumerate(struct pci_device *devs, u32 max, const struct mem_range *ram, u32 nram);

/* pci.c */
void pci_init(void);                        /* enumerate, map MSI-X tables, log commits */
struct pci_device *pci_find(u32 bdf);
/* The first device matching a pci_match word (ORB_PCI_MATCH_*), or NULL. */
struct pci_device *pci_match(u64 match);
struct pci_device *pci_next(u32 after);     /* smallest bdf above `after`; for the state hash */
/* MSI-X entry control (pci.c owns the table): program, mask or unmask entry `i`. */
void pci_msix_program(struct pci_device *d, unsigned i, u64 addr, u32 data);
void pci_msix_mask(struct pci_device *d, unsigned i, bool masked);
/* DMA safety (shm.c): stop the device's bus mastering, then keep `pa` (order) from reuse
 * until a driver turns bus mastering back on. `payer` stays charged the block's memory
 * until then (it is not free for anyone). */
struct process;
void pci_dma_quarantine(struct pci_device *d, paddr_t pa, unsigned order,
			struct process *payer);
/* account_close: quarantined blocks `from` pays for are paid by `to` from now on. */
void pci_pass_charges(struct process *from, struct process *to);
