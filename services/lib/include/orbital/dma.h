/* SPDX-License-Identifier: Apache-2.0 */
/*
 * DMA memory for a driver: a shared memory object made for its PCI device (physically
 * contiguous, zeroed), mapped read-write, with the physical address the device must be
 * given. Only the driver that made it learns that address (the kernel's rule, D165).
 */
#pragma once

#include <stdint.h>

#include <orbital/abi.h>

struct orb_dma {
	orb_cptr_t cap;       /* the object, R|W|G */
	uint8_t *va;          /* mapped read-write */
	uint64_t phys;        /* physical address of va[0] */
	uint64_t size;        /* bytes (a page multiple) */
};

/* size bytes (rounded up to pages, at most ORB_SHM_DMA_MAX) for the device `pci` names. */
long orb_dma_alloc(orb_cptr_t pci, uint64_t size, struct orb_dma *out);
/* Unmap and drop it; the kernel stops the device's bus mastering before reusing it. */
void orb_dma_free(struct orb_dma *d);
