/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lwIP's compiler and platform header (lwIP doc "Porting: arch/cc.h") for Orbital's ring 3:
 * x86_64, little-endian, gcc. Diagnostics go to the console through liborbital, a failed
 * lwIP assertion ends the process (the supervisor restarts the Network service), and the
 * C library headers lwIP may not find in our small libc face are switched off so that it
 * uses its own replacements.
 */
#pragma once

#define BYTE_ORDER LITTLE_ENDIAN

/* <inttypes.h> and <ctype.h> are not part of services/third_party/libc. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

/* lwIP's own error numbers: there are no POSIX sockets here to share them with. */
#define LWIP_PROVIDE_ERRNO 1

void lwip_orbital_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void lwip_orbital_assert(const char *msg, const char *file, int line);

#define LWIP_PLATFORM_DIAG(x) do { lwip_orbital_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_orbital_assert((x), __FILE__, __LINE__)

/* Random numbers for DNS transaction ids, DHCP xids and local ports (sys_arch.c). */
unsigned int lwip_orbital_rand(void);
#define LWIP_RAND() ((u32_t)lwip_orbital_rand())
