"""Emits services/lib/include/gen/orbital/axiomlog_records.h: CommitLog decoders for services.

Freestanding C11 for ring-3 programs that read the CommitLog with axiom_commits_read (an
AXIOM:R capability): the commit kinds, an envelope parser and, per commit record, a struct
`orb_commit_<record>_t` with a strict decoder `orb_dec_commit_<record>`. The kind macros
are token-identical to those of the kernel's gen/axiom_records.h, so both headers may meet
in one translation unit. Decoding is zero-copy (str, bytes and u8[N] fields point into the
caller's buffer) and uses byte loads only, so buffers need no alignment.
"""

from __future__ import annotations

from . import records
from .c_envelope import envelope_typedef
from .envelope import HASH_SIZE, MIN_SIZE
from .layout import struct_layout
from .model import Abi, Record
from .names import c_record_kind, c_type
from .render import c_banner, c_call, c_comment, c_defines, c_uint, hexnum, section

GENERATOR = "gen_axiom_decoders"

_INTRO = """\
CommitLog decoders for user space. A service holding an AXIOM capability with R copies
whole commit envelopes with axiom_commits_read and parses them here.

orb_dec_commit_envelope(buf, len, e) parses the envelope at the start of buf and returns
its length, or -ORB_EINVAL if it is truncated or has_cause is neither 0 nor 1; the id is
not recomputed (the host tools verify the chain). orb_dec_commit_<record>(p, len, r)
decodes a commit payload of that kind and returns 0, or -ORB_EINVAL for a payload that is
short, has trailing bytes, or holds a str longer than ORB_AXIOM_STR_MAX or a bytes field
longer than ORB_AXIOM_BYTES_MAX; *r is then unspecified. Nothing is copied: str, bytes
and u8[N] fields point into the payload, which must outlive *r.
"""

_PREAMBLE = """\
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>
"""

_TYPES = """\
/* A str field of a record: UTF-8 bytes without a terminator. */
typedef struct {
    const char *ptr;
    uint16_t len;
} orb_axstr_t;

/* A bytes field of a record. */
typedef struct {
    const uint8_t *ptr;
    uint32_t len;
} orb_axbytes_t;
"""

_READERS = """\
/* The little-endian integer of `size` bytes at p. */
static inline uint64_t orb_ax_load(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Take `size` bytes at *n of a len-byte buffer: their offset, or -1 if they run past it. */
static inline long orb_ax_take(size_t len, size_t *n, size_t size)
{
    size_t at = *n;

    if (at > len || len - at < size)
        return -1;
    *n = at + size;
    return (long)at;
}

static inline int orb_ax_int(const uint8_t *p, size_t len, size_t *n, unsigned size,
                             uint64_t *v)
{
    long at = orb_ax_take(len, n, size);

    if (at < 0)
        return -1;
    *v = orb_ax_load(p + at, size);
    return 0;
}

/* u16 length + UTF-8, at most ORB_AXIOM_STR_MAX bytes. */
static inline int orb_ax_str(const uint8_t *p, size_t len, size_t *n, orb_axstr_t *s)
{
    uint64_t k;
    long at;

    if (orb_ax_int(p, len, n, 2, &k) < 0 || k > ORB_AXIOM_STR_MAX ||
        (at = orb_ax_take(len, n, (size_t)k)) < 0)
        return -1;
    s->ptr = (const char *)(p + at);
    s->len = (uint16_t)k;
    return 0;
}

/* u32 length + bytes, at most ORB_AXIOM_BYTES_MAX. */
static inline int orb_ax_bytes(const uint8_t *p, size_t len, size_t *n, orb_axbytes_t *b)
{
    uint64_t k;
    long at;

    if (orb_ax_int(p, len, n, 4, &k) < 0 || k > ORB_AXIOM_BYTES_MAX ||
        (at = orb_ax_take(len, n, (size_t)k)) < 0)
        return -1;
    b->ptr = p + at;
    b->len = (uint32_t)k;
    return 0;
}

/* count raw bytes. */
static inline int orb_ax_raw(const uint8_t *p, size_t len, size_t *n, size_t count,
                             const uint8_t **out)
{
    long at = orb_ax_take(len, n, count);

    if (at < 0)
        return -1;
    *out = p + at;
    return 0;
}
"""

