/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PCI device capabilities (pci_info, pci_config_read/write, pci_bar_map, pci_irq_bind),
 * against the virtio-blk and virtio-rng of the `devices` QEMU profile, and what a driver
 * must not be able to do with them: write a BAR or the MSI-X capability, map the MSI-X
 * table, map a BAR that is not there, use a capability without the right.
 */
#include "ktest.h"
#include "peer.h"

#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE
#define G ORB_RIGHT_GRANT
#define PAGE 4096ul
#define VIRTIO_BLK 0x1042
#define VIRTIO_RNG 0x1044
#define CAP_VENDOR 0x09
#define CAP_MSIX 0x11
#define VIRTIO_CAP_COMMON 1

static long cfg(orb_cptr_t dev, uint32_t off, uint32_t width)
{
	return orb_pci_config_read(dev, off, width);
}

/* Config offset of the first capability with `id` (and virtio cfg_type `type` for vendor
 * capabilities), or 0. */
static uint32_t find_cap(orb_cptr_t dev, uint8_t id, uint8_t type)
{
	uint32_t ptr = (uint32_t)cfg(dev, 0x34, 1) & 0xFC;
	for (int n = 0; ptr >= 0x40 && n < 48; n++) {
		if (cfg(dev, ptr, 1) == id && (id != CAP_VENDOR || cfg(dev, ptr + 3, 1) == type))
			return ptr;
		ptr = (uint32_t)cfg(dev, ptr + 1, 1) & 0xFC;
	}
	return 0;
}

static void info_describes_the_virtio_devices(struct kt *t)
{
	orb_pci_info_t b, r;
	KT_EQ(t, orb_pci_info(KT_BLK_CAP, &b, sizeof(b)), sizeof(b));
	KT_EQ(t, b.vendor, 0x1af4);
	KT_EQ(t, b.device, VIRTIO_BLK);
	KT_EQ(t, b.class_code, 1);                  /* mass storage */
	KT_EQ(t, b.msix_entries, 2);                /* config + one queue */
	KT_TRUE(t, (b.bar_flags[4] & (ORB_PCI_BAR_MEM | ORB_PCI_BAR_64 | ORB_PCI_BAR_MAPPABLE)) ==
		   (ORB_PCI_BAR_MEM | ORB_PCI_BAR_64 | ORB_PCI_BAR_MAPPABLE));
	KT_EQ(t, b.bar_size[4], 16384);
	KT_EQ(t, b.bar_size[0], 0);
	KT_EQ(t, orb_pci_info(KT_RNG_CAP, &r, sizeof(r)), sizeof(r));
	KT_EQ(t, r.device, VIRTIO_RNG);
	KT_TRUE(t, r.bdf != b.bdf);
	orb_cap_info_t ci;
	KT_EQ(t, orb_cap_inspect(KT_BLK_CAP, &ci), 0);
	KT_EQ(t, ci.object_type, ORB_OBJ_PCI_DEVICE);
	KT_EQ(t, ci.object_id, b.bdf);              /* the capability names bus:dev.fn */
	KT_ERR(t, orb_pci_info(KT_BLK_CAP, &b, sizeof(b) - 1), ORB_EOVERFLOW);
	KT_ERR(t, orb_pci_info(KT_CONSOLE_CAP, &b, sizeof(b)), ORB_EBADF);
	KT_ERR(t, orb_pci_info(KT_BLK_CAP, (void *)KERNEL_ADDR, sizeof(b)), ORB_EINVAL);
}

static void config_reads_are_checked(struct kt *t)
{
	KT_EQ(t, cfg(KT_BLK_CAP, 0, 4), 0x1af4 | (long)VIRTIO_BLK << 16);
	KT_EQ(t, cfg(KT_BLK_CAP, 2, 2), VIRTIO_BLK);
	KT_EQ(t, cfg(KT_BLK_CAP, 1, 1), 0x1a);
	KT_TRUE(t, cfg(KT_BLK_CAP, 252, 4) >= 0);
	KT_ERR(t, cfg(KT_BLK_CAP, 0, 3), ORB_EINVAL);
	KT_ERR(t, cfg(KT_BLK_CAP, 2, 4), ORB_EINVAL);      /* unaligned */
	KT_ERR(t, cfg(KT_BLK_CAP, 256, 1), ORB_EINVAL);
	KT_ERR(t, cfg(KT_BLK_CAP, 0xFFFFFFFC, 4), ORB_EINVAL);
	KT_ERR(t, cfg(KT_IOPORT_CAP, 0, 4), ORB_EBADF);
}

