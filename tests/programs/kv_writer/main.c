/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The power-cut writer (images/powercut.toml; orbital_build/qemu/powercut.py drives it).
 *
 * At start it counts its boot in the key "boot" (GET, then SET boot + 1) and prints
 * "pcw: boot B". Then it runs operations n = 1, 2, ... of boot B, forever: each is a SET
 * of a value, or a DELETE, of one of 24 keys, all decided by mix(B, n), and only after
 * Storage has answered it does the writer print "pcw: ack B n". The harness kills the
 * machine at a random instant and checks that the disk holds exactly what the
 * acknowledged operations left, plus perhaps the one operation in flight. An operation
 * Storage refuses is reported "pcw: fail B n RC" and the writer goes on (it may or may
 * not have reached the disk). The harness computes every operation with the same
 * functions (powercut.py: op_of, pattern).
 */
#include <orbital.h>
#include <orbital/service.h>
#include <orbital/storage.h>

#define KEYS 24

static uint64_t mix(uint64_t boot, uint64_t n)
{
	uint64_t x = boot * 0x9E3779B97F4A7C15ull ^ n * 0xC2B2AE3D27D4EB4Full;
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* How many bytes operation x stores: mostly small, some past one message, a few large. */
static size_t size_of(uint64_t x)
{
	uint64_t r = (x >> 16) % 100, v = x >> 24;
	if (r < 60)
		return (size_t)(v % 1024);
	if (r < 90)
		return (size_t)(1024 + v % 16384);
	if (r < 98)
		return (size_t)(16384 + v % 65536);
	return (size_t)(200000 + v % 200000);
}

static void pattern(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed | 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

static uint8_t value[400000];

int main(void)
{
	orb_send_ready();
	static orb_storage_t kv;
	if (orb_storage_open(&kv, ORB_SLOT_FIRST_CAP) < 0)
		return 1;
	char text[24];
	size_t len = 0;
	uint64_t boot = 0;
	long rc = orb_storage_get(&kv, "boot", 4, text, sizeof(text) - 1, &len);
	if (rc == 0) {
		for (size_t i = 0; i < len && text[i] >= '0' && text[i] <= '9'; i++)
			boot = boot * 10 + (uint64_t)(text[i] - '0');
	} else if (rc != ORB_STORAGE_E(ORB_STORAGE_ERR_NOT_FOUND)) {
		orb_printf("pcw: reading the boot count failed: %ld %s\n", rc, kv.reason);
		return 1;
	}
	boot++;
	int n = snprintf(text, sizeof(text), "%llu", (unsigned long long)boot);
	rc = orb_storage_set(&kv, "boot", 4, text, (size_t)n, 0);
	if (rc < 0) {
		orb_printf("pcw: counting the boot failed: %ld %s\n", rc, kv.reason);
		return 1;
	}
	orb_printf("pcw: boot %llu\n", (unsigned long long)boot);
	for (uint64_t op = 1;; op++) {
		uint64_t x = mix(boot, op);
		char key[8];
		snprintf(key, sizeof(key), "k%02u", (unsigned)(x % KEYS));
		if ((x >> 8) % 8 == 0) {
			bool existed;
			rc = orb_storage_delete(&kv, key, 3, &existed);
		} else {
			size_t size = size_of(x);
			pattern(value, size, x);
			rc = orb_storage_set(&kv, key, 3, value, size, 0);
		}
		if (rc < 0)
			orb_printf("pcw: fail %llu %llu %ld %s\n", (unsigned long long)boot,
				   (unsigned long long)op, rc, kv.reason);
		else
			orb_printf("pcw: ack %llu %llu\n", (unsigned long long)boot,
				   (unsigned long long)op);
	}
}
