/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiler's runtime helpers a freestanding wasm64 program needs and clang does not
 * inline: __multi3, the 128-bit multiply behind __builtin_mul_overflow on 64-bit values
 * (liborbital's orb_calloc size check) and behind libsodium's 64x64-bit field arithmetic
 * (the kernel's Ed25519 and BLAKE2b, kernel/secret.c). Built from 32-bit partial
 * products, so it never calls itself. Linked into the kernel and into liborbital.
 */
#include <stdint.h>

__int128 __multi3(__int128 a, __int128 b);

__int128 __multi3(__int128 a, __int128 b)
{
	unsigned __int128 ua = (unsigned __int128)a, ub = (unsigned __int128)b;
	uint64_t al = (uint64_t)ua, ah = (uint64_t)(ua >> 64);
	uint64_t bl = (uint64_t)ub, bh = (uint64_t)(ub >> 64);
	uint64_t a0 = al & 0xFFFFFFFFu, a1 = al >> 32, b0 = bl & 0xFFFFFFFFu, b1 = bl >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
	uint64_t lo = (p00 & 0xFFFFFFFFu) | (mid << 32);
	uint64_t hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32) + al * bh + ah * bl;
	return (__int128)(((unsigned __int128)hi << 64) | lo);
}