static void only_the_command_register_is_writable(struct kt *t)
{
	orb_cptr_t d = KT_BLK_CAP;
	long bar4 = cfg(d, 0x20, 4), cmd = cfg(d, ORB_PCI_COMMAND, 2);
	KT_TRUE(t, bar4 > 0 && cmd >= 0);
	/* a BAR (to aim it at RAM or another device), the expansion ROM, the MSI-X capability
	 * (to aim interrupts anywhere), the vendor capabilities, the header: all refused */
	KT_ERR(t, orb_pci_config_write(d, 0x20, 4, 0x1000), ORB_EPERM);
	KT_ERR(t, orb_pci_config_write(d, 0x10, 4, 0xFFFFFFFF), ORB_EPERM);
	KT_ERR(t, orb_pci_config_write(d, 0x30, 4, 1), ORB_EPERM);
	uint32_t msix = find_cap(d, CAP_MSIX, 0);
	KT_TRUE(t, msix != 0);
	KT_ERR(t, orb_pci_config_write(d, msix + 2, 2, 0x8000), ORB_EPERM);
	KT_ERR(t, orb_pci_config_write(d, find_cap(d, CAP_VENDOR, VIRTIO_CAP_COMMON) + 4, 1, 0),
	       ORB_EPERM);
	KT_ERR(t, orb_pci_config_write(d, ORB_PCI_COMMAND, 4, cmd), ORB_EPERM);   /* + status */
	KT_ERR(t, orb_pci_config_write(d, ORB_PCI_COMMAND, 1, cmd), ORB_EPERM);
	KT_ERR(t, orb_pci_config_write(d, 0x3D, 1, 1), ORB_EPERM);
	KT_ERR(t, orb_pci_config_write(d, 5, 2, 0), ORB_EINVAL);
	KT_EQ(t, cfg(d, 0x20, 4), bar4);                  /* nothing moved */
	/* the command register: only I/O, memory, bus master and INTx disable change */
	KT_EQ(t, orb_pci_config_write(d, ORB_PCI_COMMAND, 2, 0xFFFF), 0);
	long now = cfg(d, ORB_PCI_COMMAND, 2);
	KT_EQ(t, now & ~ORB_PCI_COMMAND_WRITABLE, cmd & ~ORB_PCI_COMMAND_WRITABLE);
	KT_TRUE(t, now & ORB_PCI_COMMAND_BUS_MASTER);
	KT_EQ(t, orb_pci_config_write(d, ORB_PCI_COMMAND, 2, (uint32_t)cmd), 0);
	KT_EQ(t, cfg(d, ORB_PCI_COMMAND, 2), cmd);
}

static void a_read_only_device_capability_reads_only(struct kt *t)
{
	long r = orb_cap_derive(KT_BLK_CAP, R, 0, 0);
	KT_TRUE(t, r >= 0);
	orb_cptr_t d = (orb_cptr_t)r;
	orb_pci_info_t info;
	KT_EQ(t, orb_pci_info(d, &info, sizeof(info)), sizeof(info));
	KT_EQ(t, cfg(d, 0, 2), 0x1af4);
	KT_ERR(t, orb_pci_config_write(d, ORB_PCI_COMMAND, 2, 0), ORB_EPERM);
	KT_ERR(t, orb_pci_bar_map(d, 4, 0, NULL), ORB_EPERM);
	long n = orb_notification_create();
	KT_ERR(t, orb_pci_irq_bind(d, 0, (orb_cptr_t)n), ORB_EPERM);
	KT_ERR(t, orb_shm_create(PAGE, ORB_SHM_DMA, d), ORB_EPERM);
	long w = orb_cap_derive(KT_BLK_CAP, W, 0, 0);
	KT_ERR(t, orb_pci_info((orb_cptr_t)w, &info, sizeof(info)), ORB_EPERM);
	orb_cap_delete((orb_cptr_t)n);
	orb_cap_delete((orb_cptr_t)w);
	orb_cap_delete(d);
}

