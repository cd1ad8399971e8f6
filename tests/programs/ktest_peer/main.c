/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ktest's peer: a second process for the cross-process cases. It starts with ktest's
 * endpoint (W) in slot 0 and, optionally, a second capability in slot 1. It calls ktest
 * with PEER_READY; each reply is an order (mr0) to carry out, and the next call reports
 * the result (mr0) — until ktest orders it to exit.
 */
#include <orbital.h>
#include "../ktest/peer.h"

/* The hogs stop at the first refusal: how many succeeded, and the error. */
static long hog_result(long count, long err)
{
	return (count << 16) | (-err & 0xffff);
}

static long endpoint_hog(void)
{
	long n = 0, r;
	while ((r = orb_endpoint_create()) >= 0 && n < 4096) {
		orb_cap_delete((orb_cptr_t)(r & 0xffffffff));   /* the endpoint lives on */
		n++;
	}
	return hog_result(n, r);
}

static long send_hog(uint32_t len)
{
	long ep = orb_endpoint_create();
	if (ep < 0)
		return hog_result(0, ep);
	long n = 0, r;
	while ((r = orb_endpoint_send((orb_cptr_t)(ep & 0xffffffff), orb_msginfo_new(0x55, len, 0),
				      1, 2, 3, 4)) == 0 && n < 8192)
		n++;
	return hog_result(n, r);
}

static long notification_hog(void)
{
	long n = 0, r;
	while ((r = orb_notification_create()) >= 0 && n < 1024)
		n++;   /* each keeps its capability: a notification lives while one names it */
	return hog_result(n, r);
}

static long cap_hog(void)
{
	long n = 0, r;
	while ((r = orb_cap_derive(0, ORB_RIGHT_WRITE, 0, 0)) >= 0 && n < 1024)
		n++;
	return hog_result(n, r);
}

static long memory_hog(void)
{
	long n = 0, r;
	orb_mem_map_out_t out;
	while ((r = orb_mem_map(0, 64 * 1024, ORB_PROT_READ | ORB_PROT_WRITE, ORB_CAP_NONE,
				&out)) >= 0 && n < 4096)
		n++;
	return hog_result(n, r);
}

static long shm_hog(void)
{
	long n = 0, r;
	while ((r = orb_shm_create(4096, 0, ORB_CAP_NONE)) >= 0 && n < 2048)
		n++;   /* each keeps its capability: the objects live */
	return hog_result(n, r);
}

static long shm_give(uint64_t size)
{
	long h = orb_shm_create(size, 0, ORB_CAP_NONE);
	if (h < 0)
		return h;
	orb_cptr_t c = (orb_cptr_t)h;
	return orb_send(1, 0x79, NULL, 0, &c, 1);
}

static void sleeper(uint64_t arg)
{
	for (;;)
		orb_sleep_ms(1000);
}

static long thread_hog(void)
{
	long n = 0, r;
	while ((r = orb_thread_create((void *)sleeper, NULL, 0, 64)) >= 0 && n < 128)
		n++;
	return hog_result(n, r);
}

int main(void)
{
	orb_cptr_t ktest = 0;
	long result = 0;
	uint64_t mapped = 0;   /* the last mapping an order made */
	uint64_t flood_info = 0;   /* PEER_FLOOD_INFO */
	uint64_t tag = PEER_READY;
	for (int round = 0; round < 1000; round++) {
		orb_endpoint_call_out_t out;
		long info = orb_endpoint_call(ktest, orb_msginfo_new(tag, 16, 0), (uint64_t)result,
					      orb_pid(), 0, 0, &out);
		if (info < 0)
			return 100;   /* ktest went away */
		tag = PEER_RESULT;
		switch (out.mr0) {
		case PEER_EXIT:
			return (int)out.mr1;
		case PEER_TRY_RECEIVE:   /* receive on the capability in slot 1 */
			result = orb_endpoint_receive(1, NULL);
			break;
		case PEER_TRY_SEND:      /* send on the capability in slot 1 */
			result = orb_endpoint_send(1, orb_msginfo_new(0x77, 8, 0), 0x4242, 0, 0, 0);
			break;
		case PEER_INSPECT:       /* rights of the capability in slot mr1 */
		{
			orb_cap_info_t ci;
			long rc = orb_cap_inspect((orb_cptr_t)out.mr1, &ci);
			result = rc < 0 ? rc : ci.rights;
			break;
		}
		case PEER_BLOCK:         /* wait on a fresh endpoint forever */
		{
			long ep = orb_endpoint_create();
			orb_endpoint_receive_wait((orb_cptr_t)(ep & 0xffffffff), 0, NULL);
			result = -1;
			break;
		}
		case PEER_FAULT:
			*(volatile int *)0 = 1;
			break;
		case PEER_SHM_MAP:
			result = orb_shm_map(1, 0, (uint32_t)out.mr1, NULL);
			mapped = result > 0 ? (uint64_t)result : mapped;
			break;
		case PEER_LOAD:
			result = (long)*(volatile uint64_t *)(mapped + out.mr1);
			break;
		case PEER_STORE:
			*(volatile uint8_t *)(mapped + out.mr1) = 0x5a;
			result = 0;
			break;
		case PEER_SHM_PHYS:
			result = orb_shm_phys(1, out.mr1);
			break;
		case PEER_BAR_MAP:
			result = orb_pci_bar_map(1, (uint32_t)out.mr1, 0, NULL);
			mapped = result > 0 ? (uint64_t)result : mapped;
			break;
		case PEER_IRQ_ACK:
			result = orb_irq_ack((uint32_t)out.mr1);
			break;
		case PEER_ENDPOINT_HOG:
			result = endpoint_hog();
			break;
		case PEER_SEND_HOG:
			result = send_hog((uint32_t)out.mr1);
			break;
		case PEER_THREAD_HOG:
			result = thread_hog();
			break;
		case PEER_SHM_HOG:
			result = shm_hog();
			break;
		case PEER_NOTIFICATION_HOG:
			result = notification_hog();
			break;
		case PEER_CAP_HOG:
			result = cap_hog();
			break;
		case PEER_MEMORY_HOG:
			result = memory_hog();
			break;
		case PEER_SHM_GIVE:
			result = shm_give(out.mr1);
			break;
		case PEER_SEND_N:
			result = 0;
			for (uint64_t i = 0; i < out.mr1 && result == 0; i++)
				result = orb_endpoint_send(1, orb_msginfo_new(0x78, 8, 0), i, 0, 0, 0);
			break;
		case PEER_SAY:
		{
			static const char forged[] = "init: all services ready (forged)\n";
			static const char own[] = "ktest-peer: said\n";
			long a = orb_debug_write(forged, sizeof(forged) - 1);
			long b = orb_debug_write(own, sizeof(own) - 1);
			result = a < 0 ? a : b < 0 ? b : 0;
			break;
		}
		case PEER_FLOOD:
		{
			static char chunk[4096];
			for (size_t i = 0; i < sizeof(chunk); i++)
				chunk[i] = i % 64 == 63 ? '\n' : 'f';
			long written = 0, rc = 0;
			uint64_t start = orb_now_ns();
			for (int i = 0; i < 64 && (rc = orb_debug_write(chunk, sizeof(chunk))) > 0; i++)
				written += rc;
			flood_info = (orb_now_ns() - start) / 1000000 << 1 | (rc == -ORB_EAGAIN);
			result = rc >= 0 || rc == -ORB_EAGAIN ? written : rc;
			break;
		}
		case PEER_FLOOD_INFO:
			result = (long)flood_info;
			break;
		default:
			result = -ORB_EINVAL;
		}
	}
	return 0;
}
