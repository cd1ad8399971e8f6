/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the Storage engine takes from its host: a few memory routines and a heap. In the
 * Storage service they are liborbital's; a host test links the C library's memory
 * routines and defines orb_malloc/orb_free over malloc/free.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *orb_malloc(size_t n);
void orb_free(void *p);
