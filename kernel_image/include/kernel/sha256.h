/* SPDX-License-Identifier: Apache-2.0 */
/* SHA-256 (FIPS 180-4): the CommitLog hash chain and the boot archive digest. */
#pragma once

#include <kernel/types.h>

#define SHA256_DIGEST 32

struct sha256 {
	u32 h[8];
	u64 len;          /* bytes hashed so far */
	u8 block[64];
	u32 fill;         /* bytes waiting in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, u8 out[SHA256_DIGEST]);
void sha256(const void *data, size_t n, u8 out[SHA256_DIGEST]);
