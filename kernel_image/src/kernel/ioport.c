/* SPDX-License-Identifier: Apache-2.0 */
/* Port I/O: io_in* / io_out* through an IoPort capability naming a port range (spec §1.13.2). */
#include <arch/arch.h>
#include <gen/syscall_table.h>
#include <kernel/cap.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/process.h>
#include <kernel/sched.h>

/* The port `offset` into an IoPort capability's range (object_id = first | last << 16). */
static long port_of(orb_cptr_t h, u32 offset, u8 rights, unsigned width)
{
	long err;
	struct cap *c = cap_lookup(current_process(), h, ORB_OBJ_IOPORT, rights, &err);
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
