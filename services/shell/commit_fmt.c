/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One CommitLog entry as a line of text.
 *
 * axiom_commits_read copies whole envelopes in the canonical encoding (docs/gen/abi.md,
 * "Axiom records"):
 *   seq u64 | timestamp u64 | prev u8[32] | type u8 | has_cause u8 |
 *   caused_by u64 (if has_cause) | payload_len u16 | payload | id u8[32]
 * Each payload is its commit type's fields in order; the table below lists them
 * (orbital_build/abi/defs/axiom.py is the definition). The line reads like the host's
 * `orbital-build axiom show`: seq, time, type, then name=value per field, with the same
 * field names, so tests can compare the two.
 */
#include "shell.h"

enum field_kind { F_U8, F_U16, F_U32, F_I32, F_U64, F_STR, F_BYTES, F_HASH, F_CAP, F_RES };

struct field {
	enum field_kind kind;
	const char *name;
};

#define MAX_FIELDS 6

struct commit_layout {
	uint8_t type;
	struct field fields[MAX_FIELDS];   /* ends at the first NULL name */
};

static const struct commit_layout layouts[] = {
	{ 0x00, { { F_STR, "kernel_version" }, { F_U64, "tsc_hz" }, { F_U64, "memory_bytes" } } },
	{ 0x01, { { F_U64, "pid" }, { F_U64, "parent" }, { F_STR, "name" }, { F_STR, "binary" },
		  { F_RES, "limits" } } },
	{ 0x02, { { F_U64, "pid" }, { F_I32, "code" } } },
	{ 0x03, { { F_U64, "pid" }, { F_U32, "slot" }, { F_CAP, "cap" }, { F_U64, "badge" },
		  { F_U64, "parent_id" } } },
	{ 0x04, { { F_U64, "pid" }, { F_U32, "slot" } } },
	{ 0x06, { { F_U64, "id" }, { F_U64, "owner" } } },
	{ 0x07, { { F_U64, "id" } } },
	{ 0x08, { { F_U64, "pid" }, { F_U32, "slot" }, { F_U8, "rights" } } },
	{ 0x09, { { F_U64, "pid" }, { F_U64, "vaddr" }, { F_U64, "size" }, { F_U8, "prot" } } },
	{ 0x0A, { { F_U64, "pid" }, { F_U64, "vaddr" }, { F_U64, "size" } } },
	{ 0x0B, { { F_HASH, "state_hash" }, { F_U8, "algorithm" }, { F_BYTES, "signature" } } },
	{ 0x0C, { { F_U64, "pid" }, { F_U32, "vector" }, { F_STR, "description" } } },
	{ 0x0E, { { F_U64, "id" }, { F_U64, "owner" } } },
	{ 0x0F, { { F_U64, "id" } } },
	{ 0x10, { { F_U32, "bdf" }, { F_U16, "vendor" }, { F_U16, "device" },
		  { F_U32, "class_code" } } },
	{ 0x11, { { F_U64, "id" }, { F_U64, "creator" }, { F_U64, "size" }, { F_U8, "flags" },
		  { F_U32, "device" } } },
	{ 0x12, { { F_U64, "id" } } },
	{ 0x13, { { F_U64, "pid" }, { F_U64, "vaddr" }, { F_U64, "size" }, { F_U8, "prot" },
		  { F_U64, "shm" } } },
	{ 0x14, { { F_U64, "pid" }, { F_U64, "vaddr" }, { F_U64, "size" }, { F_U8, "prot" },
		  { F_U32, "bdf" }, { F_U8, "bar" } } },
};

/* A bounds-checked little-endian reader over one envelope. */
struct reader {
	const uint8_t *p;
	size_t len, pos;
	bool bad;
};

static uint64_t take(struct reader *r, size_t n)
{
	if (r->bad || r->len - r->pos < n) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->pos + i] << (8 * i);
	r->pos += n;
	return v;
}

static const uint8_t *take_raw(struct reader *r, size_t n)
{
	if (r->bad || r->len - r->pos < n) {
		r->bad = true;
		return NULL;
	}
	r->pos += n;
	return r->p + r->pos - n;
}

/* The line being built. */
struct line {
	char buf[768];
	size_t len;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	l->len += (size_t)n < sizeof(l->buf) - l->len ? (size_t)n : sizeof(l->buf) - 1 - l->len;
}

