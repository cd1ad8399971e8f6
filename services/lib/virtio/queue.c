/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Split virtqueues (virtio 1.2 §2.7): the driver side.
 *
 * Free descriptors form a list threaded through their `next` fields. Adding a chain takes
 * n of them, fills them, puts the head in the next available-ring slot and, after a write
 * barrier, advances avail->idx: the device sees the entries only once they are complete.
 * The device returns chains in the used ring; popping reads used->idx, then (after a read
 * barrier) the entries below it, and puts each chain's descriptors back on the free list.
 * Many chains may be outstanding; the device may finish them in any order.
 *
 * Ring layout in the queue's DMA block (virtq_init): desc[size] | avail {flags, idx,
 * ring[size], used_event} | used {flags, idx, {id u32, len u32}[size], avail_event}.
 */
#include <orbital.h>
#include <orbital/mmio.h>
#include <orbital/virtio.h>

#define AVAIL_IDX 1          /* in 16-bit words */
#define AVAIL_RING 2
#define USED_FLAGS 0         /* in bytes */
#define USED_IDX 2
#define USED_RING 4

/* Ring offsets in the block: descriptors (align 16), available ring (2), used ring (4). */
uint64_t virtq_avail_at(uint16_t size)
{
	return 16ull * size;
}

uint64_t virtq_used_at(uint16_t size)
{
	return (virtq_avail_at(size) + 6 + 2ull * size + 3) & ~3ull;
}

uint64_t virtq_bytes(uint16_t size)
{
	return virtq_used_at(size) + 6 + 8ull * size;
}

void virtq_init(struct virtq *q, volatile uint8_t *mem, uint16_t size)
{
	*q = (struct virtq){ .size = size };
	for (uint64_t i = 0; i < virtq_bytes(size); i++)
		mem[i] = 0;
	q->desc = (volatile struct virtq_desc *)mem;
	q->avail = (volatile uint16_t *)(mem + virtq_avail_at(size));
	q->used = mem + virtq_used_at(size);
	for (uint16_t i = 0; i < size; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->nfree = size;
}

long virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned n, void *token)
{
	if (n == 0 || n > q->size)
		return -ORB_EINVAL;
	for (unsigned i = 1; i < n; i++)
		if (!bufs[i].device_writes && bufs[i - 1].device_writes)
			return -ORB_EINVAL;   /* device-readable buffers come first (§2.7.4.2) */
	if (q->nfree < n)
		return -ORB_EAGAIN;
	uint16_t head = q->free_head, i = head;
	for (unsigned k = 0; k < n; k++) {
		volatile struct virtq_desc *d = &q->desc[i];
		uint16_t next = d->next;
		d->addr = bufs[k].phys;
		d->len = bufs[k].len;
		d->flags = (uint16_t)((bufs[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
				      (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		if (k + 1 < n)
			i = next;
		else
			q->free_head = next;
	}
	q->nfree = (uint16_t)(q->nfree - n);
	q->token[head] = token;
	uint16_t idx = q->avail[AVAIL_IDX];
	q->avail[AVAIL_RING + idx % q->size] = head;
	orb_wmb();                          /* the entry before the index that publishes it */
	q->avail[AVAIL_IDX] = (uint16_t)(idx + 1);
	q->inflight++;
	return head;
}

void virtq_kick(struct virtq *q)
{
	orb_mb();                           /* avail->idx out before we read used->flags */
	if (!(orb_mmio_read16(q->used + USED_FLAGS) & VIRTQ_USED_F_NO_NOTIFY))
		orb_mmio_write16(q->notify_at, q->index);
}

void *virtq_pop(struct virtq *q, uint32_t *written)
{
	uint16_t used_idx = orb_mmio_read16(q->used + USED_IDX);
	if (used_idx == q->last_used)
		return NULL;
	orb_rmb();                          /* the index before the entries it covers */
	volatile uint8_t *e = q->used + USED_RING + 8u * (q->last_used % q->size);
	uint32_t id = orb_mmio_read32(e), len = orb_mmio_read32(e + 4);
	q->last_used++;
	if (id >= q->size || !q->token[id]) {   /* a chain we never gave it */
		*written = ~0u;
		return NULL;
	}
	void *token = q->token[id];
	q->token[id] = NULL;
	/* the chain's descriptors go back on the free list (bounded by the queue size) */
	uint16_t last = (uint16_t)id, count = 1;
	while ((q->desc[last].flags & VIRTQ_DESC_F_NEXT) && count < q->size) {
		last = q->desc[last].next;
		count++;
	}
	q->desc[last].next = q->free_head;
	q->free_head = (uint16_t)id;
	q->nfree = (uint16_t)(q->nfree + count);
	q->inflight--;
	*written = len;
	return token;
}

long virtq_ack(struct virtq *q)
{
	return orb_irq_ack(q->irq);
}

long virtio_wait(struct virtio_dev *d, struct virtq *q, uint64_t timeout_ns)
{
	long bits = orb_notification_wait(d->ntfn, timeout_ns);
	if (bits < 0)
		return bits;
	if (q)
		virtq_ack(q);
	return bits;
}
