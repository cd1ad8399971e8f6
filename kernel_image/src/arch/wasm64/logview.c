/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The page's live SysLog view: the host asks for the records after the last one it has
 * (wasm_syslog) and reads them from wasm_syslog_buffer. Reading only: safe to call
 * between any two kernel steps.
 */
#include <kernel/axiom.h>

#define VIEW_MAX 256

static orb_syslog_record_t view[VIEW_MAX];

__attribute__((export_name("wasm_syslog_buffer"))) orb_syslog_record_t *wasm_syslog_buffer(void)
{
	return view;
}

__attribute__((export_name("wasm_syslog"))) u32 wasm_syslog(u64 from_seq)
{
	return axiom_syslog_copy(from_seq, view, VIEW_MAX);
}
