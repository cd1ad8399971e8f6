/* SPDX-License-Identifier: Apache-2.0 */
/* Interrupt and port I/O syscalls, each behind its capability (spec §1.12, §1.13.2). */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/process.h>
#include <kernel/sched.h>

static struct process *self(void)
{
	return current()->proc;
}

long sys_irq_register(uint32_t irq, orb_cptr_t ntfn, orb_cptr_t irq_cap)
{
	long err;
	struct cap *ic = cap_lookup(self(), irq_cap, ORB_OBJ_IRQ, ORB_RIGHT_WRITE, &err);
	if (!ic)
		return err;
	if (ic->object_id != irq)
		return -ORB_EPERM;   /* the capability names another line */
	struct cap *nc = cap_lookup(self(), ntfn, ORB_OBJ_NOTIFICATION, ORB_RIGHT_WRITE, &err);
	if (!nc)
		return err;
	return irq_bind(irq, container_of(nc->obj, struct notification, kobj), self());
}

long sys_irq_ack(uint32_t irq)
{
	return irq_control(self(), irq, 0);
}

long sys_irq_mask(uint32_t irq)
{
	return irq_control(self(), irq, 1);
}

long sys_irq_unmask(uint32_t irq)
{
	return irq_control(self(), irq, 2);
}

/* The port `offset` into an IoPort capability's range (object_id = first | last << 16). */
static long port_of(orb_cptr_t h, u32 offset, u8 rights, unsigned width)
{
	long err;
	struct cap *c = cap_lookup(self(), h, ORB_OBJ_IOPORT, rights, &err);
	if (!c)
		return err;
	u32 first = c->object_id & 0xFFFF, last = (c->object_id >> 16) & 0xFFFF;
	if (offset > last - first || first + offset + width - 1 > last)
		return -ORB_EINVAL;
	return first + offset;
}

#define IO_IN(name, width)                                            \
	long sys_##name(orb_cptr_t port, uint32_t offset)             \
	{                                                             \
		long p = port_of(port, offset, ORB_RIGHT_READ, width); \
		return p < 0 ? p : (long)arch_port_in((u16)p, width); \
	}
#define IO_OUT(name, width)                                                      \
	long sys_##name(orb_cptr_t port, uint32_t offset, uint32_t value)        \
	{                                                                        \
		long p = port_of(port, offset, ORB_RIGHT_WRITE, width);           \
		if (p < 0)                                                       \
			return p;                                                \
		arch_port_out((u16)p, width, value);                              \
		return 0;                                                        \
	}
IO_IN(io_in8, 1)
IO_IN(io_in16, 2)
IO_IN(io_in32, 4)
IO_OUT(io_out8, 1)
IO_OUT(io_out16, 2)
IO_OUT(io_out32, 4)
