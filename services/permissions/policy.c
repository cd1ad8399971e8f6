/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The default policy of spec §4.2 with the Orbital decisions:
 *
 *   - "process" and "shell" are System like init, terminal and supervisor (decision #50,
 *     docs/services.md), and System may hold anything (system-any);
 *   - Runtime services may use the console (runtime-console);
 *   - terminal-console reads "ParentIs(terminal)" as: a process whose parent is the
 *     terminal may get the console (spec §5.10 #52);
 *   - MustAttenuate means the requested rights must not include W.
 *
 * A rule whose class and type match but whose condition fails does not decide; the next
 * one is tried. If an attenuating rule failed only because W was asked for, the final
 * refusal suggests the read-only form as the alternative.
 */
#include <orbital.h>

#include "policy.h"

enum applies { TO_CLASS, TO_NAME, TO_ANYONE };
enum condition { COND_NONE, COND_MUST_ATTENUATE, COND_PARENT_IS };

struct rule {
	const char *id;
	enum applies applies;
	enum orb_class cls;           /* TO_CLASS */
	const char *name;          /* TO_NAME: the requester's name */
	const char *type;          /* a capability type, or "*" for every type */
	bool allowed;
	enum condition cond;
	const char *parent;        /* COND_PARENT_IS: the parent's name */
};

static const struct rule rules[] = {
	{ "system-spawn", TO_CLASS, ORB_CLASS_SYSTEM, NULL, "spawn", true, COND_NONE, NULL },
	{ "system-any", TO_CLASS, ORB_CLASS_SYSTEM, NULL, "*", true, COND_NONE, NULL },
	{ "runtime-console", TO_CLASS, ORB_CLASS_RUNTIME, NULL, "console", true, COND_NONE,
	  NULL },
	{ "app-storage-ro", TO_CLASS, ORB_CLASS_APPLICATION, NULL, "storage", true,
	  COND_MUST_ATTENUATE, NULL },
	{ "app-network", TO_CLASS, ORB_CLASS_APPLICATION, NULL, "network", true, COND_NONE,
	  NULL },
	{ "terminal-console", TO_ANYONE, ORB_CLASS_APPLICATION, NULL, "console", true,
	  COND_PARENT_IS, "terminal" },
	{ "storage-no-network", TO_NAME, ORB_CLASS_RUNTIME, "storage", "network", false,
	  COND_NONE, NULL },
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
