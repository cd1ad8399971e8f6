/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records at rest (D243): an orb_identity_sealed_t header in the clear (magic, version,
 * kind, a fresh 24-byte nonce), then XChaCha20-Poly1305 of the record under the record
 * key, then its 16-byte tag. The associated data is the header followed by the Storage
 * key the value is written under, so a record moved to another key, or given another
 * kind or version, fails to open like a damaged one. A random 192-bit nonce per write
 * never repeats in practice, which is why XChaCha20 rather than the 96-bit IETF variant.
 */
#include "identity.h"

#define AD_MAX (sizeof(orb_identity_sealed_t) + ORB_STORAGE_MAX_KEY_LENGTH)

static size_t associated(uint8_t ad[AD_MAX], const orb_identity_sealed_t *h, const char *skey)
{
	size_t klen = strnlen(skey, ORB_STORAGE_MAX_KEY_LENGTH);
	memcpy(ad, h, sizeof(*h));
	memcpy(ad + sizeof(*h), skey, klen);
	return sizeof(*h) + klen;
}

long seal_record(const uint8_t key[32], const char *skey, uint8_t kind, const void *plain,
		 size_t plen, uint8_t *out, size_t cap)
{
	if (cap < SEALED_SIZE(plen))
		return -1;
	orb_identity_sealed_t h = { .magic = ORB_IDENTITY_SEALED_MAGIC,
				    .version = ORB_IDENTITY_SEALED_VERSION, .kind = kind };
	struct id_error e;
	if (!random_bytes(h.nonce, sizeof(h.nonce), &e))
		return -1;
	uint8_t ad[AD_MAX];
	size_t adlen = associated(ad, &h, skey);
	unsigned long long clen;
	memcpy(out, &h, sizeof(h));
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + sizeof(h), &clen, plain, plen, ad, adlen,
						   NULL, h.nonce, key);
	return (long)(sizeof(h) + clen);
}

int unseal_record(const uint8_t key[32], const char *skey, uint8_t kind, const uint8_t *in,
		  size_t len, void *plain, size_t plen)
{
	orb_identity_sealed_t h;
	if (len != SEALED_SIZE(plen))
		return -1;
	memcpy(&h, in, sizeof(h));
	if (h.magic != ORB_IDENTITY_SEALED_MAGIC || h.version != ORB_IDENTITY_SEALED_VERSION ||
	    h.kind != kind)
		return -1;
	uint8_t ad[AD_MAX];
	size_t adlen = associated(ad, &h, skey);
	unsigned long long mlen;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &mlen, NULL, in + sizeof(h),
						       len - sizeof(h), ad, adlen, h.nonce, key) < 0)
		return -1;
	return mlen == plen ? 0 : -1;
}
