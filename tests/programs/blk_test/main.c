/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blk-test: find the "blk" service, say what the device is, then run the stages (the
 * barrier stage alone when the process is named "blk-barrier"). Every
 * stage prints "blk-test: STAGE: ..." and returns 0 when it passed.
 */
#include "blktest.h"

orb_cptr_t blk_ep;

int main(void)
{
	orb_send_ready();
	long rc = orb_lookup_service("blk", &blk_ep, NULL, 0);
	if (rc < 0) {
		orb_printf("blk-test: no blk service: %ld\n", rc);
		return 1;
	}
	struct orb_blk b;
	if ((rc = orb_blk_open(&b, blk_ep)) < 0) {
		orb_printf("blk-test: BLK_INFO failed: %ld\n", rc);
		return 1;
	}
	orb_printf("blk-test: info: sectors=%lu sector_size=%u max_bytes=%u queue_depth=%u "
		   "flags=%u\n", (unsigned long)b.sectors, b.sector_size, b.max_bytes,
		   b.queue_depth, b.flags);
	static int (*const stages[])(struct orb_blk *) = {
		stage_persist, stage_errors, stage_depth, stage_kill,
	};
	static int (*const throttled[])(struct orb_blk *) = { stage_barrier };
	char name[32];
	bool slow = orb_process_name(orb_pid(), name, sizeof(name)) >= 0 &&
		    !strcmp(name, "blk-barrier");
	unsigned n = slow ? ORB_ARRAY_SIZE(throttled) : ORB_ARRAY_SIZE(stages), passed = 0;
	for (unsigned i = 0; i < n; i++)
		passed += (slow ? throttled : stages)[i](&b) == 0;
	orb_printf("blk-test: done: %u passed, %u failed\n", passed, n - passed);
	return 0;
}
