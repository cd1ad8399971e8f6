/* SPDX-License-Identifier: Apache-2.0 */
/* <time.h> for third-party code: types only; there is no wall clock in ring 3 yet. */
#pragma once

#include <sys/types.h>
