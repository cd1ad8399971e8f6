/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The default policy of spec §4.2 with the Orbital decisions:
 *
 *   - "process" and "shell" are System like init, terminal and supervisor (decision #50,
 *     docs/services.md), and System may hold anything (system-any);
 *   - Runtime services may use the console (runtime-console);
 *   - terminal-console reads "ParentIs(terminal)" as: a process whose parent is the
 *     terminal may get the console (spec §5.10 #52);
 *   - MustAttenuate means the requested rights must not include W;
 *   - a request made for a user (the Process Manager spawning on a session's behalf, D251)
 *     may spawn only if the user has the role admin or user (HasRole, D252): user-spawn
 *     allows it, user-spawn-needs-role refuses everyone else (guests); requests made for
 *     nobody never meet these two rules.
 *
 * A rule whose class and type match but whose condition fails does not decide; the next
 * one is tried. If an attenuating rule failed only because W was asked for, the final
 * refusal suggests the read-only form as the alternative.
 */
#include <orbital.h>
#include <orbital/abi.h>

#include "policy.h"

enum applies { TO_CLASS, TO_NAME, TO_ANYONE, TO_USER };
enum condition { COND_NONE, COND_MUST_ATTENUATE, COND_PARENT_IS, COND_HAS_ROLE };

struct rule {
	const char *id;
	enum applies applies;
	enum orb_class cls;           /* TO_CLASS */
	const char *name;          /* TO_NAME: the requester's name */
	const char *type;          /* a capability type, or "*" for every type */
	bool allowed;
	enum condition cond;
	const char *parent;        /* COND_PARENT_IS: the parent's name */
	uint8_t roles;             /* COND_HAS_ROLE: any of these ORB_IDENTITY_ROLE_* */
};

static const struct rule rules[] = {
	{ "user-spawn", TO_USER, ORB_CLASS_APPLICATION, NULL, "spawn", true, COND_HAS_ROLE, NULL,
	  ORB_IDENTITY_ROLE_ADMIN | ORB_IDENTITY_ROLE_USER },
	{ "user-spawn-needs-role", TO_USER, ORB_CLASS_APPLICATION, NULL, "spawn", false,
	  COND_NONE, NULL, 0 },
	{ "system-spawn", TO_CLASS, ORB_CLASS_SYSTEM, NULL, "spawn", true, COND_NONE, NULL, 0 },
	{ "system-any", TO_CLASS, ORB_CLASS_SYSTEM, NULL, "*", true, COND_NONE, NULL, 0 },
	{ "runtime-console", TO_CLASS, ORB_CLASS_RUNTIME, NULL, "console", true, COND_NONE,
	  NULL, 0 },
	{ "app-storage-ro", TO_CLASS, ORB_CLASS_APPLICATION, NULL, "storage", true,
	  COND_MUST_ATTENUATE, NULL, 0 },
	{ "app-network", TO_CLASS, ORB_CLASS_APPLICATION, NULL, "network", true, COND_NONE,
	  NULL, 0 },
	{ "terminal-console", TO_ANYONE, ORB_CLASS_APPLICATION, NULL, "console", true,
	  COND_PARENT_IS, "terminal", 0 },
	{ "storage-no-network", TO_NAME, ORB_CLASS_RUNTIME, "storage", "network", false,
	  COND_NONE, NULL, 0 },
};

const char *policy_class_name(enum orb_class c)
{
	return c == ORB_CLASS_SYSTEM    ? "System" :
	       c == ORB_CLASS_RUNTIME ? "Runtime" :
					"Application";
}

static bool applies_to(const struct rule *r, const struct requester *who, enum orb_class cls,
		       const char *type)
{
	if (strcmp(r->type, "*") != 0 && strcmp(r->type, type) != 0)
		return false;
	switch (r->applies) {
	case TO_CLASS:
		return r->cls == cls;
	case TO_NAME:
		return strcmp(r->name, who->name) == 0;
	case TO_USER:
		return who->user && who->user[0];
	default:
		return true;
	}
}

static bool condition_holds(const struct rule *r, const struct requester *who, uint8_t rights)
{
	switch (r->cond) {
	case COND_MUST_ATTENUATE:
		return !(rights & ORB_RIGHT_WRITE);
	case COND_PARENT_IS:
		return strcmp(who->parent_name, r->parent) == 0;
	case COND_HAS_ROLE:
		return (who->roles & r->roles) != 0;
	default:
		return true;
	}
}

static void rights_text(uint8_t rights, char out[4])
{
	size_t n = 0;
	if (rights & ORB_RIGHT_READ)
		out[n++] = 'r';
	if (rights & ORB_RIGHT_WRITE)
		out[n++] = 'w';
	if (rights & ORB_RIGHT_GRANT)
		out[n++] = 'g';
	out[n] = '\0';
}

void policy_decide(const struct requester *who, const char *type, uint8_t rights,
		   struct decision *out)
{
	enum orb_class cls = orb_class_of(who->name);
	bool attenuate = false;   /* an attenuating rule would allow fewer rights */
	out->alternative[0] = '\0';
	for (size_t i = 0; i < ORB_ARRAY_SIZE(rules); i++) {
		const struct rule *r = &rules[i];
		if (!applies_to(r, who, cls, type))
			continue;
		if (!condition_holds(r, who, rights)) {
			attenuate |= r->cond == COND_MUST_ATTENUATE;
			continue;
		}
		out->allowed = r->allowed;
		snprintf(out->reason, sizeof(out->reason), "%s by rule: %s",
			 r->allowed ? "Allowed" : "Denied", r->id);
		return;
	}
	out->allowed = false;
	snprintf(out->reason, sizeof(out->reason), "No policy allows this permission");
	if (attenuate) {
		char rt[4];
		uint8_t fewer = (uint8_t)(rights & ~ORB_RIGHT_WRITE);
		rights_text(fewer ? fewer : ORB_RIGHT_READ, rt);
		snprintf(out->alternative, sizeof(out->alternative), "%s:%s", type, rt);
	}
}
