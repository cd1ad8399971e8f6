/* SPDX-License-Identifier: Apache-2.0 */
/*
 * persist: what the last boot wrote must be read back intact; then write the next
 * generation and flush. A record at STATE_SECTOR says which generation the 128 sectors
 * from DATA_SECTOR hold; tests/e2e/test_blk.py also checks the disk file on the host.
 */
#include "blktest.h"

#define MAGIC "BLKTEST1"

struct state {
	char magic[8];
	uint32_t generation;
	uint32_t _pad;
};

static uint8_t data[DATA_SECTORS * SECTOR], sector[SECTOR];

static void fill(uint32_t gen)
{
	for (uint32_t s = 0; s < DATA_SECTORS; s++)
		for (uint32_t o = 0; o < SECTOR; o++)
			data[s * SECTOR + o] = pattern(gen, DATA_SECTOR + s, o);
}

int stage_persist(struct orb_blk *b)
{
	struct state st;
	long rc = orb_blk_read(b, STATE_SECTOR, 1, sector);
	if (rc < 0) {
		orb_printf("blk-test: persist: reading the state sector failed: %ld\n", rc);
		return 1;
	}
	memcpy(&st, sector, sizeof(st));
	uint32_t gen = 0;
	if (!memcmp(st.magic, MAGIC, 8)) {
		gen = st.generation;
		static uint8_t got[DATA_SECTORS * SECTOR];
		if ((rc = orb_blk_read(b, DATA_SECTOR, DATA_SECTORS, got)) < 0) {
			orb_printf("blk-test: persist: reading generation %u failed: %ld\n", gen, rc);
			return 1;
		}
		fill(gen);
		for (uint32_t i = 0; i < sizeof(got); i++) {
			if (got[i] != data[i]) {
				orb_printf("blk-test: persist: generation %u damaged at sector %u\n", gen,
					   DATA_SECTOR + i / SECTOR);
				return 1;
			}
		}
		orb_printf("blk-test: persist: generation %u read back intact\n", gen);
	} else {
		orb_printf("blk-test: persist: no earlier generation\n");
	}
	fill(gen + 1);
	memset(sector, 0, sizeof(sector));
	st = (struct state){ .generation = gen + 1 };
	memcpy(st.magic, MAGIC, 8);
	memcpy(sector, &st, sizeof(st));
	if ((rc = orb_blk_write(b, DATA_SECTOR, DATA_SECTORS, data)) < 0 ||
	    (rc = orb_blk_write(b, STATE_SECTOR, 1, sector)) < 0 || (rc = orb_blk_flush(b)) < 0) {
		orb_printf("blk-test: persist: writing generation %u failed: %ld\n", gen + 1, rc);
		return 1;
	}
	orb_printf("blk-test: persist: generation %u written and flushed\n", gen + 1);
	return 0;
}
