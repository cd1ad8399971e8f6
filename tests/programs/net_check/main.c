/* SPDX-License-Identifier: Apache-2.0 */
/* The Network checker's entry (netcheck.h): the instance's name chooses its part and the
 * instance it waits for. */
#include "netcheck.h"

struct part {
	const char *name, *after;
	bool after_present;                    /* wait until `after` runs (else: has ended) */
	int (*run)(void);
};

static int app_first(void)
{
	return app_run(false);
}

static int app_second(void)
{
	return app_run(true);
}

static int go(void)
{
	return wait_for_process("netapp-a", false, 600000);
}

static const struct part parts[] = {
	{ "net-go", NULL, false, go },
	{ "netapp-a", "net-go", true, app_first },
	{ "system-net-check", "netapp-a", false, system_run },
	{ "netapp-b", "system-net-check", false, app_second },
	{ "system-net-kill", "netapp-b", false, kill_run },
	{ "system-net-bench", NULL, false, bench_run },     /* images/bench-net.toml */
};

int main(void)
{
	const struct part *p = NULL;
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(parts); i++)
		if (!strcmp(ORB_SERVICE_NAME, parts[i].name))
			p = &parts[i];
	if (!p) {
		orb_printf(ORB_SERVICE_NAME ": no such part of the network checks\n");
		return 1;
	}
	orb_send_ready();
	if (p->after && wait_for_process(p->after, p->after_present, 600000) < 0) {
		orb_printf(ORB_SERVICE_NAME ": %s never %s\n", p->after,
			   p->after_present ? "started" : "ended");
		return 1;
	}
	int rc = p->run();
	orb_printf(ORB_SERVICE_NAME ": done\n");
	return rc;
}