_ENVELOPE = envelope_typedef() + f"""
/* The smallest envelope: no caused_by, an empty payload. */
#define ORB_AXIOM_ENVELOPE_MIN {c_uint(MIN_SIZE)}

/* Parse the envelope at buf; returns its length or -ORB_EINVAL. */
static inline long orb_dec_commit_envelope(const uint8_t *buf, size_t len,
                                           orb_commit_envelope_t *e)
{{
    size_t n = 0;
    uint64_t v;

    if (orb_ax_int(buf, len, &n, 8, &e->seq) < 0 ||
        orb_ax_int(buf, len, &n, 8, &e->timestamp) < 0 ||
        orb_ax_raw(buf, len, &n, {HASH_SIZE}, &e->prev) < 0 ||
        orb_ax_int(buf, len, &n, 1, &v) < 0)
        return -ORB_EINVAL;
    e->type = (uint8_t)v;
    if (orb_ax_int(buf, len, &n, 1, &v) < 0 || v > 1)
        return -ORB_EINVAL;
    e->has_cause = (uint8_t)v;
    e->caused_by = 0;
    if (e->has_cause && orb_ax_int(buf, len, &n, 8, &e->caused_by) < 0)
        return -ORB_EINVAL;
    if (orb_ax_int(buf, len, &n, 2, &v) < 0 ||
        orb_ax_raw(buf, len, &n, (size_t)v, &e->payload) < 0 ||
        orb_ax_raw(buf, len, &n, {HASH_SIZE}, &e->id) < 0)
        return -ORB_EINVAL;
    e->payload_len = (uint16_t)v;
    return (long)n;
}}
"""


def c_record_type(group: str, name: str) -> str:
    """orb_commit_cap_inserted_t: the decoded form of a record."""
    return f"orb_{group}_{name}_t"


def c_record_decoder(group: str, name: str) -> str:
    return f"orb_dec_{group}_{name}"


def _member(abi: Abi, name: str, ftype: str) -> str:
    t = records.parse(abi, ftype)
    assert t is not None, ftype
    if t.kind == "str":
        return f"orb_axstr_t {name};"
    if t.kind == "bytes":
        return f"orb_axbytes_t {name};"
    if t.kind == "array":
        return f"const uint8_t *{name}; /* {t.size} bytes */"
    if t.kind == "struct":
        assert t.struct is not None
        return f"{c_type(t.struct)} {name};"
    return f"{'int' if t.signed else 'uint'}{t.size * 8}_t {name};"


def _struct_reader(abi: Abi, name: str) -> str:
    """A reader of struct `name` in its packed C layout (reserved members skipped)."""
    st = abi.struct(name)
    assert st is not None
    lay = struct_layout(abi, st)
    body = []
    for f in lay.fields:
        if f.reserved:
            continue
        ctype = f"{'int' if f.scalar.signed else 'uint'}{f.scalar.bits}_t"
        ctype = "" if ctype == "uint64_t" else f"({ctype})"
        if f.count:
            body.append(f"    for (unsigned i = 0; i < {f.count}; i++)\n"
                        f"        v->{f.name}[i] = {ctype}orb_ax_load(s + {f.offset} + "
                        f"{f.scalar.size} * i, {f.scalar.size});\n")
        else:
            body.append(f"    v->{f.name} = {ctype}orb_ax_load(s + {f.offset}, "
                        f"{f.scalar.size});\n")
    return (c_comment(f"{name} from its {lay.size}-byte C layout.") +
            c_call(f"static inline int orb_ax_{name}",
                   ["const uint8_t *p", "size_t len", "size_t *n", f"{c_type(name)} *v"], "") +
            "\n{\n"
            f"    long at = orb_ax_take(len, n, {lay.size});\n    const uint8_t *s;\n\n"
            "    if (at < 0)\n        return -1;\n    s = p + at;\n" + "".join(body) +
            "    return 0;\n}\n")


