/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared memory objects: plain ones (the large-transfer path: create, fill, hand a
 * narrowed capability to another process, which maps and reads it) and DMA ones (one
 * contiguous block whose physical address only its creator reads), their lifetime, and
 * the hostile cases: mapping without the right, after a revoke, as executable; reading a
 * physical address without being the creator, or past the object.
 */
#include "ktest.h"
#include "peer.h"

#define R ORB_RIGHT_READ
#define W ORB_RIGHT_WRITE
#define G ORB_RIGHT_GRANT
#define RW (ORB_PROT_READ | ORB_PROT_WRITE)
#define PAGE 4096ul

static uint64_t frames_free(void)
{
	orb_sys_info_t info;
	orb_system_info(&info, sizeof(info));
	return info.frames_free;
}

static void create_checks_its_arguments(struct kt *t)
{
	KT_ERR(t, orb_shm_create(0, 0, ORB_CAP_NONE), ORB_EINVAL);
	KT_ERR(t, orb_shm_create(100, 0, ORB_CAP_NONE), ORB_EINVAL);
	KT_ERR(t, orb_shm_create(ORB_SHM_MAX + PAGE, 0, ORB_CAP_NONE), ORB_EINVAL);
	KT_ERR(t, orb_shm_create(~0ul & ~(PAGE - 1), 0, ORB_CAP_NONE), ORB_EINVAL);
	KT_ERR(t, orb_shm_create(PAGE, 2, ORB_CAP_NONE), ORB_EINVAL);
	KT_ERR(t, orb_shm_create(PAGE, 0, KT_BLK_CAP), ORB_EINVAL);          /* plain: no device */
	KT_ERR(t, orb_shm_create(PAGE, ORB_SHM_DMA, ORB_CAP_NONE), ORB_EBADF);
	KT_ERR(t, orb_shm_create(PAGE, ORB_SHM_DMA, KT_CONSOLE_CAP), ORB_EBADF);
	KT_ERR(t, orb_shm_create(ORB_SHM_DMA_MAX + PAGE, ORB_SHM_DMA, KT_BLK_CAP), ORB_EINVAL);
}

static void an_object_maps_twice_onto_the_same_frames(struct kt *t)
{
	long h = orb_shm_create(16 * PAGE, 0, ORB_CAP_NONE);
	KT_TRUE(t, h >= 0);
	orb_cap_info_t ci;
	KT_EQ(t, orb_cap_inspect((orb_cptr_t)h, &ci), 0);
	KT_EQ(t, ci.object_type, ORB_OBJ_SHM);
	KT_EQ(t, ci.rights, R | W | G);
	orb_shm_map_out_t o;
	long a = orb_shm_map((orb_cptr_t)h, 0, RW, &o);
	KT_TRUE(t, a > 0);
	KT_EQ(t, o.size, 16 * PAGE);
	long b = orb_shm_map((orb_cptr_t)h, 0, ORB_PROT_READ, NULL);
	KT_TRUE(t, b > 0 && b != a);
	volatile uint64_t *pa = (uint64_t *)a, *pb = (uint64_t *)b;
	for (size_t i = 0; i < 16 * PAGE / 8; i += 64)
		KT_EQ(t, pa[i], 0);                       /* zeroed */
	pa[0] = 0x1122334455667788ull;
	pa[16 * PAGE / 8 - 1] = 42;
	KT_EQ(t, pb[0], 0x1122334455667788ull);
	KT_EQ(t, pb[16 * PAGE / 8 - 1], 42);
	KT_ERR(t, orb_mem_protect((uint64_t)b, PAGE, RW), ORB_EINVAL);   /* not mem_map's */
	KT_ERR(t, orb_mem_unmap((uint64_t)a, PAGE), ORB_EINVAL);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 16 * PAGE), 0);
	KT_EQ(t, orb_mem_unmap((uint64_t)b, 16 * PAGE), 0);
	uint64_t held = frames_free();
	KT_EQ(t, orb_cap_delete((orb_cptr_t)h), 0);
	KT_TRUE(t, frames_free() >= held + 16);       /* the last capability took the frames */
}

