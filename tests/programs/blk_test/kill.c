/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kill: while a thread keeps writing (and recording which of its writes were
 * acknowledged), the driver is killed 20 times; init restarts it each time. A request
 * the dead instance held is answered by the next one (the client library retries), or
 * fails with an error. Afterwards every acknowledged write must read back.
 *
 * The writer cycles over SLOTS places of 16 sectors; slot s last acknowledged sequence
 * number acked[s]. A write that failed leaves its slot holding either that or its own
 * data, so such a slot is checked against both.
 */
#include "blktest.h"

#define KILLS 20
#define SLOTS 64
#define SLOT_SECTORS 16u

static volatile bool stop;
static uint32_t acked[SLOTS], failed_seq[SLOTS];
static uint64_t writes_acked, writes_failed;

static void fill(uint8_t *buf, uint32_t seq, uint64_t sector)
{
	for (uint32_t s = 0; s < SLOT_SECTORS; s++)
		for (uint32_t o = 0; o < SECTOR; o++)
			buf[s * SECTOR + o] = pattern(seq, sector + s, o);
}

static void writer(void *arg)
{
	struct orb_blk *b = arg;
	static uint8_t buf[SLOT_SECTORS * SECTOR];
	for (uint32_t seq = 1; !stop; seq++) {
		uint32_t slot = seq % SLOTS;
		uint64_t sector = KILL_SECTOR + (uint64_t)slot * SLOT_SECTORS;
		fill(buf, seq, sector);
		if (orb_blk_write(b, sector, SLOT_SECTORS, buf) == 0) {
			acked[slot] = seq;
			writes_acked++;
		} else {
			failed_seq[slot] = seq;
			writes_failed++;
		}
	}
}

static uint32_t driver_pid(void)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < 64; i++)
		if (!strcmp((const char *)list[i].name, "virtio-blk"))
			return list[i].pid;
	return 0;
}

int stage_kill(struct orb_blk *b)
{
	struct orb_blk wb;
	long rc = orb_blk_open(&wb, blk_ep);
	long tid = rc < 0 ? rc : orb_thread_start(writer, &wb, orb_priority());
	if (tid < 0) {
		orb_printf("blk-test: kill: no writer: %ld\n", tid);
		return 1;
	}
	unsigned kills = 0, restarts = 0;
	for (unsigned k = 0; k < KILLS; k++) {
		orb_sleep_ms(40);
		uint32_t pid = driver_pid();
		if (!pid || orb_process_kill(ORB_SLOT_FIRST_CAP, pid) < 0)
			break;
		kills++;
		for (int ms = 0; ms < 5000; ms += 5) {   /* init starts the next instance */
			uint32_t now = driver_pid();
			if (now && now != pid) {
				restarts++;
				break;
			}
			orb_sleep_ms(5);
		}
	}
	orb_sleep_ms(100);
	stop = true;
	orb_thread_join_out_t code;
	orb_thread_join((uint64_t)tid, &code);
	orb_blk_close(&wb);
	/* every acknowledged write is there */
	static uint8_t want[SLOT_SECTORS * SECTOR], alt[SLOT_SECTORS * SECTOR],
		got[SLOT_SECTORS * SECTOR];
	unsigned lost = 0, checked = 0;
	for (uint32_t slot = 0; slot < SLOTS; slot++) {
		if (!acked[slot])
			continue;
		uint64_t sector = KILL_SECTOR + (uint64_t)slot * SLOT_SECTORS;
		if (orb_blk_read(b, sector, SLOT_SECTORS, got) < 0) {
			lost++;
			continue;
		}
		fill(want, acked[slot], sector);
		bool ok = !memcmp(got, want, sizeof(got));
		if (!ok && failed_seq[slot] > acked[slot]) {
			fill(alt, failed_seq[slot], sector);
			ok = !memcmp(got, alt, sizeof(got));
		}
		lost += !ok;
		checked++;
	}
	orb_printf("blk-test: kill: %u kills, %u restarts, %lu writes acknowledged, %lu failed, "
		   "%u slots checked, %u lost\n", kills, restarts, (unsigned long)writes_acked,
		   (unsigned long)writes_failed, checked, lost);
	return kills == KILLS && restarts == KILLS && lost == 0 && writes_acked > KILLS ? 0 : 1;
}
