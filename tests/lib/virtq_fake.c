/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A host harness for liborbital's split virtqueue (services/lib/virtio/queue.c): one
 * queue in ordinary memory and the device's side of it, driven by
 * tests/lib/test_virtqueue.py through ctypes. The device takes chains from the available
 * ring the way virtio 1.2 §2.7.13 says and returns them in the used ring in any order.
 */
#include <stdint.h>
#include <string.h>

#include <orbital/virtio.h>

static struct virtq q;
static uint8_t mem[65536] __attribute__((aligned(4096)));
static uint16_t notify_reg;
static uint16_t device_avail;    /* the next available-ring entry the device reads */

uint32_t notifies;

void setup(uint16_t size)
{
	virtq_init(&q, mem, size);
	q.notify_at = &notify_reg;
	notify_reg = 0xFFFF;
	device_avail = 0;
	notifies = 0;
}

long add(const struct virtq_buf *bufs, unsigned n, long token)
{
	return virtq_add(&q, bufs, n, (void *)token);
}

void kick(void)
{
	notify_reg = 0xFFFF;
	virtq_kick(&q);
	notifies += notify_reg != 0xFFFF;
}

long pop(uint32_t *written)
{
	return (long)virtq_pop(&q, written);
}

uint32_t nfree(void)
{
	return q.nfree;
}

uint32_t inflight(void)
{
	return q.inflight;
}

/* Device: the next chain made available: its head, and each descriptor's address,
 * length and flags in the arrays (at most max); returns the chain length, 0 if none. */
unsigned device_take(uint16_t *head, uint64_t *addr, uint32_t *len, uint16_t *flags,
		     unsigned max)
{
	volatile uint16_t *avail = (volatile uint16_t *)(mem + virtq_avail_at(q.size));
	if (avail[1] == device_avail)
		return 0;
	uint16_t h = avail[2 + device_avail % q.size], d = h;
	device_avail++;
	*head = h;
	unsigned n = 0;
	volatile struct virtq_desc *desc = (volatile struct virtq_desc *)mem;
	for (; n < max; n++) {
		addr[n] = desc[d].addr;
		len[n] = desc[d].len;
		flags[n] = desc[d].flags;
		if (!(desc[d].flags & VIRTQ_DESC_F_NEXT))
			return n + 1;
		d = desc[d].next;
	}
	return n;
}

/* Device: chain `id` is done, `len` bytes written. */
void device_complete(uint32_t id, uint32_t len)
{
	volatile uint8_t *used = mem + virtq_used_at(q.size);
	uint16_t idx = *(volatile uint16_t *)(used + 2);
	volatile uint32_t *e = (volatile uint32_t *)(used + 4 + 8u * (idx % q.size));
	e[0] = id;
	e[1] = len;
	*(volatile uint16_t *)(used + 2) = (uint16_t)(idx + 1);
}

void device_no_notify(uint16_t on)
{
	*(volatile uint16_t *)(mem + virtq_used_at(q.size)) = on ? VIRTQ_USED_F_NO_NOTIFY : 0;
}