static void a_mapping_keeps_the_object_alive(struct kt *t)
{
	long h = orb_shm_create(4 * PAGE, 0, ORB_CAP_NONE);
	long a = orb_shm_map((orb_cptr_t)h, 0, RW, NULL);
	KT_TRUE(t, a > 0);
	((volatile uint8_t *)a)[100] = 7;
	uint64_t held = frames_free();
	KT_EQ(t, orb_cap_delete((orb_cptr_t)h), 0);
	KT_EQ(t, frames_free(), held);                /* nothing freed: still mapped */
	KT_EQ(t, ((volatile uint8_t *)a)[100], 7);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 4 * PAGE), 0);
	KT_TRUE(t, frames_free() >= held + 4);        /* the last mapping took the frames */
}

static void map_checks_rights_and_protection(struct kt *t)
{
	long h = orb_shm_create(PAGE, 0, ORB_CAP_NONE);
	long ro = orb_cap_derive((orb_cptr_t)h, R, 0, 0), wo = orb_cap_derive((orb_cptr_t)h, W, 0, 0);
	KT_TRUE(t, h >= 0 && ro >= 0 && wo >= 0);
	KT_ERR(t, orb_shm_map((orb_cptr_t)ro, 0, RW, NULL), ORB_EPERM);
	KT_ERR(t, orb_shm_map((orb_cptr_t)wo, 0, RW, NULL), ORB_EPERM);   /* writing reads too */
	KT_ERR(t, orb_shm_map((orb_cptr_t)h, 0, ORB_PROT_READ | ORB_PROT_EXEC, NULL), ORB_EINVAL);
	KT_ERR(t, orb_shm_map((orb_cptr_t)h, 0, ORB_PROT_WRITE, NULL), ORB_EINVAL);
	KT_ERR(t, orb_shm_map((orb_cptr_t)h, 0, 0, NULL), ORB_EINVAL);
	KT_ERR(t, orb_shm_map((orb_cptr_t)h, 0x1001, ORB_PROT_READ, NULL), ORB_EINVAL);
	KT_ERR(t, orb_shm_map((orb_cptr_t)h, KERNEL_ADDR, ORB_PROT_READ, NULL), ORB_EINVAL);
	KT_ERR(t, orb_shm_map((orb_cptr_t)h, 0x400000, ORB_PROT_READ, NULL), ORB_EEXIST);
	KT_ERR(t, orb_shm_map(KT_CONSOLE_CAP, 0, ORB_PROT_READ, NULL), ORB_EBADF);
	long a = orb_shm_map((orb_cptr_t)ro, 0, ORB_PROT_READ, NULL);
	KT_TRUE(t, a > 0);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, PAGE), 0);
	orb_cap_delete((orb_cptr_t)ro);
	orb_cap_delete((orb_cptr_t)wo);
	orb_cap_delete((orb_cptr_t)h);
}

/* The large-transfer path: a client fills an object and hands a read-only copy over. */
static void a_peer_reads_what_was_shared_and_cannot_write(struct kt *t)
{
	long h = orb_shm_create(8 * PAGE, 0, ORB_CAP_NONE);
	long a = orb_shm_map((orb_cptr_t)h, 0, RW, NULL);
	KT_TRUE(t, a > 0);
	((volatile uint64_t *)a)[0] = 0xC0FFEE;
	((volatile uint64_t *)(a + 5 * PAGE))[3] = 0xBEEF;
	long ro = orb_cap_derive((orb_cptr_t)h, R | G, 0, 0);
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, (orb_cptr_t)ro, R, notify);
	KT_TRUE(t, pid > 1);
	long rc = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_SHM_MAP, RW, &rc), 0);
	KT_EQ(t, rc, -ORB_EPERM);
	KT_EQ(t, kt_peer_order(ep, PEER_SHM_MAP, ORB_PROT_READ, &rc), 0);
	KT_TRUE(t, rc > 0);
	KT_EQ(t, kt_peer_order(ep, PEER_LOAD, 0, &rc), 0);
	KT_EQ(t, rc, 0xC0FFEE);
	KT_EQ(t, kt_peer_order(ep, PEER_LOAD, 5 * PAGE + 24, &rc), 0);
	KT_EQ(t, rc, 0xBEEF);
	((volatile uint64_t *)a)[0] = 0xD00D;         /* the same frames, not a copy */
	KT_EQ(t, kt_peer_order(ep, PEER_LOAD, 0, &rc), 0);
	KT_EQ(t, rc, 0xD00D);
	KT_EQ(t, kt_peer_order(ep, PEER_SHM_PHYS, 0, &rc), 0);
	KT_EQ(t, rc, -ORB_EINVAL);                    /* plain memory has no physical address */
	KT_EQ(t, kt_peer_last(ep, PEER_STORE, 8), 0); /* a read-only mapping: write faults */
	KT_EQ(t, kt_child_faulted(notify, pid), 0);
	KT_EQ(t, ((volatile uint64_t *)a)[1], 0);     /* and nothing was written */
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 8 * PAGE), 0);
	orb_cap_delete((orb_cptr_t)ro);
	orb_cap_delete((orb_cptr_t)h);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

