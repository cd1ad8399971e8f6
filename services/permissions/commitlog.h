/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Following the CommitLog: read every commit appended since the last call (from the last
 * sequence number seen, with the AXIOM capability) and apply the ones that change
 * processes and capabilities to the ledger and the history.
 */
#pragma once

#include <stdint.h>

void commitlog_sync(void);
/* The next commit sequence number to read (= commits applied or skipped so far). */
uint64_t commitlog_next_seq(void);
