/* SPDX-License-Identifier: Apache-2.0 */
/* <sys/types.h> for third-party code: the sizes portable code expects. */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef long ssize_t;
typedef long off_t;
typedef int pid_t;
typedef long time_t;
