/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The grant policy (spec §4.2): who may hold which type of capability with which rights.
 * A requester is classified by its process name; the rules are tried in order and the
 * first whose class, type and conditions all match decides; when none does, the answer is
 * "No policy allows this permission".
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum pclass { CLASS_SYSTEM, CLASS_RUNTIME, CLASS_APPLICATION };

/* What the policy knows about a requester: its name and its parent's ("" if unknown). */
struct requester {
	const char *name;
	const char *parent_name;
};

struct decision {
	bool allowed;
	char reason[64];
	char alternative[64];   /* "" = none */
};

enum pclass policy_classify(const char *name);
const char *policy_class_name(enum pclass c);
/* Decide whether `who` may hold a `type` capability with `rights` (ORB_RIGHT_*). */
void policy_decide(const struct requester *who, const char *type, uint8_t rights,
		   struct decision *out);
