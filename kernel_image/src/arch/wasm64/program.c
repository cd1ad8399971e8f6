/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The wasm64 program loader: a program is a WebAssembly module (version 1) built by
 * `orbital-build wasm`, which moved the module's data section into a custom section
 * "orbital.data" (same encoding). Like the ELF loader's PT_LOAD copy, the kernel copies
 * each data segment into the process's memory itself: a module without a data section can
 * be instantiated once per thread on the same memory without re-initialising it.
 *
 * Checked before use: magic and version, every section's bounds, no data section left,
 * each segment active in memory 0 with a constant i64 offset, and lying in the static-data
 * window [USER_BASE, WASM_DATA_TOP), which is mapped for it as one R_ELF region. The host
 * compiles the module and reports its function table (the entries threads may start at).
 */
#include <arch/wasm64/entries.h>
#include <arch/wasm64/host.h>
#include <kernel/printk.h>
#include <kernel/process.h>
#include <kernel/program.h>
#include <kernel/string.h>
#include <memlayout.h>
#include <orbital/abi.h>

#define SEC_CUSTOM 0
#define SEC_DATA 11
#define DATA_NAME "orbital.data"

struct reader {
	const u8 *p, *end;
	bool bad;
};

static u64 leb_u(struct reader *r)
{
	u64 v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			break;
		u8 b = *r->p++;
		v |= (u64)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static i64 leb_s(struct reader *r)
{
	i64 v = 0;
	unsigned shift = 0;
	while (shift < 64 && r->p < r->end) {
		u8 b = *r->p++;
		v |= (i64)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= -((i64)1 << shift);
			return v;
		}
	}
	r->bad = true;
	return 0;
}

static bool take(struct reader *r, u64 n, const u8 **out)
{
	if (r->bad || n > (u64)(r->end - r->p)) {
		r->bad = true;
		return false;
	}
	*out = r->p;
	r->p += n;
	return true;
}

static u64 refuse(const char *name, const char *why)
{
	printk("wasm: %s: %s; not started\n", name, why);
	return 0;
}

/* The segments of "orbital.data": call fn for each (offset, bytes, len); false if any is
 * malformed or outside the static-data window. */
static bool segments(struct reader r, struct process *p)
{
	u64 count = leb_u(&r);
	for (u64 i = 0; i < count && !r.bad; i++) {
		const u8 *op, *bytes;
		if (leb_u(&r) != 0 || !take(&r, 1, &op) || *op != 0x42)   /* active, i64.const */
			return false;
		i64 off = leb_s(&r);
		const u8 *endop;
		if (!take(&r, 1, &endop) || *endop != 0x0B)
			return false;
		u64 len = leb_u(&r);
		if (!take(&r, len, &bytes) || off < USER_BASE || (u64)off > WASM_DATA_TOP ||
		    len > WASM_DATA_TOP - (u64)off)
			return false;
		if (p && len && host_user_copy(p->vs.asid, (u64)off, (void *)bytes, len, 1) < 0)
			return false;
	}
	return !r.bad && r.p == r.end;
}

/* Walk the sections; the "orbital.data" payload in *data (empty when absent). */
static const char *parse(const u8 *image, u64 size, struct reader *data)
{
	static const u8 head[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
	if (size < sizeof(head) || memcmp(image, head, sizeof(head)))
		return "not a WebAssembly module (version 1)";
	struct reader r = { image + sizeof(head), image + size, false };
	*data = (struct reader){ NULL, NULL, false };
	while (r.p < r.end) {
		const u8 *id, *body;
		if (!take(&r, 1, &id))
			break;
		u64 len = leb_u(&r);
		if (!take(&r, len, &body))
			break;
		if (*id == SEC_DATA)
			return "has a data section (not built by orbital-build wasm)";
		if (*id != SEC_CUSTOM)
			continue;
		struct reader c = { body, body + len, false };
		const u8 *name;
		u64 nlen = leb_u(&c);
		if (take(&c, nlen, &name) && nlen == sizeof(DATA_NAME) - 1 &&
		    !memcmp(name, DATA_NAME, nlen))
			*data = c;
	}
	if (r.bad)
		return "a section runs past the end";
	if (data->p && !segments(*data, NULL))
		return "a data segment is malformed or outside the static-data window";
	return NULL;
}

u64 program_check(const char *name, const u8 *image, u64 size)
{
	struct reader data;
	const char *why = parse(image, size, &data);
	return why ? refuse(name, why) : WASM_START_ENTRY;
}

u64 program_load(struct process *p, const u8 *image, u64 size)
{
	struct reader data;
	const char *why = parse(image, size, &data);
	if (why)
		return refuse(p->name, why);
	i64 entries = host_program_load(p->vs.asid, image, size, p->name);
	if (entries < 0)
		return refuse(p->name, "the host cannot compile it");
	vm_set_entries(&p->vs, (u64)entries);
	u64 window = WASM_DATA_TOP - USER_BASE;
	if (!region_add(p, USER_BASE, window, R_ELF, VM_READ | VM_WRITE) ||
	    region_populate(p, USER_BASE, window, VM_READ | VM_WRITE) < 0)
		return refuse(p->name, "no memory for its static data");
	if (data.p && !segments(data, p))
		return refuse(p->name, "cannot copy its data");
	return WASM_START_ENTRY;
}
