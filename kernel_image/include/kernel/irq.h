/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interrupt lines for user-space drivers: an Irq capability lets its holder bind a line
 * to a notification. When the line fires, the kernel masks it, sets bit (irq % 63) in the
 * notification, and waits for the owner's irq_ack before unmasking (spec §1.12).
 */
#pragma once

#include <kernel/types.h>

#define IRQ_LINES 24   /* I/O APIC pins, vectors 0x30 + n (spec §5.11 #57) */

struct notification;
struct process;

long irq_bind(unsigned irq, struct notification *n, struct process *owner);
void irq_unbind(struct notification *n);
/* Called by the arch layer when line `irq` fired (already masked there). */
void irq_fire(unsigned irq);
long irq_control(struct process *p, unsigned irq, int op);   /* op: 0 ack, 1 mask, 2 unmask */
u64 irq_count(unsigned irq);

/* arch: route, mask and unmask I/O APIC pins. */
void arch_irq_init(void);
void arch_irq_set_masked(unsigned irq, bool masked);
