/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Process Manager's capabilities (images/default.toml: caps = ["process:root:rwg",
 * "console:rwg", "endpoint:permissions:w"]) and the policy constants of spec §4.1, §5.7.
 */
#pragma once

#include <orbital.h>
#include <orbital/service.h>

#define PM_PROC_CAP ((orb_cptr_t)ORB_SLOT_FIRST_CAP)            /* root Process, RWG */
#define PM_CONSOLE_CAP ((orb_cptr_t)(ORB_SLOT_FIRST_CAP + 1))   /* console, RWG */
#define PM_PERM_EP ((orb_cptr_t)(ORB_SLOT_FIRST_CAP + 2))       /* Permissions, W */

#define PM_NAME_MAX 32                 /* process and image names, NUL included */
#define PM_MAX_CHILDREN 32             /* processes the PM watches at once */
#define PM_MAX_CAP_REQUESTS 14         /* the kernel's 16 initial caps minus slots 0, 1 */
#define PM_CHILD_PRIORITY 100          /* less urgent than every service and the shell */
#define PM_CHILD_MEMORY ORB_DEFAULT_MEMORY   /* a child's memory limit when max_memory is 0 (D92) */
#define PM_POLL_NS (100 * 1000000ull)  /* resource limits are checked this often */
#define PM_TERM_GRACE_NS (1000 * 1000000ull) /* a term becomes a kill after this */
#define PM_MAX_VIOLATIONS 3            /* warnings before a kill (spec §5.7) */

/* Handlers (each answers its request and returns 0, or returns -E for MSG_ERROR). */
long pm_spawn(const orb_msg_t *m);
long pm_kill(const orb_msg_t *m);
long pm_child_exited(const orb_msg_t *m);
/* Whether the PM may pass init's endpoint (slot 1) on: the kernel needs GRANT for it. */
bool pm_init_grantable(void);
/* Periodic work: stop deadlines (stop.c) and resource limits (limits.c). */
void stop_poll(uint64_t now);
void limits_poll(void);
