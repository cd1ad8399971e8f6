/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where users and service identities are kept. Without a disk (no Storage service, or no
 * machine secret to seal with) Identity runs in memory and says so at start: everything
 * ends with the boot. With both, every change of a record is written sealed (seal.c)
 * through Storage before the request that made it is answered.
 */
#include "identity.h"

static bool persistent;
static const char *problem;

void store_open(void)
{
	persistent = false;
	orb_printf("identity: no disk: running in memory (users, services and keys end with "
		   "this boot)\n");
}

bool store_persistent(void)
{
	return persistent;
}

const char *store_problem(void)
{
	return problem;
}

void store_load(void)
{
}

int store_put_user(const struct user *u, struct id_error *e)
{
	(void)u;
	(void)e;
	return 0;
}

int store_put_service(const struct service *s, struct id_error *e)
{
	(void)s;
	(void)e;
	return 0;
}
