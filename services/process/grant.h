/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the PM hands a child for each capability kind of PM_SPAWN (spec §4.1 policy 2):
 * console -> its console capability (slot 3); storage, network -> the service's endpoint
 * from init's registry (skipped silently when the service is not registered, and with a
 * log line when the registry's copy lacks the GRANT a spawn needs); spawn -> its root
 * Process capability (slot 2). The child gets a copy attenuated to the rights asked for;
 * the kernel refuses rights the PM does not hold itself.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <orbital.h>

/* The policy's name of a capability kind ("console", ...), or NULL for an unknown kind. */
const char *grant_type(uint8_t kind);

struct grant_source {
	orb_cptr_t cap;     /* ORB_CAP_NONE: not available, skip it */
	bool temporary;     /* looked up for this spawn: release with grant_release */
};

void grant_find(uint8_t kind, struct grant_source *src);
void grant_release(struct grant_source *src);
