/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sysfuzz-peer: the second process of sysfuzz (tests/programs/sysfuzz). It starts with
 * endpoint PV (R|W) in slot 0 and answers every call on it with reply_recv: mr0 + 1, and
 * in mr1 / mr2 how many messages it has received on PV and sent there itself (now and
 * then it sends to PV just before waiting, as sysfuzz's own servers do on SV, but never
 * while answering a count: a message it sent then would be counted as sent and not yet
 * as received in the same answer).
 */
#include <orbital.h>

#define TAG_WORK 0x5F00
#define TAG_SELF 0x5F01
#define TAG_COUNT 0x5F02

int main(void)
{
	uint64_t received = 0, sent = 0, st = 0x243F6A8885A308D3ull;
	orb_endpoint_receive_wait_out_t in;
	long info = orb_endpoint_receive_wait(0, 0, &in);
	uint64_t mr0 = in.mr0;
	for (;;) {
		if (info >= 0)
			received++;
		else
			orb_sleep_ms(1);
		st ^= st << 13, st ^= st >> 7, st ^= st << 17;
		bool counting = info >= 0 && orb_msginfo_get_tag((uint64_t)info) == TAG_COUNT;
		if (!counting && (st & 7) == 0 &&
		    orb_endpoint_send(0, orb_msginfo_new(TAG_SELF, 8, 0), st, 0, 0, 0) == 0)
			sent++;
		orb_endpoint_reply_recv_out_t out;
		info = orb_endpoint_reply_recv(0, orb_msginfo_new(TAG_WORK, 24, 0), mr0 + 1, received,
					       sent, 0, &out);
		mr0 = out.mr0;
	}
}
