/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virtio-rng driver's protocol (services/drivers/virtio_rng), asked directly: RNG_READ
 * gives exactly the bytes asked for, fresh each time; a length of 0 or over ENTROPY_MAX,
 * a short payload or an unknown tag is answered MSG_ERROR, and the driver serves on.
 */
#include "idcheck.h"

static orb_cptr_t rng;

/* RNG_READ of a raw payload: the answer's tag (or -E); *code as for raw_request; the
 * bytes of a successful answer into out (their count in *got). */
static long rng_read(const void *payload, size_t len, uint32_t *code, uint8_t *out,
		     size_t *got)
{
	orb_msg_t reply = { 0 };
	*code = 0;
	*got = 0;
	long rc = orb_call(rng, ORB_MSG_RNG_READ, payload, len, NULL, 0, &reply);
	if (rc < 0)
		return rc;
	orb_msg_error_t e;
	orb_msg_rng_read_response_t a;
	if (reply.tag == ORB_MSG_ERROR && orb_msg_error_decode(reply.data, reply.len, &e) == 0)
		*code = e.code;
	else if (reply.tag == ORB_MSG_RNG_READ_RESPONSE &&
		 orb_msg_rng_read_response_decode(reply.data, reply.len, &a) == 0 &&
		 a.status == 0 && a.data.len <= ORB_ENTROPY_MAX) {
		memcpy(out, a.data.ptr, a.data.len);
		*got = a.data.len;
	}
	return reply.tag;
}

static long read_n(uint32_t n, uint8_t *out, size_t *got, uint32_t *code)
{
	uint8_t req[8];
	orb_msg_rng_read_t q = { .length = n };
	long len = orb_msg_rng_read_encode(req, sizeof(req), &q);
	return len < 0 ? len : rng_read(req, (size_t)len, code, out, got);
}

static bool zero(const uint8_t *p, size_t n)
{
	uint8_t any = 0;
	for (size_t i = 0; i < n; i++)
		any |= p[i];
	return any == 0;
}

void rng_cases(void)
{
	if (orb_lookup_service("rng", &rng, NULL, 0) < 0) {
		orb_printf("idcheck: this machine has no entropy device\n");
		return;
	}
	uint8_t a[ORB_ENTROPY_MAX], b[ORB_ENTROPY_MAX];
	size_t got = 0, got2 = 0;
	uint32_t code;
	long tag = read_n(32, a, &got, &code);
	check("RNG_READ of 32 bytes gives 32", tag == ORB_MSG_RNG_READ_RESPONSE && got == 32 &&
						       !zero(a, 32), tag);
	tag = read_n(32, b, &got2, &code);
	check("a second read gives other bytes", got2 == 32 && memcmp(a, b, 32) != 0, tag);
	tag = read_n(ORB_ENTROPY_MAX, a, &got, &code);
	check("RNG_READ of ENTROPY_MAX bytes", got == ORB_ENTROPY_MAX &&
						       !zero(a + ORB_ENTROPY_MAX - 32, 32), tag);
	tag = read_n(0, a, &got, &code);
	check("RNG_READ of 0 bytes: malformed", tag == ORB_MSG_ERROR &&
							code == ORB_ERROR_MALFORMED, tag);
	tag = read_n(ORB_ENTROPY_MAX + 1, a, &got, &code);
	check("RNG_READ over ENTROPY_MAX: malformed", tag == ORB_MSG_ERROR &&
							      code == ORB_ERROR_MALFORMED, tag);
	tag = rng_read("\x20\x00\x00", 3, &code, a, &got);
	check("RNG_READ of 3 bytes: malformed", tag == ORB_MSG_ERROR &&
							code == ORB_ERROR_MALFORMED, tag);
	orb_msg_t reply = { 0 };
	long rc = orb_call(rng, 0x72FF, "x", 1, NULL, 0, &reply);
	check("an unknown tag: MSG_ERROR", rc == 0 && reply.tag == ORB_MSG_ERROR, rc);
	tag = read_n(16, a, &got, &code);
	check("the driver serves on", got == 16 && !zero(a, 16), tag);
}