def _field_read(abi: Abi, name: str, ftype: str) -> tuple[str, str]:
    """(condition that fails on error, statement run after success or "")."""
    t = records.parse(abi, ftype)
    assert t is not None
    if t.kind == "str":
        return f"orb_ax_str(p, len, &n, &r->{name}) < 0", ""
    if t.kind == "bytes":
        return f"orb_ax_bytes(p, len, &n, &r->{name}) < 0", ""
    if t.kind == "array":
        return f"orb_ax_raw(p, len, &n, {t.size}, &r->{name}) < 0", ""
    if t.kind == "struct":
        return f"orb_ax_{t.struct}(p, len, &n, &r->{name}) < 0", ""
    bits = t.size * 8
    cast = {True: f"(int{bits}_t)(uint{bits}_t)", False: f"(uint{bits}_t)"}[t.signed]
    cast = "" if bits == 64 and not t.signed else cast
    return f"orb_ax_int(p, len, &n, {t.size}, &v) < 0", f"r->{name} = {cast}v;"


def _decoder(abi: Abi, group: records.Group, rec: Record) -> str:
    tname = c_record_type(group.name, rec.name)
    members = "".join(f"    {_member(abi, f.name, f.type)}\n" for f in rec.fields)
    members = members or "    uint8_t _empty;\n"
    doc = f"{group.name} {rec.name} ({hexnum(rec.kind, 2)}): {rec.doc}"
    out = c_comment(doc) + "typedef struct {\n" + members + f"}} {tname};\n\n"
    reads = []
    uses_v = False
    for f in rec.fields:
        cond, after = _field_read(abi, f.name, f.type)
        uses_v = uses_v or bool(after)
        reads.append(f"    if ({cond})\n        return -ORB_EINVAL;\n")
        if after:
            reads.append(f"    {after}\n")
    decl = "    size_t n = 0;\n" + ("    uint64_t v;\n" if uses_v else "") + "\n"
    head = c_call(f"static inline long {c_record_decoder(group.name, rec.name)}",
                  ["const uint8_t *p", "size_t len", f"{tname} *r"], "")
    out += (head + "\n{\n" + decl + "".join(reads) +
            ("" if rec.fields else "    (void)p;\n    (void)r;\n") +
            "    return n == len ? 0 : -ORB_EINVAL;\n}\n")
    return out


def _structs_used(abi: Abi, recs: tuple[Record, ...]) -> list[str]:
    seen: list[str] = []
    for rec in recs:
        for f in rec.fields:
            t = records.parse(abi, f.type)
            if t is not None and t.struct is not None and t.struct not in seen:
                seen.append(t.struct)
    return seen


def generate(abi: Abi) -> str:
    group = records.groups(abi)[0]
    parts = [c_banner(GENERATOR), c_comment(_INTRO), _PREAMBLE, "\n", _TYPES]
    if not group.records:
        return "".join(parts)
    rows = [(c_record_kind(group.name, r.name), c_uint(r.kind, 2), r.doc) for r in group.records]
    parts += ["\n" + section("Commit kinds"), c_comment(group.doc), c_defines(rows)]
    parts += ["\n" + section("Readers (internal)"), _READERS]
    for name in _structs_used(abi, group.records):
        parts.append("\n" + _struct_reader(abi, name))
    parts += ["\n" + section("Envelope"), c_comment(abi.axiom_doc) if abi.axiom_doc else "",
              _ENVELOPE]
    parts.append("\n" + section("Commit records"))
    for i, rec in enumerate(group.records):
        parts.append(("\n" if i else "") + _decoder(abi, group, rec))
    return "".join(parts)
