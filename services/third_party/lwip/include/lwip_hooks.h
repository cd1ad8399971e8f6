/* SPDX-License-Identifier: Apache-2.0 */
/* lwIP's hook header (LWIP_HOOK_FILENAME): what the hooks in lwipopts.h call. */
#pragma once

#include "lwip/arch.h"

u32_t lwip_orbital_tcp_isn(void);
