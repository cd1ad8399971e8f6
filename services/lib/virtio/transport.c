/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio over PCI, the modern interface (virtio 1.2 §4.1.4): the device describes where
 * its structures are with vendor-specific PCI capabilities (cap_vndr 0x09), each naming a
 * cfg_type, a BAR and an offset and length inside it:
 *
 *   1 common   feature bits, status, queue selection and setup (struct below)
 *   2 notify   where queue notifications are written (+ notify_off_multiplier)
 *   3 ISR      interrupt status, only needed without MSI-X
 *   4 device   the device-specific configuration (e.g. virtio-blk's capacity)
 *
 * The first capability of each type wins (§4.1.4.1: later ones are alternatives). The
 * library maps each BAR it needs once, whole; the kernel leaves the MSI-X table out.
 */
#include <orbital.h>
#include <orbital/mmio.h>
#include <orbital/virtio.h>

#define PCI_CAP_PTR 0x34
#define PCI_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define CAP_VENDOR 0x09
#define CFG_COMMON 1
#define CFG_NOTIFY 2
#define CFG_ISR 3
#define CFG_DEVICE 4

/* struct virtio_pci_common_cfg (§4.1.4.3), byte offsets. */
#define CC_DEVICE_FEATURE_SELECT 0x00
#define CC_DEVICE_FEATURE 0x04
#define CC_DRIVER_FEATURE_SELECT 0x08
#define CC_DRIVER_FEATURE 0x0C
#define CC_CONFIG_MSIX_VECTOR 0x10
#define CC_NUM_QUEUES 0x12
#define CC_DEVICE_STATUS 0x14
#define CC_CONFIG_GENERATION 0x15
#define CC_QUEUE_SELECT 0x16
#define CC_QUEUE_SIZE 0x18
#define CC_QUEUE_MSIX_VECTOR 0x1A
#define CC_QUEUE_ENABLE 0x1C
#define CC_QUEUE_NOTIFY_OFF 0x1E
#define CC_QUEUE_DESC 0x20
#define CC_QUEUE_DRIVER 0x28
#define CC_QUEUE_DEVICE 0x30
#define CC_SIZE 0x38

#define RESET_WAIT_MS 1000

static long cfg(struct virtio_dev *d, uint32_t off, uint32_t width)
{
	return orb_pci_config_read(d->pci, off, width);
}

static uint8_t status(struct virtio_dev *d)
{
	return orb_mmio_read8(d->common + CC_DEVICE_STATUS);
}

static void set_status(struct virtio_dev *d, uint8_t s)
{
	orb_mmio_write8(d->common + CC_DEVICE_STATUS, s);
}

/* The structure a capability describes, its BAR mapped; NULL if it does not fit. */
static volatile uint8_t *structure(struct virtio_dev *d, uint32_t cap, uint32_t min_len,
				   uint32_t *len_out)
{
	long bar = cfg(d, cap + 4, 1), off = cfg(d, cap + 8, 4), len = cfg(d, cap + 12, 4);
	if (bar < 0 || bar >= 6 || off < 0 || len < (long)min_len)
		return NULL;
	if (!d->bar[bar]) {
		orb_pci_bar_map_out_t o;
		long va = orb_pci_bar_map(d->pci, (uint32_t)bar, 0, &o);
		if (va < 0)
			return NULL;
		d->bar[bar] = (volatile uint8_t *)va;
		d->bar_size[bar] = o.size;
	}
	if ((uint64_t)off + (uint64_t)len > d->bar_size[bar])
		return NULL;
	if (len_out)
		*len_out = (uint32_t)len;
	return d->bar[bar] + off;
}

long virtio_open(struct virtio_dev *d, orb_cptr_t pci)
{
	*d = (struct virtio_dev){ .pci = pci, .ntfn = ORB_CAP_NONE };
	long rc = orb_pci_info(pci, &d->info, sizeof(d->info));
	if (rc < 0)
		return rc;
	if (d->info.vendor != 0x1AF4 || d->info.device < 0x1040 ||
	    !(cfg(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return -ORB_ENOENT;   /* not a modern virtio device */
	uint32_t ptr = (uint32_t)cfg(d, PCI_CAP_PTR, 1) & 0xFC;
	for (int n = 0; ptr >= 0x40 && n < 48; n++) {
		if (cfg(d, ptr, 1) == CAP_VENDOR && cfg(d, ptr + 2, 1) >= 16) {
			long type = cfg(d, ptr + 3, 1);
			if (type == CFG_COMMON && !d->common)
				d->common = structure(d, ptr, CC_SIZE, NULL);
			else if (type == CFG_NOTIFY && !d->notify && cfg(d, ptr + 2, 1) >= 20) {
				d->notify = structure(d, ptr, 2, &d->notify_len);
				d->notify_mult = (uint32_t)cfg(d, ptr + 16, 4);
			} else if (type == CFG_DEVICE && !d->device)
				d->device = structure(d, ptr, 1, &d->device_len);
		}
		ptr = (uint32_t)cfg(d, ptr + 1, 1) & 0xFC;
	}
	if (!d->common || !d->notify)
		return -ORB_ENOENT;
	long n = orb_notification_create();
	if (n < 0)
		return n;
	d->ntfn = (orb_cptr_t)n;
	virtio_reset(d);
	if (status(d) != 0)
		return -ORB_EIO;   /* the reset did not take */
	d->num_queues = orb_mmio_read16(d->common + CC_NUM_QUEUES);
	return 0;
}

void virtio_reset(struct virtio_dev *d)
{
	set_status(d, 0);
	/* §4.1.4.3.1: the reset is done when the status reads back 0 */
	for (int ms = 0; status(d) != 0 && ms < RESET_WAIT_MS; ms++)
		orb_sleep_ms(1);
}

void virtio_fail(struct virtio_dev *d)
{
	set_status(d, status(d) | VIRTIO_STATUS_FAILED);
}

long virtio_negotiate(struct virtio_dev *d, uint64_t wanted, uint64_t required)
{
	required |= 1ull << VIRTIO_F_VERSION_1;
	wanted |= required;
	set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	uint64_t offered = 0;
	for (uint32_t half = 0; half < 2; half++) {
		orb_mmio_write32(d->common + CC_DEVICE_FEATURE_SELECT, half);
		offered |= (uint64_t)orb_mmio_read32(d->common + CC_DEVICE_FEATURE) << (32 * half);
	}
	if ((offered & required) != required) {
		virtio_fail(d);
		return -ORB_ENOSYS;
	}
	d->features = offered & wanted;
	for (uint32_t half = 0; half < 2; half++) {
		orb_mmio_write32(d->common + CC_DRIVER_FEATURE_SELECT, half);
		orb_mmio_write32(d->common + CC_DRIVER_FEATURE, (uint32_t)(d->features >> (32 * half)));
	}
	set_status(d, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	if (!(status(d) & VIRTIO_STATUS_FEATURES_OK)) {   /* the device refused the subset */
		virtio_fail(d);
		return -ORB_ENOSYS;
	}
	/* no configuration-change interrupt: the drivers here do not need one */
	orb_mmio_write16(d->common + CC_CONFIG_MSIX_VECTOR, VIRTIO_MSI_NO_VECTOR);
	return 0;
}

long virtio_start(struct virtio_dev *d)
{
	long cmd = cfg(d, ORB_PCI_COMMAND, 2);
	if (cmd < 0)
		return cmd;
	long rc = orb_pci_config_write(d->pci, ORB_PCI_COMMAND, 2,
				       (uint32_t)cmd | 0x2 | ORB_PCI_COMMAND_BUS_MASTER);
	if (rc < 0)
		return rc;
	set_status(d, status(d) | VIRTIO_STATUS_DRIVER_OK);
	return (status(d) & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED)) ? -ORB_EIO : 0;
}

long virtio_config_read(struct virtio_dev *d, uint32_t offset, void *out, uint32_t len)
{
	if (!d->device || offset > d->device_len || len > d->device_len - offset)
		return -ORB_EINVAL;
	uint8_t *o = out;
	for (int tries = 0; tries < 16; tries++) {
		uint8_t gen = orb_mmio_read8(d->common + CC_CONFIG_GENERATION);
		for (uint32_t i = 0; i < len; i++)   /* bytewise: any field width is fine */
			o[i] = orb_mmio_read8(d->device + offset + i);
		if (orb_mmio_read8(d->common + CC_CONFIG_GENERATION) == gen)
			return 0;
	}
	return -ORB_EAGAIN;   /* the configuration kept changing under us */
}

/* --- queue setup (virtqueue operations are in queue.c) ------------------------------- */

long virtio_queue(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max_size,
		  uint16_t msix_entry)
{
	if (index >= d->num_queues)
		return -ORB_EINVAL;
	orb_mmio_write16(d->common + CC_QUEUE_SELECT, index);
	uint16_t size = orb_mmio_read16(d->common + CC_QUEUE_SIZE);
	if (max_size > VIRTQ_MAX_SIZE)
		max_size = VIRTQ_MAX_SIZE;
	if (size > max_size)
		size = max_size;   /* any size up to the device's will do (§4.1.4.3.2) */
	if (size == 0)
		return -ORB_ENOENT;
	struct orb_dma mem;
	long rc = orb_dma_alloc(d->pci, virtq_bytes(size), &mem);
	if (rc < 0)
		return rc;
	virtq_init(q, mem.va, size);
	q->dev = d;
	q->index = index;
	q->mem = mem;
	/* its interrupt: an MSI-X entry bound to the device's notification */
	long irq = orb_pci_irq_bind(d->pci, msix_entry, d->ntfn);
	if (irq < 0)
		return irq;
	q->irq = (uint32_t)irq;
	q->bit = 1ull << (q->irq % 63);
	orb_mmio_write16(d->common + CC_QUEUE_SIZE, size);
	orb_mmio_write16(d->common + CC_QUEUE_MSIX_VECTOR, msix_entry);
	if (orb_mmio_read16(d->common + CC_QUEUE_MSIX_VECTOR) != msix_entry)
		return -ORB_EIO;   /* the device could not take that vector */
	orb_mmio_write64(d->common + CC_QUEUE_DESC, mem.phys);
	orb_mmio_write64(d->common + CC_QUEUE_DRIVER, mem.phys + virtq_avail_at(size));
	orb_mmio_write64(d->common + CC_QUEUE_DEVICE, mem.phys + virtq_used_at(size));
	uint64_t at = (uint64_t)orb_mmio_read16(d->common + CC_QUEUE_NOTIFY_OFF) * d->notify_mult;
	if (at + 2 > d->notify_len)
		return -ORB_EIO;
	q->notify_at = (volatile uint16_t *)(d->notify + at);
	orb_mmio_write16(d->common + CC_QUEUE_ENABLE, 1);
	return 0;
}
