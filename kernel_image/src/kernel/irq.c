/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IRQ lines bound to notifications (spec §1.12, with the Irq capability of §5.1 #10):
 * I/O APIC pins and MSI-X vectors, one table (see irq.h). A notification may have several
 * lines; each sets its own bit.
 *
 * Syscalls here: irq_register, irq_ack, irq_mask, irq_unmask (pci_irq_bind is in pci.c).
 */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/pci.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <orbital/abi.h>

struct irq_line {
	struct notification *ntfn;
	struct process *owner;
	struct pci_device *dev;   /* MSI-X lines: the device and its table entry */
	u16 entry;
	bool pending;             /* fired, not yet acknowledged */
	u64 count;
};

static struct irq_line lines[IRQ_ALL];

static void set_masked(unsigned irq, bool masked)
{
	if (irq < IRQ_LINES)
		arch_irq_set_masked(irq, masked);
	else
		pci_msix_mask(lines[irq].dev, lines[irq].entry, masked);
}

long irq_bind(unsigned irq, struct notification *n, struct process *owner)
{
	if (irq >= IRQ_LINES)
		return -ORB_EINVAL;
	if (lines[irq].ntfn)
		return -ORB_EBUSY;
	lines[irq] = (struct irq_line){ .ntfn = n, .owner = owner };
	n->nirqs++;
	arch_irq_set_masked(irq, false);
	return 0;
}

long irq_bind_msix(struct pci_device *d, unsigned entry, struct notification *n,
		   struct process *owner)
{
	unsigned irq = IRQ_ALL;
	for (unsigned i = ORB_IRQ_MSI_FIRST; i < IRQ_ALL; i++) {
		if (lines[i].dev == d && lines[i].entry == entry && lines[i].ntfn)
			return -ORB_EBUSY;
		if (!lines[i].ntfn && irq == IRQ_ALL)
			irq = i;
	}
	if (irq == IRQ_ALL || account_charge(owner, ORB_RES_MSIX, 1) < 0)
		return -ORB_ENOMEM;   /* the vectors are the machine's: each binder pays for its own */
	lines[irq] = (struct irq_line){ .ntfn = n, .owner = owner, .dev = d, .entry = (u16)entry };
	n->nirqs++;
	u64 addr;
	u32 data;
	arch_msi_message(irq, &addr, &data);
	pci_msix_program(d, entry, addr, data);
	pci_msix_mask(d, entry, false);
	return irq;
}

/* Line irq is free again (its MSI-X vector back to its binder's account). */
static void line_free(unsigned irq)
{
	set_masked(irq, true);
	lines[irq].ntfn->nirqs--;
	if (irq >= IRQ_LINES)
		account_release(lines[irq].owner, ORB_RES_MSIX, 1);
	lines[irq] = (struct irq_line){ .count = lines[irq].count };
}

void irq_unbind(struct notification *n)
{
	for (unsigned irq = 0; irq < IRQ_ALL && n->nirqs; irq++)
		if (lines[irq].ntfn == n)
			line_free(irq);
}

void irq_process_gone(struct process *p)
{
	for (unsigned irq = 0; irq < IRQ_ALL; irq++)
		if (lines[irq].owner == p && lines[irq].ntfn)
			line_free(irq);
}

void irq_fire(unsigned irq)
{
	struct irq_line *l = &lines[irq];
	l->count++;
	if (!l->ntfn)
		return;   /* nobody bound it: stays masked */
	if (irq >= IRQ_LINES)
		pci_msix_mask(l->dev, l->entry, true);   /* until the owner acks */
	l->pending = true;
	notification_signal(l->ntfn, 1ull << (irq % 63));
}

long irq_control(struct process *p, unsigned irq, int op)
{
	if (irq >= IRQ_ALL || !lines[irq].ntfn)
		return -ORB_EINVAL;
	if (lines[irq].owner != p)
		return -ORB_EPERM;
	if (op == 0) {
		lines[irq].pending = false;
		set_masked(irq, false);
	} else {
		set_masked(irq, op == 1);
	}
	return 0;
}

u64 irq_count(unsigned irq)
{
	return irq < IRQ_ALL ? lines[irq].count : 0;
}

/* ---- syscalls: irq_register, ack, mask, unmask ---- */

long sys_irq_register(uint32_t irq, orb_cptr_t ntfn, orb_cptr_t irq_cap)
{
	long err;
	struct cap *ic = cap_lookup(current_process(), irq_cap, ORB_OBJ_IRQ, ORB_RIGHT_WRITE, &err);
	if (!ic)
		return err;
	if (ic->object_id != irq)
		return -ORB_EPERM;   /* the capability names another line */
	struct cap *nc = cap_lookup(current_process(), ntfn, ORB_OBJ_NOTIFICATION, ORB_RIGHT_WRITE, &err);
	if (!nc)
		return err;
	return irq_bind(irq, container_of(nc->obj, struct notification, kobj), current_process());
}

long sys_irq_ack(uint32_t irq)
{
	return irq_control(current_process(), irq, 0);
}

long sys_irq_mask(uint32_t irq)
{
	return irq_control(current_process(), irq, 1);
}

long sys_irq_unmask(uint32_t irq)
{
	return irq_control(current_process(), irq, 2);
}
