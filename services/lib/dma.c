/* SPDX-License-Identifier: Apache-2.0 */
#include <orbital.h>
#include <orbital/dma.h>

long orb_dma_alloc(orb_cptr_t pci, uint64_t size, struct orb_dma *out)
{
	size = (size + 4095) & ~4095ull;
	long h = orb_shm_create(size, ORB_SHM_DMA, pci);
	if (h < 0)
		return h;
	long va = orb_shm_map((orb_cptr_t)h, 0, ORB_PROT_READ | ORB_PROT_WRITE, NULL);
	long pa = va < 0 ? va : orb_shm_phys((orb_cptr_t)h, 0);
	if (pa < 0) {
		if (va > 0)
			orb_mem_unmap((uint64_t)va, size);
		orb_cap_delete((orb_cptr_t)h);
		return pa;
	}
	*out = (struct orb_dma){ .cap = (orb_cptr_t)h, .va = (uint8_t *)va, .phys = (uint64_t)pa,
				 .size = size };
	return 0;
}

void orb_dma_free(struct orb_dma *d)
{
	if (d->va)
		orb_mem_unmap((uint64_t)(uintptr_t)d->va, d->size);
	orb_cap_delete(d->cap);
	*d = (struct orb_dma){ .cap = ORB_CAP_NONE };
}
