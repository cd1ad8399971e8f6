/* SPDX-License-Identifier: Apache-2.0 */
/* The large-transfer path: see <orbital/transfer.h> and docs/services.md. */
#include <orbital.h>
#include <orbital/transfer.h>

long orb_xfer_create(struct orb_xfer *x, uint64_t size)
{
	size = (size + 4095) & ~4095ull;
	long h = orb_shm_create(size, 0, ORB_CAP_NONE);
	if (h < 0)
		return h;
	long va = orb_shm_map((orb_cptr_t)h, 0, ORB_PROT_READ | ORB_PROT_WRITE, NULL);
	if (va < 0) {
		orb_cap_delete((orb_cptr_t)h);
		return va;
	}
	*x = (struct orb_xfer){ .shm = (orb_cptr_t)h, .data = (uint8_t *)va, .size = size };
	return 0;
}

void orb_xfer_destroy(struct orb_xfer *x)
{
	if (x->data)
		orb_mem_unmap((uint64_t)(uintptr_t)x->data, x->size);
	orb_cap_delete(x->shm);
	*x = (struct orb_xfer){ .shm = ORB_CAP_NONE };
}

long orb_xfer_lend(const struct orb_xfer *x, uint8_t rights)
{
	return orb_cap_derive(x->shm, (uint8_t)((rights & (ORB_RIGHT_READ | ORB_RIGHT_WRITE)) |
						ORB_RIGHT_GRANT), 0, 0);
}

long orb_xfer_open(orb_cptr_t cap, uint64_t offset, uint64_t length, bool write,
		   struct orb_xfer_view *v)
{
	orb_shm_map_out_t o;
	uint32_t prot = ORB_PROT_READ | (write ? ORB_PROT_WRITE : 0);
	long va = orb_shm_map(cap, 0, prot, &o);
	if (va < 0)
		return va;
	if (!length || offset > o.size || length > o.size - offset) {
		orb_mem_unmap((uint64_t)va, o.size);
		return -ORB_EINVAL;
	}
	*v = (struct orb_xfer_view){ .data = (uint8_t *)va + offset, .length = length,
				     .base = (uint64_t)va, .size = o.size };
	return 0;
}

void orb_xfer_close(struct orb_xfer_view *v)
{
	if (v->base)
		orb_mem_unmap(v->base, v->size);
	*v = (struct orb_xfer_view){ 0 };
}