static void a_bar_maps_uncached_onto_the_device(struct kt *t)
{
	orb_cptr_t d = KT_BLK_CAP;
	uint32_t common = find_cap(d, CAP_VENDOR, VIRTIO_CAP_COMMON);
	KT_TRUE(t, common != 0);
	KT_EQ(t, cfg(d, common + 4, 1), 4);               /* QEMU: in BAR 4 */
	uint32_t off = (uint32_t)cfg(d, common + 8, 4);
	orb_pci_bar_map_out_t o;
	long va = orb_pci_bar_map(d, 4, 0, &o);
	KT_TRUE(t, va > 0 && !(va & (PAGE - 1)));
	KT_EQ(t, o.size, 16384);
	volatile uint32_t *cc = (volatile uint32_t *)(va + off);
	cc[0] = 1;                                        /* device_feature_select: bits 32.. */
	KT_TRUE(t, cc[1] & 1);                            /* VIRTIO_F_VERSION_1 */
	KT_TRUE(t, *(volatile uint16_t *)(va + off + 0x12) >= 1);   /* num_queues */
	KT_ERR(t, orb_pci_bar_map(d, 4, (uint64_t)va, NULL), ORB_EEXIST);
	KT_ERR(t, orb_mem_unmap((uint64_t)va, PAGE), ORB_EINVAL);   /* the whole BAR or nothing */
	KT_ERR(t, orb_mem_protect((uint64_t)va, PAGE, ORB_PROT_READ), ORB_EINVAL);
	KT_EQ(t, orb_mem_unmap((uint64_t)va, 16384), 0);
	uint64_t at = 0x0000300000000000ull;
	KT_EQ(t, orb_pci_bar_map(d, 4, at, NULL), (long)at);           /* a chosen address */
	KT_TRUE(t, *(volatile uint16_t *)(at + off + 0x12) >= 1);
	KT_EQ(t, orb_mem_unmap(at, 16384), 0);
}

static void only_mappable_bars_map(struct kt *t)
{
	orb_cptr_t d = KT_BLK_CAP;
	KT_ERR(t, orb_pci_bar_map(d, 0, 0, NULL), ORB_EINVAL);    /* absent */
	KT_ERR(t, orb_pci_bar_map(d, 5, 0, NULL), ORB_EINVAL);    /* top half of 64-bit BAR 4 */
	KT_ERR(t, orb_pci_bar_map(d, 6, 0, NULL), ORB_EINVAL);
	KT_ERR(t, orb_pci_bar_map(d, 0xFFFFFFFF, 0, NULL), ORB_EINVAL);
	KT_ERR(t, orb_pci_bar_map(d, 4, 0x1234, NULL), ORB_EINVAL);
	KT_ERR(t, orb_pci_bar_map(d, 4, KERNEL_ADDR, NULL), ORB_EINVAL);
	KT_ERR(t, orb_pci_bar_map(d, 4, 0x400000, NULL), ORB_EEXIST);   /* over the program */
	KT_ERR(t, orb_pci_bar_map(KT_CONSOLE_CAP, 4, 0, NULL), ORB_EBADF);
}

/* BAR 1 of a QEMU virtio device is its MSI-X table and pending bits, one page: mapping it
 * gives a range with that page left out, and a driver touching it dies. */
static void the_msix_table_is_never_mapped(struct kt *t)
{
	orb_pci_info_t info;
	KT_EQ(t, orb_pci_info(KT_BLK_CAP, &info, sizeof(info)), sizeof(info));
	KT_EQ(t, info.bar_size[1], PAGE);
	KT_TRUE(t, info.bar_flags[1] & ORB_PCI_BAR_MAPPABLE);
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, KT_BLK_CAP, R | W, notify);
	KT_TRUE(t, pid > 1);
	long va = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_BAR_MAP, 1, &va), 0);
	KT_TRUE(t, va > 0);
	KT_EQ(t, kt_peer_last(ep, PEER_LOAD, 0), 0);      /* read the table: a fault */
	KT_EQ(t, kt_child_faulted(notify, pid), 0);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

