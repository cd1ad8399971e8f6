/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The browser has no PCI bus: every configuration read answers all-ones (no function
 * there), so enumeration finds no device and no Pci capability is ever created; there is
 * no MMIO to map and no MSI to route. A device on wasm64 is the host's (console, timer).
 */
#include <arch/arch.h>
#include <mm/vm.h>

u32 arch_pci_read(u32 bdf, u32 offset, unsigned width)
{
	(void)bdf;
	(void)offset;
	return width == 4 ? 0xFFFFFFFFu : width == 2 ? 0xFFFFu : 0xFFu;
}

void arch_pci_write(u32 bdf, u32 offset, unsigned width, u32 value)
{
	(void)bdf;
	(void)offset;
	(void)width;
	(void)value;
}

void arch_msi_message(unsigned irq, u64 *addr, u32 *data)
{
	(void)irq;
	*addr = 0;
	*data = 0;
}

bool arch_mmio_reserved(paddr_t base, u64 size)
{
	(void)base;
	(void)size;
	return true;   /* nothing is device memory here */
}

void *vm_map_kernel_mmio(paddr_t pa, u64 size)
{
	(void)pa;
	(void)size;
	return NULL;
}
