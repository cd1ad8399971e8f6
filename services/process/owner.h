/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Whom a process acts for (D251): the identity whose Identity session the PM_SPAWN request
 * carried, as Identity's VERIFY names it, or else the one its requester acts for (a
 * process the PM started for a user spawns for that user too). The PM records it with the
 * child, tells Permissions in each CHECK_PERM it makes for the request (a rule may ask for
 * a role, D252), and lists it in PM_PROCESS_LIST (the shell's `ps`). The roles are those
 * of the moment of the spawn.
 */
#pragma once

#include <orbital.h>
#include <orbital/abi.h>

struct owner {
	char name[ORB_IDENTITY_NAME_MAX + 1];   /* "" = acts for nobody */
	uint8_t roles;                          /* ORB_IDENTITY_ROLE_* */
	uint8_t kind;                           /* ORB_IDENTITY_TYPE_USER or _SERVICE */
};

/* The owner a session token names: true, or false with why[] filled (an invalid or
 * expired token, no Identity service). */
bool owner_of_session(const char *token, struct owner *o, char *why, size_t wlen);
/* The owner of a process the PM started (nobody for any other process). */
void owner_of_process(uint32_t pid, struct owner *o);
