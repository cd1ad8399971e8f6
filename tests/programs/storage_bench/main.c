/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storage-bench (images/bench-io.toml, `orbital-qemu bench`): the Storage service's
 * throughput, in the boot that measured the block driver alone. It waits for blk-bench
 * to finish (both use the one disk), has init start Storage (which formats the blank
 * disk), then times, in guest time:
 *
 *   - SETs of 4 KiB values over 64 keys (each acknowledged once flushed to the disk);
 *   - GETs of those values;
 *   - SETs of (1 MiB - 16)-byte values to one key, 16 in all.
 *
 * A System program (it starts Storage through init), so its keys are in `system`, whose
 * 1 MiB quota the small keys are deleted to make room for the large value.
 * and prints one line `storagebench: {json}`.
 */
#include <orbital.h>
#include <orbital/messages.h>
#include <orbital/service.h>
#include <orbital/storage.h>

#define SMALL 4096u
#define SMALL_KEYS 64u
#define SMALL_OPS 1024u
#define BIG ((1u << 20) - 16)
#define BIG_OPS 16u

static uint8_t value[BIG];

static bool listed(const char *name)
{
	static orb_proc_entry_t list[64];
	long n = orb_process_list(list, sizeof(list));
	for (long i = 0; i < n && i < 64; i++)
		if (!strcmp((const char *)list[i].name, name))
			return true;
	return false;
}

/* SVC_START storage: it is held back until the raw measurements are done. */
static long start_storage(void)
{
	uint8_t buf[64];
	orb_msg_svc_start_t q = { .name = { "storage", 7 } };
	long n = orb_msg_svc_start_encode(buf, sizeof(buf), &q);
	orb_msg_t reply;
	long rc = n < 0 ? n : orb_request(ORB_SLOT_INIT, ORB_MSG_SVC_START, buf, (size_t)n, &reply);
	orb_msg_svc_response_t r;
	if (rc == 0 && (reply.tag != ORB_MSG_SVC_RESPONSE ||
			orb_msg_svc_response_decode(reply.data, reply.len, &r) < 0))
		rc = -ORB_EINVAL;
	return rc < 0 ? rc : r.status;
}

/* ops per second, x100, of `ops` operations in `ns` */
static uint64_t rate(uint64_t ops, uint64_t ns)
{
	return ops * 100 * 1000000000ull / (ns ? ns : 1);
}

int main(void)
{
	orb_send_ready();
	for (int i = 0; i < 6000 && listed("blk-bench"); i++)
		orb_sleep_ms(10);
	static orb_storage_t kv;
	long rc = start_storage();
	for (int i = 0; rc == 0 && i < 500; i++) {   /* until Storage registered */
		rc = orb_storage_open(&kv, ORB_CAP_NONE);
		if (rc == 0)
			break;
		rc = 0;
		orb_sleep_ms(10);
	}
	if (rc < 0 || kv.ep == ORB_CAP_NONE) {
		orb_printf("storagebench: no storage: %ld\n", rc);
		return 1;
	}
	for (uint32_t i = 0; i < BIG; i++)
		value[i] = (uint8_t)(i * 13 + 7);
	char key[16];
	uint64_t t0 = orb_now_ns();
	for (uint32_t i = 0; i < SMALL_OPS && rc == 0; i++) {
		snprintf(key, sizeof(key), "s%03u", i % SMALL_KEYS);
		value[0] = (uint8_t)i;
		rc = orb_storage_set(&kv, key, strlen(key), value, SMALL, 0);
	}
	uint64_t t1 = orb_now_ns();
	static uint8_t back[SMALL];
	for (uint32_t i = 0; i < SMALL_OPS && rc == 0; i++) {
		size_t len = 0;
		snprintf(key, sizeof(key), "s%03u", i % SMALL_KEYS);
		rc = orb_storage_get(&kv, key, strlen(key), back, sizeof(back), &len);
		if (rc == 0 && len != SMALL)
			rc = -ORB_EINVAL;
	}
	uint64_t t2 = orb_now_ns();
	for (uint32_t i = 0; i < SMALL_KEYS && rc == 0; i++) {
		bool existed;
		snprintf(key, sizeof(key), "s%03u", i);
		rc = orb_storage_delete(&kv, key, strlen(key), &existed);
	}
	uint64_t t3 = orb_now_ns();
	for (uint32_t i = 0; i < BIG_OPS && rc == 0; i++) {
		value[0] = (uint8_t)i;
		rc = orb_storage_set(&kv, "big", 3, value, BIG, 0);
	}
	uint64_t t4 = orb_now_ns();
	if (rc < 0) {
		orb_printf("storagebench: failed: %ld %s\n", rc, kv.reason);
		return 1;
	}
	uint64_t set = rate(SMALL_OPS, t1 - t0), get = rate(SMALL_OPS, t2 - t1);
	uint64_t mib = rate((uint64_t)BIG_OPS * BIG, t4 - t3) >> 20;
	orb_printf("storagebench: {\"storage_set_4k_ops_per_s\": %llu.%02llu, "
		   "\"storage_get_4k_ops_per_s\": %llu.%02llu, "
		   "\"storage_write_1m_mib_per_s\": %llu.%02llu, \"storage_small_ops\": %u, "
		   "\"storage_big_bytes\": %u}\n",
		   (unsigned long long)(set / 100), (unsigned long long)(set % 100),
		   (unsigned long long)(get / 100), (unsigned long long)(get % 100),
		   (unsigned long long)(mib / 100), (unsigned long long)(mib % 100), SMALL_OPS,
		   BIG_OPS * BIG);
	return 0;
}