static void a_revoked_object_no_longer_maps(struct kt *t)
{
	long h = orb_shm_create(PAGE, 0, ORB_CAP_NONE);
	long copy = orb_cap_derive((orb_cptr_t)h, R | W | G, 0, 0);
	orb_cptr_t ep = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, (orb_cptr_t)copy, R, ORB_CAP_NONE);
	KT_TRUE(t, pid > 1);
	long rc = 0;
	KT_EQ(t, kt_peer_order(ep, PEER_INSPECT, 1, &rc), 0);
	KT_EQ(t, rc, R);
	KT_EQ(t, orb_cap_revoke((orb_cptr_t)h), 0);   /* every copy, the peer's included */
	KT_EQ(t, kt_peer_order(ep, PEER_SHM_MAP, ORB_PROT_READ, &rc), 0);
	KT_TRUE(t, rc == -ORB_ESTALE || rc == -ORB_EBADF);
	KT_EQ(t, kt_peer_order(ep, PEER_EXIT, 0, &rc), 0);
	KT_ERR(t, orb_cap_inspect((orb_cptr_t)copy, NULL), ORB_ESTALE);
	orb_cap_delete((orb_cptr_t)h);
	orb_endpoint_destroy(ep);
}

static void dma_memory_is_contiguous_and_its_address_private(struct kt *t)
{
	long h = orb_shm_create(4 * PAGE, ORB_SHM_DMA, KT_BLK_CAP);
	KT_TRUE(t, h >= 0);
	long p0 = orb_shm_phys((orb_cptr_t)h, 0);
	KT_TRUE(t, p0 > 0 && !(p0 & (PAGE - 1)));
	KT_TRUE(t, p0 + 4 * PAGE <= 0x100000000l);   /* RAM below 4 GiB (D16) */
	for (uint64_t off = 0; off < 4 * PAGE; off += PAGE)
		KT_EQ(t, orb_shm_phys((orb_cptr_t)h, off + 12), p0 + (long)off + 12);
	KT_ERR(t, orb_shm_phys((orb_cptr_t)h, 4 * PAGE), ORB_EINVAL);   /* past its end */
	KT_ERR(t, orb_shm_phys((orb_cptr_t)h, ~0ull), ORB_EINVAL);
	long plain = orb_shm_create(PAGE, 0, ORB_CAP_NONE);
	KT_ERR(t, orb_shm_phys((orb_cptr_t)plain, 0), ORB_EINVAL);
	KT_ERR(t, orb_shm_phys(KT_BLK_CAP, 0), ORB_EBADF);
	long a = orb_shm_map((orb_cptr_t)h, 0, RW, NULL);
	KT_TRUE(t, a > 0);
	((volatile uint32_t *)a)[1] = 0xD3A;
	/* another process holding a copy maps it but never learns where it is */
	long copy = orb_cap_derive((orb_cptr_t)h, R | W | G, 0, 0);
	orb_cptr_t ep = kt_endpoint(NULL), notify = kt_endpoint(NULL);
	long pid = kt_spawn_peer(ep, (orb_cptr_t)copy, R | W, notify);
	long rc = 0;
	KT_TRUE(t, pid > 1);
	KT_EQ(t, kt_peer_order(ep, PEER_SHM_PHYS, 0, &rc), 0);
	KT_EQ(t, rc, -ORB_EPERM);
	KT_EQ(t, kt_peer_order(ep, PEER_SHM_MAP, RW, &rc), 0);
	KT_TRUE(t, rc > 0);
	KT_EQ(t, kt_peer_order(ep, PEER_LOAD, 0, &rc), 0);
	KT_EQ(t, rc >> 32, 0xD3A);
	/* past the object's pages there is nothing: DMA memory ends where it ends */
	KT_EQ(t, kt_peer_last(ep, PEER_LOAD, 4 * PAGE), 0);
	KT_EQ(t, kt_child_faulted(notify, pid), 0);
	KT_EQ(t, orb_mem_unmap((uint64_t)a, 4 * PAGE), 0);
	orb_cap_delete((orb_cptr_t)copy);
	orb_cap_delete((orb_cptr_t)plain);
	long cmd = orb_pci_config_read(KT_BLK_CAP, ORB_PCI_COMMAND, 2);
	KT_EQ(t, orb_pci_config_write(KT_BLK_CAP, ORB_PCI_COMMAND, 2,
				      (uint32_t)cmd | ORB_PCI_COMMAND_BUS_MASTER), 0);
	uint64_t held = frames_free();
	KT_EQ(t, orb_cap_delete((orb_cptr_t)h), 0);
	/* the block is gone from the object but not free: the device's bus mastering is
	 * off and the block waits until a driver (which has reset it) turns it on again */
	KT_EQ(t, frames_free(), held);
	cmd = orb_pci_config_read(KT_BLK_CAP, ORB_PCI_COMMAND, 2);
	KT_EQ(t, cmd & ORB_PCI_COMMAND_BUS_MASTER, 0);
	KT_EQ(t, orb_pci_config_write(KT_BLK_CAP, ORB_PCI_COMMAND, 2,
				      (uint32_t)cmd | ORB_PCI_COMMAND_BUS_MASTER), 0);
	KT_EQ(t, frames_free(), held + 4);
	KT_EQ(t, orb_pci_config_write(KT_BLK_CAP, ORB_PCI_COMMAND, 2, (uint32_t)cmd), 0);
	orb_endpoint_destroy(ep);
	orb_endpoint_destroy(notify);
}

