/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The other end of the IPC benchmarks: a separate process (so every round trip switches
 * address spaces). It hands the benchmark a W|G capability to its own endpoint, then
 * answers every call at once with reply_recv, sending back any capabilities it got.
 */
#include <orbital.h>

int main(void)
{
	orb_cptr_t ep;
	if (orb_ep_create(&ep) < 0)
		return 1;
	long wg = orb_cap_derive(ep, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT, 0, 0);
	orb_cptr_t give = (orb_cptr_t)wg;
	orb_msg_t r;
	if (orb_call(0, 1, NULL, 0, &give, 1, &r) < 0)   /* slot 0: the benchmark's endpoint */
		return 2;
	orb_ipc_buffer_t *b = orb_ipcbuf();
	for (int i = 0; i < 8; i++)
		b->recv_slots[i] = ORB_CAP_NONE;
	orb_endpoint_receive_wait_out_t o;
	long info = orb_endpoint_receive_wait(ep, 0, &o);
	for (;;) {
		if (info < 0)
			return 3;
		uint32_t ncaps = orb_msginfo_get_ncaps((uint64_t)info);
		for (uint32_t i = 0; i < ncaps; i++)   /* give them back */
			b->send_caps[i] = b->recv_caps[i];
		orb_endpoint_reply_recv_out_t ro;
		info = orb_endpoint_reply_recv(ep, info, o.mr0, o.mr1, o.mr2, o.mr3, &ro);
		o.mr0 = ro.mr0, o.mr1 = ro.mr1, o.mr2 = ro.mr2, o.mr3 = ro.mr3;
	}
}
