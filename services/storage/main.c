// SPDX-License-Identifier: Apache-2.0
/*
 * The Storage service: use the host's own store if the machine has one (the browser's
 * IndexedDB, backend.c); otherwise open the disk, mount it (the check and replay of
 * docs/storage-format.md, reported in one line, with one more line per finding), then
 * register as "storage" and serve (requests.c) until init stops it.
 *
 * A disk whose two superblock sectors are all zeros has never been written: it is
 * formatted first (D203). Any other disk that does not mount is left as it is — the
 * service says why and exits, so nothing is ever written over data it could not read.
 *
 * When a device write or flush fails, the engine takes no more writes (its head is
 * uncertain, D129): the request is answered BackendError and the disk is mounted again
 * before the next one, which replays whatever did reach it (D204).
 */
#include "storage.h"

static const char *problem_name(uint32_t kind)
{
	switch (kind) {
	case ORB_STORAGE_PROBLEM_SUPERBLOCK:
		return "superblock copy damaged";
	case ORB_STORAGE_PROBLEM_TORN:
		return "torn write discarded (not damage)";
	case ORB_STORAGE_PROBLEM_DAMAGED_VALUE:
		return "damaged value";
	case ORB_STORAGE_PROBLEM_LOST:
		return "unreadable records";
	case ORB_STORAGE_PROBLEM_LOST_END:
		return "unreadable records at the end of the log";
	default:
		return "problem";
	}
}

static void print_report(const struct st_report *r)
{
	orb_printf("storage: mounted: generation %llu, %llu records replayed, %llu keys, %llu "
		   "expired, %llu log sectors; check: %u findings, %u damage\n",
		   (unsigned long long)r->generation, (unsigned long long)r->records,
		   (unsigned long long)r->keys, (unsigned long long)r->expired,
		   (unsigned long long)r->log_sectors, r->nproblems, r->damage);
	for (uint32_t i = 0; i < r->nproblems && i < ST_MAX_PROBLEMS; i++) {
		const struct st_problem *p = &r->problems[i];
		if (p->kind == ORB_STORAGE_PROBLEM_SUPERBLOCK)
			orb_printf("storage: check: %s: copy %llu\n", problem_name(p->kind),
				   (unsigned long long)p->where);
		else
			orb_printf("storage: check: %s: log offset %llu, seq %llu..%llu\n",
				   problem_name(p->kind), (unsigned long long)p->where,
				   (unsigned long long)p->first, (unsigned long long)p->last);
	}
	if (r->nproblems > ST_MAX_PROBLEMS)
		orb_printf("storage: check: %u more findings not shown\n",
			   r->nproblems - ST_MAX_PROBLEMS);
}

/* Whether both superblock sectors are all zeros (a disk never written). */
static bool blank(const struct st_blkdev *dev)
{
	static uint8_t sector[ORB_STORAGE_SECTOR_SIZE];
	for (uint64_t s = 0; s < ORB_STORAGE_SB_COPIES; s++) {
		if (dev->read(dev->ctx, s, 1, sector) < 0)
			return false;
		for (size_t i = 0; i < sizeof(sector); i++)
			if (sector[i])
				return false;
	}
	return true;
}

static bool mount(const struct st_blkdev *dev)
{
	if (blank(dev)) {
		uint64_t id = orb_cycles() ^ (orb_now_ns() << 17) ^ ((uint64_t)orb_pid() << 48);
		if (st_format(dev, id) < 0) {
			orb_printf("storage: formatting the blank disk failed\n");
			return false;
		}
		orb_printf("storage: the disk was blank: formatted (%llu sectors)\n",
			   (unsigned long long)dev->nsectors);
	}
	struct st_report report;
	if (st_mount(&storage_engine, dev, orb_now_ns(), &report) < 0) {
		orb_printf("storage: cannot mount the disk: %s\n", report.error);
		print_report(&report);
		return false;
	}
	print_report(&report);
	return true;
}

static struct st_blkdev dev;

void storage_remount(void)
{
	orb_printf("storage: the disk failed a request (%s): mounting it again\n",
		   st_reason(storage_engine));
	st_unmount(storage_engine);
	storage_engine = NULL;
	if (!mount(&dev))
		orb_exit_process(3);
}

int main(void)
{
	char what[96];
	static const struct orb_service svc = { .type = "storage", .version = ORB_SERVICE_VERSION,
						.handle = storage_handle };
	if (backend_open_host(what, sizeof(what))) {   /* the browser's IndexedDB */
		orb_printf("storage: the host's store: %s\n", what);
		return orb_service_run(&svc);
	}
	long rc = device_open(&dev, what, sizeof(what));
	if (rc < 0) {
		orb_printf("storage: no disk: %s\n", what);
		return 2;
	}
	orb_printf("storage: disk: %s\n", what);
	if (!mount(&dev))
		return 2;
	return orb_service_run(&svc);
}
