/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCI on x86: configuration mechanism #1 and the MSI message format.
 *
 * Configuration space is reached through two ports: the address (bus, device, function,
 * dword offset, enable bit 31) goes to 0xCF8, then the dword appears at 0xCFC (a byte or
 * word at 0xCFC + offset % 4). This reaches the first 256 bytes of every function on both
 * of QEMU's PC machines — the header, the BARs and the capability list, MSI-X included —
 * without ACPI or an MCFG table. Only the kernel touches these ports: drivers go through
 * pci_config_read/pci_config_write on a PCI device capability, never an IoPort
 * capability on 0xCF8, which would reach every device's configuration.
 *
 * An MSI is a write of `data` to `addr`: on x86 the address 0xFEE00000 | destination
 * APIC id << 12 (physical mode, no redirection hint) and the data the vector (fixed
 * delivery, edge). IRQ numbers from IRQ_MSI_FIRST map onto vectors from VEC_MSI_BASE.
 */
#include <arch/arch.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/x86.h>
#include <kernel/irq.h>
#include <memlayout.h>
#include <orbital/abi.h>

#define PCI_ADDR_PORT 0xCF8
#define PCI_DATA_PORT 0xCFC
#define LAPIC_PHYS 0xFEE00000ul
#define LAPIC_ID 0x020
#define IOAPIC_PHYS 0xFEC00000ul

static u32 address(u32 bdf, u32 offset)
{
	return 0x80000000u | (bdf & 0xFFFF) << 8 | (offset & 0xFC);
}

u32 arch_pci_read(u32 bdf, u32 offset, unsigned width)
{
	outl(PCI_ADDR_PORT, address(bdf, offset));
	u16 port = (u16)(PCI_DATA_PORT + (offset & 3));
	return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(PCI_DATA_PORT);
}

void arch_pci_write(u32 bdf, u32 offset, unsigned width, u32 value)
{
	outl(PCI_ADDR_PORT, address(bdf, offset));
	u16 port = (u16)(PCI_DATA_PORT + (offset & 3));
	if (width == 1)
		outb(port, (u8)value);
	else if (width == 2)
		outw(port, (u16)value);
	else
		outl(PCI_DATA_PORT, value);
}

void arch_msi_message(unsigned irq, u64 *addr, u32 *data)
{
	u32 apic_id = *(volatile u32 *)((u8 *)KERNEL_VIRT(LAPIC_PHYS) + LAPIC_ID) >> 24;
	*addr = LAPIC_PHYS | (u64)apic_id << 12;
	*data = VEC_MSI_BASE + (irq - ORB_IRQ_MSI_FIRST);
}

bool arch_mmio_reserved(paddr_t base, u64 size)
{
	/* The interrupt controllers' windows: the kernel maps them itself (vm_init). */
	static const struct { paddr_t base; u64 size; } kernel_mmio[] = {
		{ IOAPIC_PHYS, 0x200000 }, { LAPIC_PHYS, 0x200000 },
	};
	for (unsigned i = 0; i < ARRAY_SIZE(kernel_mmio); i++)
		if (base < kernel_mmio[i].base + kernel_mmio[i].size &&
		    kernel_mmio[i].base < base + size)
			return true;
	return false;
}
