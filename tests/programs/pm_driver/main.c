/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The driver's main thread serves its own endpoint (so that a supervisor's health checks
 * are answered while the tests run); a second thread runs the groups and ends the
 * process with 0 if every check passed.
 */
#include <orbital/service.h>

#include "driver.h"

orb_cptr_t pm_ep, perm_ep;
uint32_t pm_pid, perm_pid;
static int passed, failed;

void drv_check(bool ok, const char *group, const char *fmt, ...)
{
	if (ok) {
		passed++;
		return;
	}
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	orb_printf("pm-test: FAIL %s: %s\n", group, msg);
	failed++;
}

static bool find(const char *type, orb_cptr_t *ep, uint32_t *pid)
{
	long rc = orb_lookup_service(type, ep, NULL, 0);
	*pid = pid_of(type);
	if (rc < 0 || !*pid) {
		orb_printf("pm-test: no '%s' service (lookup %ld, pid %u)\n", type, rc, *pid);
		return false;
	}
	return true;
}

static void tests(void *arg)
{
	(void)arg;
	if (!find("process", &pm_ep, &pm_pid) || !find("permissions", &perm_ep, &perm_pid))
		orb_exit_process(2);
	orb_printf("pm-test: pid %u, process manager pid %u, permissions pid %u\n", orb_pid(),
		   pm_pid, perm_pid);
	t_policy();
	t_provenance();
	t_lifecycle();
	t_limits();
	t_refusal();
	t_malformed();
	t_bench();
	orb_printf("pm-test: %d passed, %d failed\n", passed, failed);
	orb_exit_process(failed ? 1 : 0);
}

static long no_requests(orb_msg_t *m)
{
	(void)m;
	return -ORB_ENOSYS;
}

int main(void)
{
	static const struct orb_service self = { .type = NULL, .handle = no_requests };
	long tid = orb_thread_start(tests, NULL, 64);
	if (tid < 0) {
		orb_printf("pm-test: cannot start the test thread: %ld\n", tid);
		return 2;
	}
	return orb_service_run(&self);
}
