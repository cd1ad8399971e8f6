/* SPDX-License-Identifier: Apache-2.0 */
/* <stdio.h> for third-party code: no streams in ring 3; formatting comes from liborbital. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
