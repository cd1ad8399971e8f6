/* SPDX-License-Identifier: Apache-2.0 */
/*
 * In-guest benchmarks (orbital-qemu bench): cycle counts measured in one boot, many
 * iterations each, medians reported. Absolute cycles under TCG mean little; the ratios
 * between paths measured side by side in the same run are the result.
 *   null      nop syscall round trip
 *   fast      call + reply_recv round trip with a 32-byte message (the fast path)
 *             to another process (an address-space switch each way)
 *   thread    the same to a thread of this process (no address-space switch)
 *   long      the same with a 33-byte message (the slow path, IPC buffer copies)
 *   caps8     the same with 8 capabilities moved there and back (slow path + commits)
 */
#include <orbital.h>

#define N 1001

static uint64_t samples[N];

static uint64_t median(void)
{
	for (int gap = N / 2; gap > 0; gap /= 2)   /* shell sort */
		for (int i = gap; i < N; i++)
			for (int j = i; j >= gap && samples[j - gap] > samples[j]; j -= gap) {
				uint64_t t = samples[j];
				samples[j] = samples[j - gap];
				samples[j - gap] = t;
			}
	return samples[N / 2];
}

static uint64_t bench_null(void)
{
	for (int i = 0; i < N; i++) {
		uint64_t t0 = orb_cycles();
		orb_nop();
		samples[i] = orb_cycles() - t0;
	}
	return median();
}

static uint64_t bench_call(orb_cptr_t server, uint32_t len, uint32_t ncaps)
{
	orb_ipc_buffer_t *b = orb_ipcbuf();
	orb_cptr_t caps[8];
	for (uint32_t i = 0; i < ncaps; i++)
		caps[i] = (orb_cptr_t)orb_cap_derive(0, ORB_RIGHT_WRITE | ORB_RIGHT_GRANT, 0, 0);
	for (int i = 0; i < N; i++) {
		for (uint32_t c = 0; c < ncaps; c++) {
			b->send_caps[c] = caps[c];
			b->recv_slots[c] = ORB_CAP_NONE;
		}
		orb_endpoint_call_out_t o;
		uint64_t t0 = orb_cycles();
		long r = orb_endpoint_call(server, orb_msginfo_new(7, len, ncaps), 1, 2, 3, 4, &o);
		samples[i] = orb_cycles() - t0;
		if (r < 0 || orb_msginfo_get_ncaps((uint64_t)r) != ncaps) {
			orb_printf("bench: call failed: %ld\n", r);
			return 0;
		}
		for (uint32_t c = 0; c < ncaps; c++)
			caps[c] = b->recv_caps[c];
	}
	for (uint32_t c = 0; c < ncaps; c++)
		orb_cap_delete(caps[c]);
	return median();
}

static orb_cptr_t local_ep;

static void local_server(void *arg)
{
	(void)arg;
	orb_endpoint_receive_wait_out_t o;
	long info = orb_endpoint_receive_wait(local_ep, 0, &o);
	while (info >= 0) {
		orb_endpoint_reply_recv_out_t ro;
		info = orb_endpoint_reply_recv(local_ep, info, o.mr0, o.mr1, o.mr2, o.mr3, &ro);
		o.mr0 = ro.mr0, o.mr1 = ro.mr1, o.mr2 = ro.mr2, o.mr3 = ro.mr3;
	}
}

int main(void)
{
	orb_cptr_t ep;
	orb_ep_create(&ep);
	orb_spawn_cap_t give = { .src = ep, .dst = 0, .rights = ORB_RIGHT_WRITE };
	orb_spawn_spec_t spec;
	memset(&spec, 0, sizeof(spec));
	memcpy(spec.name, "bench-server", 12);
	memcpy(spec.image, "bench-server", 12);
	spec.proc = 0;               /* bench's slot 0: the root Process capability */
	spec.exit_notify = ORB_CAP_NONE;
	spec.caps_addr = (uint64_t)(uintptr_t)&give;
	spec.ncaps = 1;
	spec.priority = 64;
	long pid = orb_process_spawn(&spec, sizeof(spec));
	orb_msg_t m;
	if (pid < 0 || orb_recv(ep, &m, 2000000000ull) < 0 || m.ncaps != 1) {
		orb_printf("bench: cannot start the server (%ld)\n", pid);
		return 1;
	}
	orb_cptr_t server = m.caps[0];
	orb_reply(1, NULL, 0, NULL, 0);
	orb_sleep_ms(10);   /* let the server block in receive */

	uint64_t null = bench_null();
	orb_ep_create(&local_ep);
	orb_thread_start(local_server, NULL, 64);
	orb_sleep_ms(10);
	uint64_t thread = bench_call(local_ep, 32, 0);
	uint64_t fast = bench_call(server, 32, 0);
	uint64_t slow = bench_call(server, 33, 0);
	uint64_t caps8 = bench_call(server, 32, 8);
	orb_sys_info_t info;
	orb_system_info(&info, sizeof(info));
	orb_printf("bench: {\"iterations\": %d, \"null_syscall_cycles\": %lu, "
		   "\"ipc_fastpath_roundtrip_cycles\": %lu, \"ipc_fastpath_same_space_roundtrip_cycles\": %lu, "
		   "\"ipc_slowpath_long_roundtrip_cycles\": %lu, "
		   "\"ipc_slowpath_8caps_roundtrip_cycles\": %lu, \"tsc_hz\": %lu}\n", N,
		   (unsigned long)null, (unsigned long)fast, (unsigned long)thread, (unsigned long)slow,
		   (unsigned long)caps8, (unsigned long)info.tsc_hz);
	orb_process_kill(0, (uint32_t)pid);
	return 0;
}
