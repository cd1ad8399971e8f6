/* SPDX-License-Identifier: Apache-2.0 */
/* <unistd.h> for third-party code: Orbital has no POSIX layer; the header only exists. */
#pragma once

#include <sys/types.h>