static void the_largest_object_maps_whole(struct kt *t)
{
	long h = orb_shm_create(ORB_SHM_MAX, 0, ORB_CAP_NONE);
	KT_TRUE(t, h >= 0);
	long a = orb_shm_map((orb_cptr_t)h, 0, RW, NULL);
	KT_TRUE(t, a > 0);
	((volatile uint8_t *)a)[ORB_SHM_MAX - 1] = 1;
	KT_EQ(t, orb_mem_unmap((uint64_t)a, ORB_SHM_MAX), 0);
	KT_EQ(t, orb_cap_delete((orb_cptr_t)h), 0);
}

const struct kcase kt_shm_cases[] = {
	{ "shm: create checks its arguments", create_checks_its_arguments },
	{ "shm: an object maps twice onto the same frames", an_object_maps_twice_onto_the_same_frames },
	{ "shm: a mapping keeps the object alive", a_mapping_keeps_the_object_alive },
	{ "shm: map checks rights and protection", map_checks_rights_and_protection },
	{ "shm: a peer reads what was shared, cannot write",
	  a_peer_reads_what_was_shared_and_cannot_write },
	{ "shm: a revoked object no longer maps", a_revoked_object_no_longer_maps },
	{ "shm: DMA memory is contiguous, its address private",
	  dma_memory_is_contiguous_and_its_address_private },
	{ "shm: the largest object maps whole", the_largest_object_maps_whole },
};
const size_t kt_shm_count = ORB_ARRAY_SIZE(kt_shm_cases);
