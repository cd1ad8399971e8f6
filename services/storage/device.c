// SPDX-License-Identifier: Apache-2.0
/*
 * The disk under the engine. For now a RAM disk of RAM_SECTORS sectors, formatted at
 * start: nothing survives the process. It stands in until the virtio-blk driver's client
 * API lands; then this file opens the driver instead.
 */
#include "storage.h"

#define RAM_SECTORS (48ull * 2048)   /* 48 MiB */

static uint8_t *ram;

static int ram_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
	(void)ctx;
	if (sector + count > RAM_SECTORS)
		return -ORB_EINVAL;
	memcpy(buf, ram + sector * ORB_STORAGE_SECTOR_SIZE, (size_t)count * ORB_STORAGE_SECTOR_SIZE);
	return 0;
}

static int ram_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
	(void)ctx;
	if (sector + count > RAM_SECTORS)
		return -ORB_EINVAL;
	memcpy(ram + sector * ORB_STORAGE_SECTOR_SIZE, buf, (size_t)count * ORB_STORAGE_SECTOR_SIZE);
	return 0;
}

static int ram_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

long device_open(struct st_blkdev *dev, char *what, size_t cap)
{
	ram = orb_calloc(RAM_SECTORS, ORB_STORAGE_SECTOR_SIZE);
	if (!ram)
		return -ORB_ENOMEM;
	*dev = (struct st_blkdev){ .nsectors = RAM_SECTORS, .read = ram_read, .write = ram_write,
				   .flush = ram_flush };
	snprintf(what, cap, "a RAM disk of %llu sectors", (unsigned long long)RAM_SECTORS);
	return 0;
}
