/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The grant policy (spec §4.2): who may hold which type of capability with which rights.
 * A requester is classified by its process name (orb_class_of); the rules are tried in order and the
 * first whose class (or name, or "acts for a user"), type and conditions all match decides; when none does, the answer is
 * "No policy allows this permission".
 */
#pragma once

#include <orbital.h>

/* What the policy knows about a requester: its name and its parent's ("" if unknown), and
 * the identity it acts for ("" for none: the Process Manager says, D251) with its roles
 * (ORB_IDENTITY_ROLE_*). */
struct requester {
	const char *name;
	const char *parent_name;
	const char *user;
	uint8_t roles;
};

struct decision {
	bool allowed;
	char reason[64];
	char alternative[64];   /* "" = none */
};

const char *policy_class_name(enum orb_class c);
/* Decide whether `who` may hold a `type` capability with `rights` (ORB_RIGHT_*). */
void policy_decide(const struct requester *who, const char *type, uint8_t rights,
		   struct decision *out);
