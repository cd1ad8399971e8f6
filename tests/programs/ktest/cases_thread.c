/* SPDX-License-Identifier: Apache-2.0 */
/* Threads: create/join/exit, bad arguments, preemption and sleep ordering. */
#include "ktest.h"

#define PRIO 64

static void exit_with(void *arg)
{
	orb_thread_exit((int)(intptr_t)arg);
}

static long join(uint64_t tid, int32_t *code)
{
	orb_thread_join_out_t out;
	long rc = orb_thread_join(tid, &out);
	if (code)
		*code = out.code;
	return rc;
}

static void create_and_join(struct kt *t)
{
	long tid = orb_thread_start(exit_with, (void *)(intptr_t)42, PRIO);
	KT_TRUE(t, tid > 0);
	int32_t code = 0;
	KT_EQ(t, join((uint64_t)tid, &code), 0);
	KT_EQ(t, code, 42);
}

static void negative_exit_codes_survive_join(struct kt *t)
{
	long tid = orb_thread_start(exit_with, (void *)(intptr_t)-7, PRIO);
	int32_t code = 0;
	KT_EQ(t, join((uint64_t)tid, &code), 0);
	KT_EQ(t, code, -7);
}

static void join_a_thread_that_already_ended(struct kt *t)
{
	long tid = orb_thread_start(exit_with, (void *)(intptr_t)5, PRIO);
	orb_sleep_ms(20);
	int32_t code = 0;
	KT_EQ(t, join((uint64_t)tid, &code), 0);
	KT_EQ(t, code, 5);
	KT_ERR(t, join((uint64_t)tid, NULL), ORB_ENOENT);   /* reaped by the first join */
}

static void join_rejects_unknown_tids(struct kt *t)
{
	KT_ERR(t, join(999999, NULL), ORB_ENOENT);
	KT_ERR(t, join(0, NULL), ORB_ENOENT);
}

static void create_rejects_bad_entry(struct kt *t)
{
	static uint64_t data_word;
	KT_ERR(t, orb_thread_create((void *)KERNEL_ADDR, 0, 0, PRIO), ORB_EINVAL);
	KT_ERR(t, orb_thread_create((void *)NONCANON_ADDR, 0, 0, PRIO), ORB_EINVAL);
	KT_ERR(t, orb_thread_create(0, 0, 0, PRIO), ORB_EINVAL);
	KT_ERR(t, orb_thread_create((void *)&data_word, 0, 0, PRIO), ORB_EINVAL);   /* NX */
}

static void create_rejects_bad_stack_and_priority(struct kt *t)
{
	KT_ERR(t, orb_thread_create((void *)exit_with, (void *)KERNEL_ADDR, 0, PRIO), ORB_EINVAL);
	KT_ERR(t, orb_thread_create((void *)exit_with, 0, 0, 256), ORB_EINVAL);
	KT_ERR(t, orb_thread_create((void *)exit_with, 0, 0, 0), ORB_EPERM);   /* more urgent */
}

static volatile uint64_t counters[2];
static volatile bool stop;

static void spin(void *arg)
{
	int i = (int)(intptr_t)arg;
	while (!stop)
		counters[i]++;
}

static void busy_threads_are_preempted(struct kt *t)
{
	stop = false;
	counters[0] = counters[1] = 0;
	long a = orb_thread_start(spin, (void *)0, PRIO);
	long b = orb_thread_start(spin, (void *)1, PRIO);
	KT_TRUE(t, a > 0 && b > 0);
	orb_sleep_ms(200);   /* neither spinner ever yields: only the timer can share the CPU */
	stop = true;
	KT_EQ(t, join((uint64_t)a, NULL), 0);
	KT_EQ(t, join((uint64_t)b, NULL), 0);
	KT_TRUE(t, counters[0] > 0 && counters[1] > 0);
}

static volatile int order[3], norder;

static void sleeper(void *arg)
{
	int ms = (int)(intptr_t)arg;
	orb_sleep_ms((uint64_t)ms);
	order[norder++] = ms;
}

