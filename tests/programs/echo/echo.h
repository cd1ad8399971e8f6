/* SPDX-License-Identifier: Apache-2.0 */
/* The echo test service's one convention beyond ECHO/CRASH (shared with echo_client). */
#pragma once

/* An ECHO whose seq has this bit is held for ECHO_SLOW_MS before it is answered (logged
 * as "echo: pid P holding request N"): a request in flight when a live update strikes. */
#define ECHO_SLOW (1ull << 62)
#define ECHO_SLOW_MS 30
