/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include <kernel/types.h>

/* Create init and the processes the archive marks as started at boot; returns how many. */
u32 boot_start_processes(void);