/* A driver holding one device's capability reaches nothing of another device. */
static void a_driver_reaches_only_its_own_device(struct kt *t)
{
	orb_cptr_t ep = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, KT_RNG_CAP, R | W, ORB_CAP_NONE);
	KT_TRUE(t, pid > 1);
	long va = 0, rc = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_BAR_MAP, 4, &va), 0);
	KT_TRUE(t, va > 0);                               /* its own BAR: yes */
	KT_EQ(t, kt_peer_order(ep, PEER_INSPECT, KT_BLK_CAP, &rc), 0);
	KT_EQ(t, rc, -ORB_EBADF);                         /* the disk: no handle at all */
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &rc), 0);
	orb_endpoint_destroy(ep);
}

static void msix_entries_bind_to_notifications(struct kt *t)
{
	orb_cptr_t d = KT_RNG_CAP;
	long n = orb_notification_create(), m = orb_notification_create();
	KT_TRUE(t, n >= 0 && m >= 0);
	long irq = orb_pci_irq_bind(d, 0, (orb_cptr_t)n);
	KT_TRUE(t, irq >= ORB_IRQ_MSI_FIRST && irq < ORB_IRQ_MSI_FIRST + ORB_IRQ_MSI_COUNT);
	KT_ERR(t, orb_pci_irq_bind(d, 0, (orb_cptr_t)m), ORB_EBUSY);
	KT_ERR(t, orb_pci_irq_bind(d, 2, (orb_cptr_t)m), ORB_EINVAL);   /* the table has 2 */
	KT_ERR(t, orb_pci_irq_bind(d, 0xFFFFFFFF, (orb_cptr_t)m), ORB_EINVAL);
	KT_ERR(t, orb_pci_irq_bind(d, 1, KT_CONSOLE_CAP), ORB_EBADF);
	long irq2 = orb_pci_irq_bind(d, 1, (orb_cptr_t)n);   /* two lines, one notification */
	KT_TRUE(t, irq2 >= ORB_IRQ_MSI_FIRST && irq2 != irq);
	KT_EQ(t, orb_irq_ack((uint32_t)irq), 0);
	KT_EQ(t, orb_irq_mask((uint32_t)irq), 0);
	KT_EQ(t, orb_irq_unmask((uint32_t)irq), 0);
	KT_EQ(t, orb_notification_poll((orb_cptr_t)n), 0);   /* nothing fired */
	/* the MSI-X enable bit is the kernel's doing */
	uint32_t msix = find_cap(d, CAP_MSIX, 0);
	KT_TRUE(t, cfg(d, msix + 2, 2) & 0x8000);
	/* another process cannot acknowledge our line */
	orb_cptr_t ep = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, ORB_CAP_NONE, 0, ORB_CAP_NONE);
	long rc = 0;
	KT_TRUE(t, pid > 1);
	KT_EQ(t, kt_peer_order(ep, PEER_IRQ_ACK, (uint64_t)irq, &rc), 0);
	KT_EQ(t, rc, -ORB_EPERM);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &rc), 0);
	orb_endpoint_destroy(ep);
	/* deleting the notification unbinds both entries: they bind again */
	KT_EQ(t, orb_cap_delete((orb_cptr_t)n), 0);
	KT_ERR(t, orb_irq_ack((uint32_t)irq), ORB_EINVAL);
	long again = orb_pci_irq_bind(d, 0, (orb_cptr_t)m);
	KT_TRUE(t, again >= ORB_IRQ_MSI_FIRST);
	KT_TRUE(t, orb_pci_irq_bind(d, 1, (orb_cptr_t)m) >= ORB_IRQ_MSI_FIRST);
	KT_EQ(t, orb_cap_delete((orb_cptr_t)m), 0);
}

const struct kcase kt_dev_cases[] = {
	{ "pci: info describes the virtio devices", info_describes_the_virtio_devices },
	{ "pci: config reads are checked", config_reads_are_checked },
	{ "pci: only the command register is writable", only_the_command_register_is_writable },
	{ "pci: a read-only capability reads only", a_read_only_device_capability_reads_only },
	{ "pci: a BAR maps onto the device", a_bar_maps_uncached_onto_the_device },
	{ "pci: only mappable BARs map", only_mappable_bars_map },
	{ "pci: the MSI-X table is never mapped", the_msix_table_is_never_mapped },
	{ "pci: a driver reaches only its own device", a_driver_reaches_only_its_own_device },
	{ "pci: MSI-X entries bind to notifications", msix_entries_bind_to_notifications },
};
const size_t kt_dev_count = ORB_ARRAY_SIZE(kt_dev_cases);
