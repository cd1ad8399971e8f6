/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pm_sleeper: a well-behaved program for the PM tests. It prints the capabilities it
 * starts with (as the kernel lists them), then waits on its endpoint (slot 0): it exits 0
 * on SERVICE_STOP, or ignores it when its name starts with "stubborn" (so that the PM's
 * 1 s grace ends in a kill). It gives up after 60 s.
 */
#include <orbital.h>
#include <orbital/service.h>

#define WAIT_ROUNDS 600   /* x 100 ms */

static void own_name(char *out, size_t len)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	snprintf(out, len, "pid-%u", orb_pid());
	for (long i = 0; i < n && i < 64; i++)
		if (list[i].pid == orb_pid())
			orb_strcopy(out, len, (const char *)list[i].name,
				    strnlen((const char *)list[i].name, sizeof(list[i].name)));
}

static void print_caps(const char *name)
{
	static orb_cap_info_t caps[16];
	long n = orb_cap_list(caps, sizeof(caps));
	for (long i = 0; i < n && i < 16; i++)
		orb_printf("%s: pid %u holds slot %u type %u rights %u\n", name, orb_pid(),
			   caps[i].slot, caps[i].object_type, caps[i].rights);
}

int main(void)
{
	char name[32];
	own_name(name, sizeof(name));
	bool stubborn = strncmp(name, "stubborn", 8) == 0;
	print_caps(name);
	for (int i = 0; i < WAIT_ROUNDS; i++) {
		orb_msg_t m;
		if (orb_recv(ORB_SLOT_SELF, &m, 100 * 1000000ull) < 0)
			continue;
		if (m.tag != ORB_MSG_SERVICE_STOP)
			continue;
		if (!stubborn) {
			orb_printf("%s: SERVICE_STOP, exiting\n", name);
			return 0;
		}
		orb_printf("%s: ignoring SERVICE_STOP\n", name);
	}
	orb_printf("%s: nobody stopped me in 60 s\n", name);
	return 3;
}
