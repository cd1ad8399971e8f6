/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A program's entropy source. Today that is the kernel's entropy_get (the CPU's random
 * instruction); a machine without one returns -ORB_ENOSYS here, and a later source (the
 * virtio-rng service) slots in behind this same function. Callers use these bytes to
 * seed a CSPRNG (services/third_party/libsodium/random.c), never as a stream.
 */
#include <orbital.h>

int orb_entropy(void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len > 0) {
		size_t n = len < ORB_ENTROPY_MAX ? len : ORB_ENTROPY_MAX;
		long rc = orb_entropy_get(p, n);
		if (rc < 0)
			return (int)rc;
		p += n;
		len -= n;
	}
	return 0;
}
