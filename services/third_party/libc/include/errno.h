/* SPDX-License-Identifier: Apache-2.0 */
/* <errno.h> for third-party code. One process-wide errno: the libraries built this way
 * keep it on one thread (like liborbital's heap). The values are Linux's, which is what
 * portable code compares against; they are not Orbital's ORB_E* codes. */
#pragma once

extern int errno;

#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EIO 5
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EINVAL 22
#define EFBIG 27
#define ENOSPC 28
#define ERANGE 34
#define ENOSYS 38
#define EOVERFLOW 75
