/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Orbital's CSPRNG, and libsodium's "system random" for Orbital.
 *
 * The generator is libsodium's randombytes_buf_deterministic (ChaCha20 keyed by a 32-byte
 * seed) used with fast key erasure: each refill expands the current key into a block,
 * whose first 32 bytes at once become the next key; the rest is served and wiped as it
 * goes, so a later compromise of the state reveals nothing already handed out. The key
 * comes from orb_entropy on first use and is mixed with fresh entropy (BLAKE2b of old key
 * and new seed) after every RESEED_BYTES of output. Without an entropy source there is no
 * key, orb_random refuses, and libsodium's randombytes (whose API cannot fail) aborts the
 * program rather than hand out predictable bytes.
 *
 * libsodium looks for its default implementation under the name
 * randombytes_sysrandom_implementation; its own (getrandom, /dev/urandom) is left out of
 * the build and this file fills the name. Not thread-safe, like the heap it sits beside.
 */
#include <orbital.h>
#include <orbital/random.h>

#include <sodium.h>

#define BLOCK 512
#define RESEED_BYTES (1u << 20)

static uint8_t key[randombytes_SEEDBYTES];
static uint8_t block[BLOCK];
static size_t avail;         /* unserved bytes at the end of block */
static size_t since_seed;    /* bytes served since the key last met fresh entropy */
static bool seeded;

static int reseed(void)
{
	uint8_t fresh[32];
	int rc = orb_entropy(fresh, sizeof(fresh));
	if (rc < 0)
		return rc;
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(key));
	crypto_generichash_update(&st, key, sizeof(key));
	crypto_generichash_update(&st, fresh, sizeof(fresh));
	crypto_generichash_final(&st, key, sizeof(key));
	sodium_memzero(fresh, sizeof(fresh));
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(block, sizeof(block));
	avail = 0;
	since_seed = 0;
	seeded = true;
	return 0;
}

static void refill(void)
{
	randombytes_buf_deterministic(block, sizeof(block), key);
	memcpy(key, block, sizeof(key));
	sodium_memzero(block, sizeof(key));
	avail = sizeof(block) - sizeof(key);
}

int orb_random(void *buf, size_t len)
{
	if ((!seeded || since_seed >= RESEED_BYTES) && reseed() < 0 && !seeded)
		return -ORB_ENOSYS;
	uint8_t *out = buf;
	while (len > 0) {
		if (avail == 0)
			refill();
		size_t n = len < avail ? len : avail;
		uint8_t *src = block + sizeof(block) - avail;
		memcpy(out, src, n);
		sodium_memzero(src, n);
		out += n;
		len -= n;
		avail -= n;
		since_seed += n;
	}
	return 0;
}

static void sys_buf(void *const buf, const size_t size)
{
	if (orb_random(buf, size) < 0) {
		orb_printf("pid %u: no entropy source: refusing to make random bytes\n", orb_pid());
		orb_exit_process(134);
	}
}

static uint32_t sys_random(void)
{
	uint32_t v;
	sys_buf(&v, sizeof(v));
	return v;
}

static void sys_stir(void)
{
	(void)reseed();   /* no source: stays unseeded, and the first draw refuses */
}

static const char *sys_name(void)
{
	return "orbital";
}

struct randombytes_implementation randombytes_sysrandom_implementation = {
	.implementation_name = sys_name,
	.random = sys_random,
	.stir = sys_stir,
	.uniform = NULL,
	.buf = sys_buf,
	.close = NULL,
};
