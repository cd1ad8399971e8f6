/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Asking the Permissions service (slot 4, W) whether a process may hold a capability
 * type with some rights. The PM decides nothing itself: every spawn, every capability a
 * spawn hands out, and every kill of another's process goes through CHECK_PERM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct owner;

/* True if allowed for pid acting for owner (NULL or "": nobody; a rule may ask for its
 * roles). The answer's reason (or why Permissions could not be asked, which counts as a
 * refusal) is copied to reason. */
bool perm_allows(uint32_t pid, const char *type, uint8_t rights, const char *context,
		 const struct owner *owner, char *reason, size_t rlen);
