/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pm_hog: a program that goes over its limits, for the PM tests. What it overdoes
 * depends on the name it was started under:
 *
 *   pm_hog   burns CPU time, and expects the PM to kill it;
 *   caphog   creates 8 endpoints (8 more capabilities), printing each answer;
 *   memhog   asks the kernel for 2 MiB, then 64 KiB, and prints the answers;
 *   queuehog sends to its own endpoint until the kernel refuses, and prints the count.
 *
 * It prints every RESOURCE_WARNING the PM sends it. pm_hog gives up after 10 s (exit 3);
 * the others exit 0 after 1 s without a message.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>

#define LIFETIME_NS (10000 * 1000000ull)

static char name[32];

static void own_name(void)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	snprintf(name, sizeof(name), "pid-%u", orb_pid());
	for (long i = 0; i < n && i < 64; i++)
		if (list[i].pid == orb_pid())
			orb_strcopy(name, sizeof(name), (const char *)list[i].name,
				    strnlen((const char *)list[i].name, sizeof(list[i].name)));
}

static void print_warning(const orb_msg_t *m)
{
	orb_msg_resource_warning_t w;
	if (m->tag != ORB_MSG_RESOURCE_WARNING || m->sender == 0 ||
	    orb_msg_resource_warning_decode(m->data, m->len, &w) < 0)
		return;
	orb_printf("%s: RESOURCE_WARNING violation %u count %u from pid %u\n", name, w.violation,
		   w.count, m->sender);
}

/* Some work the compiler cannot drop. */
static volatile uint64_t sink;

static void burn(void)
{
	uint64_t end = orb_now_ns() + LIFETIME_NS;
	while (orb_now_ns() < end) {
		for (uint32_t i = 0; i < 200000; i++)
			sink = sink * 6364136223846793005ull + i;
		orb_msg_t m;
		if (orb_try_recv(ORB_SLOT_SELF, &m) == 0)
			print_warning(&m);
	}
}

static void wait_warnings(uint64_t quiet_ns, uint64_t total_ns)
{
	uint64_t end = orb_now_ns() + total_ns;
	for (uint64_t now = orb_now_ns(); now < end; now = orb_now_ns()) {
		orb_msg_t m;
		uint64_t left = end - now;
		if (orb_recv(ORB_SLOT_SELF, &m, quiet_ns < left ? quiet_ns : left) < 0) {
			if (quiet_ns < total_ns)
				return;   /* quiet long enough */
			continue;
		}
		print_warning(&m);
	}
}

static void grab_memory(void)
{
	orb_proc_entry_t me[64];
	long n = orb_process_list(me, sizeof(me));
	for (long i = 0; i < n && i < 64; i++)
		if (me[i].pid == orb_pid())
			orb_printf("%s: %lu pages mapped at start\n", name,
				   (unsigned long)me[i].mem_pages);
	uint64_t sizes[] = { 2u << 20, 64u << 10 };
	for (unsigned i = 0; i < ORB_ARRAY_SIZE(sizes); i++) {
		long rc = (long)orb_mem_map(0, sizes[i], ORB_PROT_READ | ORB_PROT_WRITE,
					    ORB_CAP_NONE, NULL);
		orb_printf("%s: mem_map of %lu KiB -> %s (%ld)\n", name,
			   (unsigned long)(sizes[i] >> 10), rc < 0 ? "refused" : "mapped",
			   rc < 0 ? rc : 0);
	}
}

static void grab_capabilities(void)
{
	static orb_cap_info_t held[16];
	orb_printf("%s: %ld capabilities at start\n", name, orb_cap_list(held, sizeof(held)));
	for (int i = 1; i <= 8; i++) {
		orb_cptr_t ep;
		long rc = orb_ep_create(&ep);
		orb_printf("%s: endpoint %d -> %s (%ld)\n", name, i, rc < 0 ? "refused" : "created",
			   rc < 0 ? rc : 0);
	}
}

static void fill_queue(void)
{
	long rc = 0;
	int n = 0;
	while (n < 300 && (rc = orb_send(ORB_SLOT_SELF, 0x7001, NULL, 0, NULL, 0)) == 0)
		n++;
	orb_printf("%s: %d messages queued, then %ld\n", name, n, rc);
	orb_msg_t m;
	while (orb_try_recv(ORB_SLOT_SELF, &m) == 0)   /* drain */
		print_warning(&m);
}

int main(void)
{
	own_name();
	if (strcmp(name, "memhog") == 0) {
		grab_memory();
		wait_warnings(1000 * 1000000ull, LIFETIME_NS);
		return 0;
	}
	if (strcmp(name, "queuehog") == 0) {
		fill_queue();
		wait_warnings(1000 * 1000000ull, LIFETIME_NS);
		return 0;
	}
	if (strcmp(name, "caphog") == 0) {
		grab_capabilities();
		wait_warnings(1000 * 1000000ull, LIFETIME_NS);
		return 0;
	}
	orb_printf("%s: burning CPU\n", name);
	burn();
	orb_printf("%s: still alive after 10 s\n", name);
	return 3;
}
