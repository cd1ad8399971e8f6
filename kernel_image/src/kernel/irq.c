/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IRQ lines bound to notifications (spec §1.12, with the Irq capability of §5.1 #10).
 *
 * Syscalls here: irq_register, irq_ack, irq_mask, irq_unmask.
 */
#include <gen/syscall_table.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <orbital/abi.h>

struct irq_line {
	struct notification *ntfn;
	struct process *owner;
	bool pending;       /* fired, not yet acknowledged */
	u64 count;
};

static struct irq_line lines[IRQ_LINES];

long irq_bind(unsigned irq, struct notification *n, struct process *owner)
{
	if (irq >= IRQ_LINES)
		return -ORB_EINVAL;
	if (lines[irq].ntfn)
		return -ORB_EBUSY;
	if (n->irq >= 0)
		return -ORB_EBUSY;   /* one line per notification */
	lines[irq] = (struct irq_line){ .ntfn = n, .owner = owner };
	n->irq = (int)irq;
	arch_irq_set_masked(irq, false);
	return 0;
}

void irq_unbind(struct notification *n)
{
	if (n->irq < 0)
		return;
	arch_irq_set_masked((unsigned)n->irq, true);
	lines[n->irq] = (struct irq_line){ 0 };
	n->irq = -1;
}

void irq_fire(unsigned irq)
{
	struct irq_line *l = &lines[irq];
	l->count++;
	if (!l->ntfn)
		return;   /* nobody bound it: stays masked */
	l->pending = true;
	notification_signal(l->ntfn, 1ull << (irq % 63));
}

long irq_control(struct process *p, unsigned irq, int op)
{
	if (irq >= IRQ_LINES || !lines[irq].ntfn)
		return -ORB_EINVAL;
	if (lines[irq].owner != p)
		return -ORB_EPERM;
	if (op == 0) {
		lines[irq].pending = false;
		arch_irq_set_masked(irq, false);
	} else {
		arch_irq_set_masked(irq, op == 1);
	}
	return 0;
}

u64 irq_count(unsigned irq)
{
	return irq < IRQ_LINES ? lines[irq].count : 0;
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
