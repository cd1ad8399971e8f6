// SPDX-License-Identifier: Apache-2.0
/*
 * The disk under the engine: a block driver (virtio-blk, registered "blk") through
 * liborbital's block client (<orbital/blk.h>). The image gives Storage the driver's
 * endpoint in its first capability slot (`endpoint:virtio-blk:w`); without one there,
 * the registry's "blk" is used. The client repeats a request while the driver restarts,
 * so the engine sees a failure only when no driver answered for two seconds, or the
 * device failed the request.
 */
#include <orbital/blk.h>

#include "storage.h"

static struct orb_blk blk;

static int dev_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	return (int)orb_blk_read(ctx, sector, count, buf);
}

static int dev_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	return (int)orb_blk_write(ctx, sector, count, buf);
}

static int dev_flush(void *ctx)
{
	return (int)orb_blk_flush(ctx);
}

static bool is_endpoint(orb_cptr_t slot)
{
	orb_cap_info_t ci;
	return orb_cap_inspect(slot, &ci) == 0 && ci.object_type == ORB_OBJ_ENDPOINT &&
	       (ci.rights & ORB_RIGHT_WRITE);
}

long device_open(struct st_blkdev *dev, char *what, size_t cap)
{
	orb_cptr_t ep = ORB_SLOT_FIRST_CAP;
	long rc = 0;
	if (!is_endpoint(ep))
		rc = orb_lookup_service("blk", &ep, NULL, 0);
	if (rc == 0)
		rc = orb_blk_open(&blk, ep);
	if (rc < 0) {
		snprintf(what, cap, "no block driver answered (%ld)", rc);
		return rc;
	}
	if (blk.sector_size != ORB_STORAGE_SECTOR_SIZE || (blk.flags & ORB_BLK_FLAG_READ_ONLY)) {
		snprintf(what, cap, "the disk has %u-byte sectors%s", blk.sector_size,
			 blk.flags & ORB_BLK_FLAG_READ_ONLY ? " and is read-only" : "");
		return -ORB_EINVAL;
	}
	*dev = (struct st_blkdev){ .ctx = &blk, .nsectors = blk.sectors, .read = dev_read,
				   .write = dev_write, .flush = dev_flush };
	snprintf(what, cap, "%llu sectors (%llu MiB) through the block driver",
		 (unsigned long long)blk.sectors, (unsigned long long)(blk.sectors >> 11));
	return 0;
}
