/* SPDX-License-Identifier: Apache-2.0 */
/* Between the wasm64 program loader and vm.c: how many functions a space's program has
 * (its table), the entries a new thread may start at. */
#pragma once

#include <kernel/types.h>

struct vspace;

void vm_set_entries(const struct vspace *vs, u64 n);
