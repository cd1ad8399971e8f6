/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Random bytes for keys, salts, nonces and tokens: a ChaCha20 generator seeded from the
 * machine's entropy source (orb_entropy). Programs get it by linking libsodium (the image
 * description's `libraries = ["libsodium"]`); libsodium's own randombytes_* draw from it.
 */
#pragma once

#include <stddef.h>

/* Fill buf with len random bytes: 0, or a negative ORB_E* code when no entropy source
 * could seed the generator (the buffer is then left untouched: never a weak fallback). */
int orb_random(void *buf, size_t len);
