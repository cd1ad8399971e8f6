/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pm_spawner: an Application that asks the Process Manager to spawn pm_sleeper (named
 * "grandchild") without a session, prints the answer and exits 0. Spawned from the shell
 * for a user, its request is made for that user too (D251), and the default policy lets
 * an Application acting for an admin or a user spawn (user-spawn, D252); spawned for
 * nobody it is refused like any Application (tests/e2e/test_shell_identity.py).
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

static orb_str_t str(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

int main(void)
{
	orb_cptr_t pm;
	long rc = orb_lookup_service("process", &pm, NULL, 0);
	if (rc < 0) {
		orb_printf("pm_spawner: no process manager: %ld\n", rc);
		return 2;
	}
	uint8_t buf[96];
	orb_msg_pm_spawn_t q = { .name = str("grandchild"), .image = str("pm_sleeper") };
	long n = orb_msg_pm_spawn_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	orb_msg_pm_spawn_response_t r;
	rc = n < 0 ? n : orb_request(pm, ORB_MSG_PM_SPAWN, buf, (size_t)n, &reply);
	if (rc == 0 && reply.tag == ORB_MSG_PM_SPAWN_RESPONSE &&
	    orb_msg_pm_spawn_response_decode(reply.data, reply.len, &r) == 0)
		orb_printf("pm_spawner: pid %u: PM_SPAWN answered ok %u error %u pid %u\n",
			   orb_pid(), r.ok, r.error, r.pid);
	else
		orb_printf("pm_spawner: pid %u: PM_SPAWN failed: %ld\n", orb_pid(), rc);
	return 0;
}
