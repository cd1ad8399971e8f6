/* SPDX-License-Identifier: Apache-2.0 */
/* The Permissions service's capabilities (images: caps = ["axiom:r"]) and limits. */
#pragma once

#include <orbital.h>
#include <orbital/service.h>

/* Slot 2, the first capability the image lists: the Axiom log reader (AXIOM:R). */
#define PERM_AXIOM_CAP ((orb_cptr_t)ORB_SLOT_FIRST_CAP)

#define PERM_NAME_MAX 32   /* process names, as the kernel keeps them */

struct decision;
/* The policy's answer for process pid (policy.c, with the names from the ledger) acting
 * for user ("" or NULL: nobody) with roles. */
void decide(uint32_t pid, const char *type, uint8_t rights, const char *user, uint8_t roles,
	    struct decision *d);
/* The Axiom logs for callers allowed "axiom" (audit.c). */
long audit_syslog(const orb_msg_t *m);
long audit_commits(const orb_msg_t *m);
