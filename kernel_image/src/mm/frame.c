/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The frame allocator: a binary buddy system over every usable frame of the boot memory
 * map, minus [reserved_start, reserved_end) (kernel image and boot archive) and its own
 * metadata.
 *
 * Metadata is one byte per frame up to the top of RAM (state[]): FREE_HEAD | order for
 * the first frame of a free block, 0 otherwise. Free blocks of each order are kept on a
 * doubly linked list threaded through the free memory itself (reached by the direct map).
 * Allocation splits the smallest sufficient block; freeing merges with the buddy while
 * the buddy is a free block of the same order (spec #59: the original never merged).
 * Every loop is bounded by FRAME_MAX_ORDER or by the frame count.
 */
#include <kernel/bootinfo.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <mm/frame.h>

#define FREE_HEAD 0x80

struct free_block {
	struct free_block *next, *prev;
};

static u8 *state;                  /* per frame */
static u64 nframes;                /* frames covered by state[] */
static struct free_block *free_list[FRAME_MAX_ORDER];
static struct frame_stats stats;

static inline u64 pfn(paddr_t pa) { return pa >> PAGE_SHIFT; }
static inline struct free_block *block(u64 f) { return KERNEL_VIRT(f << PAGE_SHIFT); }
static inline u64 block_pfn(struct free_block *b) { return pfn(KERNEL_PHYS_OF(b)); }

static void list_push(unsigned order, u64 f)
{
	struct free_block *b = block(f);
	b->prev = NULL;
	b->next = free_list[order];
	if (b->next)
		b->next->prev = b;
	free_list[order] = b;
	state[f] = FREE_HEAD | order;
}

static void list_remove(unsigned order, u64 f)
{
	struct free_block *b = block(f);
	if (b->prev)
		b->prev->next = b->next;
	else
		free_list[order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	state[f] = 0;
}

static void free_block_merge(u64 f, unsigned order)
{
	while (order < FRAME_MAX_ORDER - 1) {
		u64 buddy = f ^ (1ull << order);
		if (buddy + (1ull << order) > nframes || state[buddy] != (FREE_HEAD | order))
			break;
		list_remove(order, buddy);
		f &= ~(1ull << order);
		order++;
	}
	list_push(order, f);
}

paddr_t frame_alloc(unsigned order)
{
	if (order >= FRAME_MAX_ORDER)
		return 0;
	unsigned o = order;
	while (o < FRAME_MAX_ORDER && !free_list[o])
		o++;
	if (o == FRAME_MAX_ORDER)
		return 0;
	u64 f = block_pfn(free_list[o]);
	list_remove(o, f);
	while (o > order) {   /* split: keep the low half, free the high half */
		o--;
		list_push(o, f + (1ull << o));
	}
	stats.free -= 1ull << order;
	paddr_t pa = f << PAGE_SHIFT;
	memset(KERNEL_VIRT(pa), 0, PAGE_SIZE << order);
	return pa;
}

void frame_free(paddr_t pa, unsigned order)
{
	u64 f = pfn(pa);
	if (pa & ((PAGE_SIZE << order) - 1) || f + (1ull << order) > nframes || order >= FRAME_MAX_ORDER)
		panic("frame_free: bad block %#lx order %u", pa, order);
	if (state[f] & FREE_HEAD)
		panic("frame_free: double free of %#lx", pa);
	stats.free += 1ull << order;
	free_block_merge(f, order);
}

void frame_get_stats(struct frame_stats *out)
{
	*out = stats;
}

/* Hand [start, end) to the allocator as the largest naturally aligned blocks that fit. */
static void add_free_range(u64 start, u64 end)
{
	while (start < end) {
		unsigned order = 0;
		while (order + 1 < FRAME_MAX_ORDER && !(start & ((2ull << order) - 1)) &&
		       start + (2ull << order) <= end)
			order++;
		stats.total += 1ull << order;
		stats.free += 1ull << order;
		free_block_merge(start, order);
		start += 1ull << order;
	}
}

void frame_init(paddr_t reserved_start, paddr_t reserved_end)
{
	nframes = pfn(bootinfo.mem_top);
	u64 meta_size = ALIGN_UP(nframes, PAGE_SIZE);
	/* Place state[] in the first usable range above the reserved region that holds it. */
	paddr_t meta = 0;
	for (u32 i = 0; i < bootinfo.nusable && !meta; i++) {
		paddr_t lo = MAX(bootinfo.usable[i].base, ALIGN_UP(reserved_end, PAGE_SIZE));
		paddr_t hi = bootinfo.usable[i].base + bootinfo.usable[i].size;
		if (lo + meta_size <= hi)
			meta = lo;
	}
	if (!meta)
		panic("frame_init: no room for %lu bytes of frame metadata", meta_size);
	state = KERNEL_VIRT(meta);
	memset(state, 0, meta_size);

	for (u32 i = 0; i < bootinfo.nusable; i++) {
		u64 lo = pfn(bootinfo.usable[i].base);
		u64 hi = pfn(bootinfo.usable[i].base + bootinfo.usable[i].size);
		u64 cut[2][2] = { { pfn(reserved_start), pfn(ALIGN_UP(reserved_end, PAGE_SIZE)) },
				  { pfn(meta), pfn(meta + meta_size) } };
		/* Subtract the two reserved intervals (sorted: kernel/archive below metadata). */
		for (int c = 0; c < 2 && lo < hi; c++) {
			if (cut[c][1] <= lo || cut[c][0] >= hi)
				continue;
			if (cut[c][0] > lo)
				add_free_range(lo, cut[c][0]);
			lo = MAX(lo, cut[c][1]);
		}
		if (lo < hi)
			add_free_range(lo, hi);
	}
	stats.reserved = pfn(ALIGN_UP(reserved_end, PAGE_SIZE)) - pfn(reserved_start) +
			 meta_size / PAGE_SIZE;
	printk("frames: %lu free of %lu (%lu MiB), %lu reserved\n", stats.free, stats.total,
	       stats.total >> 8, stats.reserved);
}
