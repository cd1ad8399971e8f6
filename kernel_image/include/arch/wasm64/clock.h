/* SPDX-License-Identifier: Apache-2.0 */
/* The cycle counter on wasm64: the host's monotonic clock in ns (1 "cycle" = 1 ns). */
#pragma once

#include <arch/wasm64/host.h>

static inline u64 arch_cycles(void)
{
	return host_now_ns();
}
