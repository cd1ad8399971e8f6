/* SPDX-License-Identifier: Apache-2.0 */
/* <assert.h> for third-party code: a failed assertion names itself and ends the process. */
#pragma once

__attribute__((noreturn)) void __orb_assert_fail(const char *expr, const char *file, int line);

#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __orb_assert_fail(#e, __FILE__, __LINE__))
#endif
