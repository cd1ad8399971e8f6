/* SPDX-License-Identifier: Apache-2.0 */
/* The little protocol between ktest and ktest-peer (test-only tags). */
#pragma once

#define PEER_READY 0x0F80u    /* peer → ktest: mr0 = 0, mr1 = its pid */
#define PEER_RESULT 0x0F81u   /* peer → ktest: mr0 = result of the last order */
/* ktest → peer orders (reply mr0) */
#define PEER_EXIT 1           /* mr1 = exit code */
#define PEER_TRY_RECEIVE 2
#define PEER_TRY_SEND 3
#define PEER_INSPECT 4        /* mr1 = handle */
#define PEER_BLOCK 5
#define PEER_FAULT 6
