/* SPDX-License-Identifier: Apache-2.0 */
/* Process start, threads, time, and the pieces of the runtime every program uses. The
 * machine's pieces (entry, orb_ipcbuf, orb_cycles) are in services/lib/arch/<arch>/. */
#include <orbital.h>

static uint32_t my_pid;

void orb_start(uint64_t arg, orb_ipc_buffer_t *ipcbuf);

void orb_start(uint64_t arg, orb_ipc_buffer_t *ipcbuf)
{
	(void)ipcbuf;
	my_pid = (uint32_t)arg;   /* the kernel starts a process's first thread with its pid */
	orb_exit(main());
}

uint32_t orb_pid(void)
{
	if (!my_pid)
		my_pid = (uint32_t)orb_process_self();
	return my_pid;
}

uint64_t orb_now_ns(void)
{
	return (uint64_t)orb_clock_get();
}

void orb_sleep_ms(uint64_t ms)
{
	orb_sleep(ms * 1000000ull);
}

void orb_exit_process(int code)
{
	orb_exit(code);
}

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

static void thread_entry(struct thread_start *s, orb_ipc_buffer_t *ipcbuf);

static void thread_entry(struct thread_start *s, orb_ipc_buffer_t *ipcbuf)
{
	(void)ipcbuf;
	struct thread_start st = *s;
	orb_free(s);
	st.fn(st.arg);
	orb_thread_exit(0);
}

long orb_self_entry(orb_proc_entry_t *out)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < (long)ORB_ARRAY_SIZE(list); i++) {
		if (list[i].pid == orb_pid()) {
			*out = list[i];
			return 0;
		}
	}
	return n < 0 ? n : -ORB_ENOENT;
}

uint32_t orb_priority(void)
{
	orb_proc_entry_t e;
	return orb_self_entry(&e) == 0 ? e.priority : 64;
}

long orb_thread_start(void (*fn)(void *), void *arg, uint32_t priority)
{
	struct thread_start *s = orb_malloc(sizeof(*s));
	if (!s)
		return -ORB_ENOMEM;
	s->fn = fn;
	s->arg = arg;
	long tid = orb_thread_create((void *)thread_entry, 0, (uint64_t)(uintptr_t)s, priority);
	if (tid < 0)
		orb_free(s);
	return tid;
}
