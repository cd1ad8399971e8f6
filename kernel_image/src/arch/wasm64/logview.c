/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The page's live SysLog view: the host asks for the records after the last one it has
 * (wasm_syslog) and reads them from wasm_syslog_buffer. Reading only: safe to call
 * between any two kernel steps.
 */
#include <arch/arch.h>
#include <kernel/axiom.h>

#define VIEW_MAX 256

static orb_syslog_record_t view[VIEW_MAX];

__attribute__((export_name("wasm_syslog_buffer"))) orb_syslog_record_t *wasm_syslog_buffer(void)
{
	return view;
}

/* The records from from_seq (or the oldest the ring keeps) on, at most VIEW_MAX; how many. */
__attribute__((export_name("wasm_syslog"))) u32 wasm_syslog(u64 from_seq)
{
	u64 next = axiom_syslog_next;
	u64 oldest = next > AXIOM_SYSLOG_RECORDS ? next - AXIOM_SYSLOG_RECORDS : 1;
	u32 n = 0;
	for (u64 s = MAX(from_seq, oldest); s < next && n < VIEW_MAX; s++, n++) {
		view[n] = axiom_syslog[s % AXIOM_SYSLOG_RECORDS];
		view[n].time_ns = arch_stamp_to_ns(view[n].time_ns);
	}
	return n;
}
