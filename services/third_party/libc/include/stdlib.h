/* SPDX-License-Identifier: Apache-2.0 */
/* <stdlib.h> for third-party code: the heap is liborbital's, abort ends the process, and
 * the number conversions lwIP uses. */
#pragma once

#include <stddef.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
__attribute__((noreturn)) void abort(void);
/* Numbers from text (C11 §7.22.1): base 0 or 2-36, leading space and a sign taken, errno
 * ERANGE and the extreme value on overflow. */
int atoi(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
