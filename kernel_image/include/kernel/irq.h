/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interrupt lines for user-space drivers. IRQs 0-23 are the I/O APIC's pins, which an Irq
 * capability lets its holder bind to a notification (irq_register); IRQs from
 * ORB_IRQ_MSI_FIRST are MSI-X vectors the kernel hands out when a PCI device's holder
 * binds one of the device's MSI-X entries (pci_irq_bind). Either way, when the IRQ fires
 * the kernel masks it (the pin, or the MSI-X entry), sets bit (irq % 63) in the
 * notification, and waits for the owner's irq_ack before unmasking (spec §1.12).
 */
#pragma once

#include <kernel/types.h>
#include <orbital/abi.h>

#define IRQ_LINES 24   /* I/O APIC pins, vectors 0x30 + n (spec §5.11 #57) */
#define IRQ_ALL (ORB_IRQ_MSI_FIRST + ORB_IRQ_MSI_COUNT)

struct notification;
struct pci_device;
struct process;

long irq_bind(unsigned irq, struct notification *n, struct process *owner);
/* Bind MSI-X entry `entry` of d to n: returns the IRQ number, or -EBUSY / -ENOMEM. */
long irq_bind_msix(struct pci_device *d, unsigned entry, struct notification *n,
		   struct process *owner);
/* Unbind every IRQ that signals n (it is going away). */
void irq_unbind(struct notification *n);
/* p is ending: unbind (and mask) every IRQ it bound. */
void irq_process_gone(struct process *p);
/* Called by the arch layer when `irq` fired (an I/O APIC pin is already masked there). */
void irq_fire(unsigned irq);
long irq_control(struct process *p, unsigned irq, int op);   /* op: 0 ack, 1 mask, 2 unmask */
u64 irq_count(unsigned irq);

/* arch: route, mask and unmask I/O APIC pins. */
void arch_irq_init(void);
void arch_irq_set_masked(unsigned irq, bool masked);
