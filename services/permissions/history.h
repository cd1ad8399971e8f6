/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The history of capability changes (inserted, removed, rights updated), newest last, in
 * a ring: the latest HISTORY_KEPT changes are kept.
 */
#pragma once

#include <orbital.h>

#define HISTORY_KEPT 1024

void history_add(const orb_history_entry_t *e);
/* The latest changes that concern pid (it held the capability or made the call; 0: any
 * process), at most max into out, oldest first; returns how many. */
uint32_t history_latest(uint32_t pid, orb_history_entry_t *out, uint32_t max);
