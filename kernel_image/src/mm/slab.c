/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Object caches: each struct slab hands out objects of one size, refilling its free list
 * one frame at a time (a block of frames for objects larger than a frame). Frames are
 * never returned (the object counts are bounded by `limit`), so a slab costs at most
 * limit * size bytes, rounded up to frames.
 */
#include <kernel/string.h>
#include <memlayout.h>
#include <mm/frame.h>
#include <mm/slab.h>

static bool refill(struct slab *s)
{
	unsigned order = 0;   /* a block holding at least one object (a process is > 4 KiB) */
	while (((u32)PAGE_SIZE << order) < s->size)
		order++;
	paddr_t pa = frame_alloc(order);
	if (!pa)
		return false;
	u8 *base = KERNEL_VIRT(pa);
	for (u32 off = 0; off + s->size <= ((u32)PAGE_SIZE << order); off += s->size) {
		*(void **)(base + off) = s->free;
		s->free = base + off;
	}
	return true;
}

void *slab_alloc(struct slab *s)
{
	if (s->live >= s->limit || (!s->free && !refill(s)))
		return NULL;
	void *obj = s->free;
	s->free = *(void **)obj;
	s->live++;
	memset(obj, 0, s->size);
	return obj;
}

void slab_free(struct slab *s, void *obj)
{
	*(void **)obj = s->free;
	s->free = obj;
	s->live--;
}