static void sleepers_wake_in_deadline_order(struct kt *t)
{
	norder = 0;
	long a = orb_thread_start(sleeper, (void *)(intptr_t)60, PRIO);
	long b = orb_thread_start(sleeper, (void *)(intptr_t)20, PRIO);
	long c = orb_thread_start(sleeper, (void *)(intptr_t)40, PRIO);
	join((uint64_t)a, NULL);
	join((uint64_t)b, NULL);
	join((uint64_t)c, NULL);
	KT_EQ(t, norder, 3);
	KT_EQ(t, order[0], 20);
	KT_EQ(t, order[1], 40);
	KT_EQ(t, order[2], 60);
}

static void sleep_lasts_at_least_its_time(struct kt *t)
{
	uint64_t t0 = orb_now_ns();
	orb_sleep_ms(30);
	KT_TRUE(t, orb_now_ns() - t0 >= 30000000ull);
	KT_EQ(t, orb_sleep(0), 0);
}

static void yield_returns_zero(struct kt *t)
{
	KT_EQ(t, orb_yield(), 0);
}

static void many_threads(struct kt *t)
{
	long tids[16];
	for (int i = 0; i < 16; i++) {
		tids[i] = orb_thread_start(exit_with, (void *)(intptr_t)i, PRIO);
		KT_TRUE(t, tids[i] > 0);
	}
	for (int i = 0; i < 16; i++) {
		int32_t code = -1;
		KT_EQ(t, join((uint64_t)tids[i], &code), 0);
		KT_EQ(t, code, i);
	}
}

static uint8_t own_stack[16384] __attribute__((aligned(16)));
static volatile int ran_on_own_stack;

static void check_stack(void *arg)
{
	uint64_t sp;
	__asm__("movq %%rsp, %0" : "=r"(sp));
	ran_on_own_stack = sp > (uint64_t)own_stack && sp <= (uint64_t)own_stack + sizeof(own_stack);
	(void)arg;
	orb_thread_exit(0);
}

static void thread_on_a_caller_stack(struct kt *t)
{
	ran_on_own_stack = 0;
	long tid = orb_thread_create((void *)check_stack, own_stack + sizeof(own_stack), 0, PRIO);
	KT_TRUE(t, tid > 0);
	KT_EQ(t, join((uint64_t)tid, NULL), 0);
	KT_EQ(t, ran_on_own_stack, 1);
}

static volatile long second_tid;
static volatile int second_ran;

static void second(void *arg)
{
	orb_sleep_ms(20);
	second_ran = 1;
	(void)arg;
}

static void first(void *arg)
{
	second_tid = orb_thread_start(second, NULL, PRIO);
	(void)arg;   /* returns at once: thread_exit while `second` still runs */
}

static void a_thread_exit_leaves_the_others(struct kt *t)
{
	second_tid = 0;
	second_ran = 0;
	long a = orb_thread_start(first, NULL, PRIO);
	KT_EQ(t, join((uint64_t)a, NULL), 0);
	KT_TRUE(t, second_tid > 0);
	KT_EQ(t, join((uint64_t)second_tid, NULL), 0);
	KT_EQ(t, second_ran, 1);
}

const struct kcase kt_thread_cases[] = {
	{ "a_thread_exit_leaves_the_others", a_thread_exit_leaves_the_others },
	{ "create_and_join", create_and_join },
	{ "negative_exit_codes_survive_join", negative_exit_codes_survive_join },
	{ "join_a_thread_that_already_ended", join_a_thread_that_already_ended },
	{ "join_rejects_unknown_tids", join_rejects_unknown_tids },
	{ "create_rejects_bad_entry", create_rejects_bad_entry },
	{ "create_rejects_bad_stack_and_priority", create_rejects_bad_stack_and_priority },
	{ "busy_threads_are_preempted", busy_threads_are_preempted },
	{ "sleepers_wake_in_deadline_order", sleepers_wake_in_deadline_order },
	{ "sleep_lasts_at_least_its_time", sleep_lasts_at_least_its_time },
	{ "yield_returns_zero", yield_returns_zero },
	{ "many_threads", many_threads },
	{ "thread_on_a_caller_stack", thread_on_a_caller_stack },
};
const size_t kt_thread_count = ORB_ARRAY_SIZE(kt_thread_cases);
