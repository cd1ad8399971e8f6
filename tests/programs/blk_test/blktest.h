/* SPDX-License-Identifier: Apache-2.0 */
/*
 * blk-test (images/blk-test.toml): a client of the block driver that runs its stages one
 * after the other and reports each in one line tests/e2e/test_blk.py reads. Started as
 * "blk-barrier" (images/blk-barrier.toml, a throttled disk) it runs the barrier stage only.
 */
#pragma once

#include <orbital.h>
#include <orbital/blk.h>
#include <orbital/service.h>

#define SECTOR 512u
#define STATE_SECTOR 2048u        /* the persistence stage's record */
#define DATA_SECTOR 2056u         /* ... and the 128 sectors it checks */
#define DATA_SECTORS 128u
#define POISON_SECTOR 3000u       /* the sector tests/e2e/test_blk.py makes fail */
#define DEPTH_SECTOR 4096u        /* the depth stage writes from here */
#define KILL_SECTOR 16384u        /* the kill stage writes from here */
#define BARRIER_SECTOR 32768u     /* the barrier stage (blk-barrier image) writes here */

extern orb_cptr_t blk_ep;

/* A deterministic byte of (generation, sector, offset): the host computes the same. */
static inline uint8_t pattern(uint32_t gen, uint64_t sector, uint32_t off)
{
	uint32_t x = gen * 2654435761u ^ (uint32_t)sector * 40503u ^ off * 2246822519u;
	return (uint8_t)(x ^ x >> 13 ^ x >> 24);
}

int stage_persist(struct orb_blk *b);
int stage_errors(struct orb_blk *b);
int stage_depth(struct orb_blk *b);
int stage_kill(struct orb_blk *b);
int stage_barrier(struct orb_blk *b);
