/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kill test (images/storage-kill.toml, tests/e2e/test_storage_kill.py). A writer
 * thread keeps storing values under 64 keys and records which of its SETs Storage
 * acknowledged; meanwhile the main thread kills the Storage service 20 times, then the
 * block driver 20 times, each time once a few more writes were acknowledged, and waits
 * for init to start the next instance. A client
 * gets its answer or an error, never nothing: a request the dead instance held is asked
 * again of the next one (liborbital retries while a service restarts). Afterwards every
 * acknowledged write must read back — its value, or a later one whose SET failed (it may
 * have reached the disk before the error).
 *
 * Prints "kv-kill: SERVICE: K kills, R restarts" per victim and one summary line
 * "kv-kill: N writes acknowledged, F failed, S keys checked, L lost".
 */
#include <orbital.h>
#include <orbital/service.h>
#include <orbital/storage.h>

#define KILLS 20
#define KEYS 64
#define STORAGE_SLOT ORB_SLOT_FIRST_CAP          /* endpoint:storage:w */
#define PROCESS_SLOT (ORB_SLOT_FIRST_CAP + 1)    /* process:root:w */

static orb_storage_t kv;
static volatile bool stop;
static uint32_t acked[KEYS], failed_seq[KEYS];
static uint64_t writes_acked, writes_failed;
static long first_error;

static size_t value_of(uint8_t *buf, uint32_t seq, uint32_t key)
{
	size_t len = 64 + (seq * 37u) % 2000;
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seq * 31u + key * 7u + i);
	return len;
}

static void writer(void *arg)
{
	(void)arg;
	static uint8_t buf[4096];
	for (uint32_t seq = 1; !stop; seq++) {
		uint32_t key = seq % KEYS;
		char name[8];
		snprintf(name, sizeof(name), "w%02u", key);
		size_t len = value_of(buf, seq, key);
		long rc = orb_storage_set(&kv, name, strlen(name), buf, len, 0);
		if (rc == 0) {
			acked[key] = seq;
			__atomic_add_fetch(&writes_acked, 1, __ATOMIC_ACQ_REL);
		} else {
			failed_seq[key] = seq;
			if (!writes_failed++)
				first_error = rc;
		}
	}
}

static uint32_t pid_of(const char *name)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < 64; i++)
		if (!strcmp((const char *)list[i].name, name))
			return list[i].pid;
	return 0;
}

/* Kill `name` KILLS times, each once a few more writes were acknowledged (so every kill
 * comes while the writer is being served); count the restarts. */
static bool kill_loop(const char *name)
{
	unsigned kills = 0, restarts = 0;
	for (unsigned k = 0; k < KILLS; k++) {
		uint64_t before = __atomic_load_n(&writes_acked, __ATOMIC_ACQUIRE);
		for (int ms = 0; ms < 10000; ms += 2) {
			if (__atomic_load_n(&writes_acked, __ATOMIC_ACQUIRE) >= before + 5)
				break;
			orb_sleep_ms(2);
		}
		orb_sleep_ms(k % 4 * 7);   /* not always at the same point of a write */
		uint32_t pid = pid_of(name);
		if (!pid || orb_process_kill(PROCESS_SLOT, pid) < 0)
			break;
		kills++;
		for (int ms = 0; ms < 10000; ms += 5) {   /* init starts the next instance */
			uint32_t now = pid_of(name);
			if (now && now != pid) {
				restarts++;
				break;
			}
			orb_sleep_ms(5);
		}
	}
	orb_printf("kv-kill: %s: %u kills, %u restarts\n", name, kills, restarts);
	return kills == KILLS && restarts == KILLS;
}

int main(void)
{
	orb_send_ready();
	if (orb_storage_open(&kv, STORAGE_SLOT) < 0)
		return 1;
	long tid = orb_thread_start(writer, NULL, orb_priority());
	if (tid < 0)
		return 1;
	bool ok = kill_loop("storage");
	ok &= kill_loop("virtio-blk");
	orb_sleep_ms(100);
	stop = true;
	orb_thread_join_out_t code;
	orb_thread_join((uint64_t)tid, &code);
	/* every acknowledged write reads back */
	static uint8_t want[4096], alt[4096], got[4096];
	unsigned lost = 0, checked = 0;
	for (uint32_t key = 0; key < KEYS; key++) {
		if (!acked[key])
			continue;
		char name[8];
		snprintf(name, sizeof(name), "w%02u", key);
		size_t len = 0, wl = value_of(want, acked[key], key), al = 0;
		long rc = orb_storage_get(&kv, name, strlen(name), got, sizeof(got), &len);
		bool good = rc == 0 && len == wl && !memcmp(got, want, wl);
		if (!good && rc == 0 && failed_seq[key] > acked[key]) {
			al = value_of(alt, failed_seq[key], key);
			good = len == al && !memcmp(got, alt, al);
		}
		if (!good)
			orb_printf("kv-kill: %s: get %ld, %zu bytes; acknowledged %u (%zu bytes)\n",
				   name, rc, len, acked[key], wl);
		lost += !good;
		checked++;
	}
	orb_printf("kv-kill: %lu writes acknowledged, %lu failed (first: %ld), %u keys checked, "
		   "%u lost\n", (unsigned long)writes_acked, (unsigned long)writes_failed,
		   first_error, checked, lost);
	return ok && lost == 0 && checked == KEYS ? 0 : 1;
}
