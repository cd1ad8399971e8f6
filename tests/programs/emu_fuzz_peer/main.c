/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emu-fuzz-peer: the second process of the fuzz target (tests/programs/emu_fuzz). It
 * starts with endpoint P (R|W|G) in slot 0 and answers every call on it with the message
 * registers plus one, until receiving fails; then it exits.
 */
#include <orbital.h>

int main(void)
{
	orb_endpoint_receive_wait_out_t in;
	long info = orb_endpoint_receive_wait(0, 0, &in);
	uint64_t mr[4] = { in.mr0, in.mr1, in.mr2, in.mr3 };
	while (info >= 0) {
		orb_endpoint_reply_recv_out_t out;
		info = orb_endpoint_reply_recv(0, orb_msginfo_new(0x5F, 32, 0), mr[0] + 1, mr[1] + 1,
					       mr[2] + 1, mr[3] + 1, &out);
		mr[0] = out.mr0, mr[1] = out.mr1, mr[2] = out.mr2, mr[3] = out.mr3;
	}
	return 0;
}
