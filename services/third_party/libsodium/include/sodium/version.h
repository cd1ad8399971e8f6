/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libsodium's version header, which its configure step writes from version.h.in; this is
 * Orbital's stand-in for that step (the numbers of the locked 1.0.18, a full build, not
 * the --enable-minimal one).
 */
#pragma once

#include <sodium/export.h>

#define SODIUM_VERSION_STRING "1.0.18"
#define SODIUM_LIBRARY_VERSION_MAJOR 10
#define SODIUM_LIBRARY_VERSION_MINOR 3

#ifdef __cplusplus
extern "C" {
#endif

SODIUM_EXPORT const char *sodium_version_string(void);
SODIUM_EXPORT int sodium_library_version_major(void);
SODIUM_EXPORT int sodium_library_version_minor(void);
SODIUM_EXPORT int sodium_library_minimal(void);

#ifdef __cplusplus
}
#endif
