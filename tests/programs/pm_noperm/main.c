/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pm_noperm: an Application that tries to get what it may not have. It asks the Process
 * Manager to spawn a program (Permissions has no rule allowing an Application "spawn"),
 * then calls process_spawn itself with the endpoint in its slot 0 in place of a Process
 * capability (the kernel refuses), then asks the PM to kill the test driver, which it did
 * not start, then asks Permissions for the SysLog (only System callers get it). It prints
 * each answer and exits 0.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

static orb_str_t str(const char *s)
{
	return (orb_str_t){ .ptr = s, .len = (uint16_t)strlen(s) };
}

static void ask_pm(orb_cptr_t pm)
{
	uint8_t buf[96];
	static const uint8_t console[] = { ORB_CAPKIND_CONSOLE, ORB_RIGHT_WRITE };
	orb_msg_pm_spawn_t q = { .name = str("evil"), .image = str("pm_sleeper"),
				 .caps = { console, sizeof(console) } };
	long n = orb_msg_pm_spawn_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	orb_msg_pm_spawn_response_t r;
	long rc = n < 0 ? n : orb_request(pm, ORB_MSG_PM_SPAWN, buf, (size_t)n, &reply);
	if (rc == 0 && reply.tag == ORB_MSG_PM_SPAWN_RESPONSE &&
	    orb_msg_pm_spawn_response_decode(reply.data, reply.len, &r) == 0)
		orb_printf("pm_noperm: PM_SPAWN answered ok %u error %u pid %u\n", r.ok, r.error,
			   r.pid);
	else
		orb_printf("pm_noperm: PM_SPAWN failed: %ld\n", rc);
}

static void ask_kernel(void)
{
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, "evil", 4);
	memcpy(spec.image, "pm_sleeper", 10);
	spec.proc = ORB_SLOT_SELF;   /* an endpoint, not the root Process capability */
	spec.exit_notify = ORB_CAP_NONE;
	spec.priority = 200;
	orb_printf("pm_noperm: kernel process_spawn -> %ld\n",
		   orb_process_spawn(&spec, sizeof(spec)));
}

static void kill_driver(orb_cptr_t pm)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	uint32_t target = 0;
	for (long i = 0; i < n && i < 64; i++)
		if (strcmp((const char *)list[i].name, "system-pmtest") == 0)
			target = list[i].pid;
	uint8_t buf[8];
	orb_msg_pm_kill_t q = { .pid = target, .signal = 1 };
	long len = orb_msg_pm_kill_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	orb_msg_pm_kill_response_t r;
	long rc = len < 0 ? len : orb_request(pm, ORB_MSG_PM_KILL, buf, (size_t)len, &reply);
	if (rc == 0 && reply.tag == ORB_MSG_PM_KILL_RESPONSE &&
	    orb_msg_pm_kill_response_decode(reply.data, reply.len, &r) == 0)
		orb_printf("pm_noperm: PM_KILL of pid %u answered status %d\n", target, r.status);
	else
		orb_printf("pm_noperm: PM_KILL failed: %ld\n", rc);
}

static void read_the_audit_log(void)
{
	orb_cptr_t perm;
	if (orb_lookup_service("permissions", &perm, NULL, 0) < 0)
		return;
	uint8_t buf[16];
	orb_msg_audit_syslog_t q = { .from_seq = 1, .max = 10 };
	long len = orb_msg_audit_syslog_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	long rc = orb_request(perm, ORB_MSG_AUDIT_SYSLOG, buf, (size_t)len, &reply);
	orb_msg_error_t e;
	if (rc == -ORB_EINVAL && reply.tag == ORB_MSG_ERROR &&
	    orb_msg_error_decode(reply.data, reply.len, &e) == 0)
		orb_printf("pm_noperm: AUDIT_SYSLOG refused with code %#x\n", e.code);
	else
		orb_printf("pm_noperm: AUDIT_SYSLOG answered: %ld tag %#x\n", rc, reply.tag);
}

int main(void)
{
	orb_printf("pm_noperm: pid %u\n", orb_pid());
	orb_cptr_t pm;
	long rc = orb_lookup_service("process", &pm, NULL, 0);
	if (rc < 0) {
		orb_printf("pm_noperm: no process manager: %ld\n", rc);
		return 2;
	}
	ask_pm(pm);
	ask_kernel();
	kill_driver(pm);
	read_the_audit_log();
	return 0;
}
