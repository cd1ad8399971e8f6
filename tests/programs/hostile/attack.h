/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Denial-of-service attacks on the kernel's resources (issue 9), one per file: each tries
 * to use up something other processes need, and must be refused at its own limits while
 * the rest of the system goes on (tests/e2e/test_hostile.py, images/hostile.toml). An
 * image instance named "hostile-NAME" runs the attack NAME from the table in attacks.c,
 * reports, says ready, then holds everything it got until it is killed.
 *
 * A new attack: a file attack_NAME.c with a function of this type, an entry in the table,
 * and an instance in images/hostile.toml.
 */
#pragma once

#include <orbital.h>
#include <orbital/abi_names.h>

struct attack {
	const char *name;
	const char *what;
	/* Runs the attack; true when the kernel contained it (refused it at the process's
	 * own limit, with the error the ABI promises). Prints "hostile: NAME: ..." lines. */
	bool (*run)(void);
};

bool attack_endpoints(void);      /* attack_endpoints.c: endpoints with no capability */
bool attack_messages(void);       /* attack_messages.c: queued messages */
bool attack_notices(void);        /* attack_messages.c: exit notices on a full queue */
bool attack_grant(void);          /* attack_grant.c: capabilities forced on init */

/* attacks.c: the table's entry for an image instance's name, or NULL. */
const struct attack *attack_named(const char *service);
/* Runs a, reports, says ready, and holds its resources for good. */
__attribute__((noreturn)) void attack_main(const struct attack *a);

/* The program the notices attack spawns (an instance of this program): exits with this. */
#define HOSTILE_CHILD "hostile-child"
#define HOSTILE_CHILD_CODE 42
