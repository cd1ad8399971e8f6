/* SPDX-License-Identifier: Apache-2.0 */
/* The table of attacks (attack.h) and what every attack does around its run. */
#include <orbital/service.h>

#include "attack.h"

static const struct attack attacks[] = {
	{ "endpoints", "create an endpoint and delete its only capability, until refused",
	  attack_endpoints },
	{ "messages", "queue messages on endpoints of its own, until refused",
	  attack_messages },
	{ "notices", "fill the endpoint its children's exit notices go to, then let them exit",
	  attack_notices },
	{ "grant", "insert capabilities into init's CSpace (grant, move, cspace_open, messages)",
	  attack_grant },
};

const struct attack *attack_named(const char *service)
{
	static const char prefix[] = "hostile-";
	if (strncmp(service, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	for (size_t i = 0; i < ORB_ARRAY_SIZE(attacks); i++)
		if (!strcmp(service + sizeof(prefix) - 1, attacks[i].name))
			return &attacks[i];
	return NULL;
}

static long refuse(orb_msg_t *m)
{
	(void)m;
	return -ORB_ENOSYS;
}

void attack_main(const struct attack *a)
{
	orb_printf("hostile: %s: pid %u tries to %s\n", a->name, orb_pid(), a->what);
	bool contained = a->run();
	orb_printf("hostile: %s: %s\n", a->name,
		   contained ? "contained at its own limits" : "NOT CONTAINED");
	/* Ready, and alive (health checks answered) with everything it got: the rest of the
	 * system must do without it. */
	static const struct orb_service svc = { .handle = refuse };
	orb_exit_process(orb_service_run(&svc));
}
