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
#define PEER_SHM_MAP 7        /* shm_map the cap in slot 1 with prot mr1; result: address */
#define PEER_LOAD 8           /* read the u64 at the last mapping + mr1 (may fault) */
#define PEER_STORE 9          /* write 0x5a at the last mapping + mr1 (may fault) */
#define PEER_SHM_PHYS 10      /* shm_phys of the cap in slot 1 at offset mr1 */
#define PEER_BAR_MAP 11       /* pci_bar_map BAR mr1 of the cap in slot 1 */
#define PEER_IRQ_ACK 12       /* irq_ack(mr1) */
#define PEER_ENDPOINT_HOG 13  /* create endpoints, deleting each capability, until refused:
			       * result = count << 16 | -error */
#define PEER_SEND_HOG 14      /* send mr1-byte messages to a fresh endpoint until refused:
			       * result = count << 16 | -error */
#define PEER_THREAD_HOG 15    /* start sleeping threads until refused: count << 16 | -error */
#define PEER_SEND_N 16        /* send mr1 messages on the capability in slot 1 */
#define PEER_SHM_HOG 17       /* create one-page shared objects until refused: count << 16 |
			       * -error */
#define PEER_SHM_GIVE 18      /* create an mr1-byte shared object, send its capability on
			       * slot 1 (tag 0x79) */
#define PEER_NOTIFICATION_HOG 19 /* create notifications (keeping their capabilities) until
				  * refused: count << 16 | -error */
#define PEER_CAP_HOG 20       /* derive copies of slot 0 until refused: count << 16 | -error */
#define PEER_MEMORY_HOG 21    /* map 64 KiB regions until refused: count << 16 | -error */
#define PEER_SAY 30           /* debug_write two lines, one as if from init; result: 0 or error */
#define PEER_FLOOD 31         /* debug_write 4 KiB at a time, 64 times or until refused; result:
                               * bytes written, or the error of a failure other than EAGAIN */
#define PEER_FLOOD_INFO 32    /* of the last flood: ms it took << 1 | 1 if EAGAIN stopped it */
