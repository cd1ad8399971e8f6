/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A lock for the threads of one process: a word taken with an atomic exchange. A thread
 * that finds it taken yields, and after a while sleeps briefly, so a holder of any
 * priority gets to run and release it. Hold it for a few instructions' work, never across
 * a wait for another process.
 */
#pragma once

#include <stdint.h>

#include <orbital/syscalls.h>

typedef struct {
	volatile uint32_t held;
} orb_lock_t;

#define ORB_LOCK_INIT { 0 }

static inline void orb_lock(orb_lock_t *l)
{
	for (unsigned spin = 0; __atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE); spin++) {
		if (spin < 16)
			orb_yield();
		else
			orb_sleep(50000);   /* 50 µs: lets a less urgent holder run */
	}
}

static inline void orb_unlock(orb_lock_t *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}
