/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program's entropy: the machine's two sources mixed. One is the kernel's entropy_get
 * (the CPU's RDRAND/RDSEED; -ENOSYS on a CPU without them), the other the entropy driver
 * registered as "rng" (virtio-rng, services/drivers/virtio_rng), asked with RNG_READ.
 * Each chunk is the XOR of both when both answer, so it is as unpredictable as the better
 * of the two; it is either one alone when only it answers; with neither, orb_entropy fails
 * and its caller must refuse to make secrets (never a weak fallback). Callers use these
 * bytes to seed a CSPRNG (services/third_party/libsodium/random.c), never as a stream.
 *
 * The driver's endpoint is looked up in init's registry at the first call and kept
 * (services keep their endpoint across restarts); a machine without the driver costs one
 * lookup per call. Not thread-safe.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

static orb_cptr_t rng = ORB_CAP_NONE;

/* n (1..ENTROPY_MAX) bytes from the entropy driver into out; 0 or -E. */
static long device_entropy(uint8_t *out, size_t n)
{
	if (rng == ORB_CAP_NONE && orb_lookup_service("rng", &rng, NULL, 0) < 0) {
		rng = ORB_CAP_NONE;
		return -ORB_ENOENT;
	}
	uint8_t req[8];
	orb_msg_rng_read_t q = { .length = (uint32_t)n };
	long len = orb_msg_rng_read_encode(req, sizeof(req), &q);
	orb_msg_t reply;
	long rc = len < 0 ? len : orb_request(rng, ORB_MSG_RNG_READ, req, (size_t)len, &reply);
	if (rc < 0)
		return rc;
	orb_msg_rng_read_response_t a;
	if (reply.tag != ORB_MSG_RNG_READ_RESPONSE ||
	    orb_msg_rng_read_response_decode(reply.data, reply.len, &a) < 0)
		return -ORB_EINVAL;
	if (a.status < 0)
		return a.status;
	if (a.data.len != n)
		return -ORB_EINVAL;
	memcpy(out, a.data.ptr, n);
	memset((void *)a.data.ptr, 0, n);
	return 0;
}

int orb_entropy(void *buf, size_t len)
{
	uint8_t *p = buf;
	uint8_t dev[ORB_ENTROPY_MAX];
	while (len > 0) {
		size_t n = len < ORB_ENTROPY_MAX ? len : ORB_ENTROPY_MAX;
		long cpu = orb_entropy_get(p, n);
		long device = device_entropy(dev, n);
		if (cpu < 0 && device < 0)
			return (int)cpu;
		for (size_t i = 0; device == 0 && i < n; i++)
			p[i] = cpu < 0 ? dev[i] : (uint8_t)(p[i] ^ dev[i]);
		memset(dev, 0, n);
		p += n;
		len -= n;
	}
	return 0;
}
