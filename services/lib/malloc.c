/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The heap: arenas of 256 KiB taken with mem_map (more for big requests), carved into
 * blocks with a size header; free blocks sit on an address-ordered list and merge with
 * their neighbours. Not thread-safe: services that use threads keep allocation on one.
 */
#include <orbital.h>

#define ARENA (256u * 1024)
#define ALIGN 16u

struct block {
	size_t size;          /* bytes including this header */
	struct block *next;   /* free list only */
};

static struct block *free_list;

static size_t round_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

static void insert_free(struct block *b)
{
	struct block **pp = &free_list;
	while (*pp && *pp < b)
		pp = &(*pp)->next;
	b->next = *pp;
	*pp = b;
	/* merge with the next, then with the previous */
	if (b->next && (char *)b + b->size == (char *)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	if (pp != &free_list) {
		struct block *prev = (struct block *)((char *)pp - offsetof(struct block, next));
		if ((char *)prev + prev->size == (char *)b) {
			prev->size += b->size;
			prev->next = b->next;
		}
	}
}

static bool grow(size_t need)
{
	size_t size = round_up(need + ALIGN, ARENA);
	long addr = (long)orb_mem_map(0, size, ORB_PROT_READ | ORB_PROT_WRITE, ORB_CAP_NONE, NULL);
	if (addr < 0)
		return false;
	struct block *b = (struct block *)addr;
	b->size = size;
	insert_free(b);
	return true;
}

void *orb_malloc(size_t n)
{
	if (n == 0 || n > (1u << 30))
		return NULL;
	size_t need = round_up(n + sizeof(struct block), ALIGN);
	for (int attempt = 0; attempt < 2; attempt++) {
		for (struct block **pp = &free_list; *pp; pp = &(*pp)->next) {
			struct block *b = *pp;
			if (b->size < need)
				continue;
			if (b->size - need >= 2 * sizeof(struct block) + ALIGN) {
				struct block *rest = (struct block *)((char *)b + need);
				rest->size = b->size - need;
				rest->next = b->next;
				b->size = need;
				*pp = rest;
			} else {
				*pp = b->next;
			}
			return (char *)b + sizeof(struct block);
		}
		if (!grow(need))
			return NULL;
	}
	return NULL;
}

void *orb_calloc(size_t n, size_t size)
{
	if (size && n > (SIZE_MAX / size))
		return NULL;
	void *p = orb_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void orb_free(void *p)
{
	if (p)
		insert_free((struct block *)((char *)p - sizeof(struct block)));
}
