/* SPDX-License-Identifier: Apache-2.0 */
/* <stdlib.h> for third-party code: the heap is liborbital's, abort ends the process. */
#pragma once

#include <stddef.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
__attribute__((noreturn)) void abort(void);