static void add_hex(struct line *l, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add(l, "%02x", p[i]);
}

static void field(struct line *l, struct reader *r, const struct field *f)
{
	switch (f->kind) {
	case F_U8:
		add(l, " %s=%lu", f->name, (unsigned long)take(r, 1));
		break;
	case F_U16:
		add(l, " %s=%lu", f->name, (unsigned long)take(r, 2));
		break;
	case F_U32:
		add(l, " %s=%lu", f->name, (unsigned long)take(r, 4));
		break;
	case F_I32:
		add(l, " %s=%d", f->name, (int)(int32_t)(uint32_t)take(r, 4));
		break;
	case F_U64:
		add(l, " %s=%lu", f->name, (unsigned long)take(r, 8));
		break;
	case F_STR: {
		size_t n = (size_t)take(r, 2);
		const uint8_t *s = take_raw(r, n);
		add(l, " %s='", f->name);
		for (size_t i = 0; s && i < n; i++)
			add(l, "%c", s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\'' ? s[i] : '?');
		add(l, "'");
		break;
	}
	case F_BYTES: {
		size_t n = (size_t)take(r, 4);
		const uint8_t *b = n <= ORB_AXIOM_BYTES_MAX ? take_raw(r, n) : NULL;
		if (!b)
			r->bad = true;
		add(l, " %s=", f->name);
		if (b)
			add_hex(l, b, n);
		break;
	}
	case F_HASH: {
		const uint8_t *h = take_raw(r, 32);
		add(l, " %s=", f->name);
		if (h)
			add_hex(l, h, 32);
		break;
	}
	case F_RES:   /* resources: ORB_RES_COUNT u64 amounts, printed a,b,c… */
		add(l, " %s=", f->name);
		for (unsigned i = 0; i < ORB_RES_COUNT; i++)
			add(l, i ? ",%lu" : "%lu", (unsigned long)take(r, 8));
		break;
	case F_CAP: {
		uint64_t id = take(r, 8), object = take(r, 8), expires = take(r, 8);
		uint64_t generation = take(r, 4), type = take(r, 1), rights = take(r, 1);
		take(r, 2);   /* _pad */
		add(l, " %s.id=%lu %s.object_id=%lu %s.expires_at=%lu %s.generation=%lu "
		    "%s.object_type=%lu %s.rights=%lu", f->name, (unsigned long)id, f->name,
		    (unsigned long)object, f->name, (unsigned long)expires, f->name,
		    (unsigned long)generation, f->name, (unsigned long)type, f->name,
		    (unsigned long)rights);
		break;
	}
	}
}

static const struct commit_layout *layout_of(unsigned type)
{
	for (size_t i = 0; i < ORB_ARRAY_SIZE(layouts); i++)
		if (layouts[i].type == type)
			return &layouts[i];
	return NULL;
}

long commit_print(const uint8_t *buf, size_t len)
{
	struct reader r = { .p = buf, .len = len };
	uint64_t seq = take(&r, 8), stamp = take(&r, 8);
	take_raw(&r, 32);   /* prev: the host tools check the chain */
	unsigned type = (unsigned)take(&r, 1), has_cause = (unsigned)take(&r, 1);
	uint64_t cause = has_cause == 1 ? take(&r, 8) : 0;
	size_t plen = (size_t)take(&r, 2);
	const uint8_t *payload = take_raw(&r, plen);
	take_raw(&r, 32);   /* id */
	const struct commit_layout *lay = layout_of(type);
	if (r.bad || has_cause > 1 || !lay)
		return -ORB_EINVAL;

	struct line l = { .len = 0 };
	char t[32];
	add(&l, "%6lu %ss %-22s", (unsigned long)seq, time_str(stamp, t, sizeof(t)),
	    orb_commit_name(type));
	if (has_cause)
		add(&l, " caused_by=%lu", (unsigned long)cause);
	struct reader p = { .p = payload, .len = plen };
	for (size_t i = 0; i < MAX_FIELDS && lay->fields[i].name; i++)
		field(&l, &p, &lay->fields[i]);
	if (p.bad || p.pos != plen)
		add(&l, " (malformed payload)");
	orb_printf("%s\n", l.buf);
	return (long)r.pos;
}
