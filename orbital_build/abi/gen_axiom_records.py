"""Emits kernel_image/include/gen/axiom_records.h: the kernel's Axiom record encoders.

Kernel only, freestanding C11 (<stddef.h>, <stdint.h> and <orbital/abi.h>). For every
commit and state record: its kind and largest size as macros and an encoder
`orb_enc_<group>_<record>(buf, fields...)` that writes the canonical payload with byte
stores (no alignment needed, no memcpy) and returns its length.
"""

from __future__ import annotations

from . import records
from .c_envelope import envelope_typedef, kernel_encoders
from .envelope import OVERHEAD
from .layout import struct_layout
from .model import Abi, Record
from .names import (
    ENVELOPE_OVERHEAD,
    c_payload_max,
    c_record_encoder,
    c_record_kind,
    c_record_max,
    c_type,
)
from .render import c_banner, c_call, c_comment, c_defines, c_uint, hexnum, section

GENERATOR = "gen_axiom_records"

_INTRO = """\
Axiom record encoders, kernel only. orb_enc_<group>_<record>(buf, fields...) writes the
record's canonical payload (spec §0.3) to buf, which must have room for
ORB_<GROUP>_<RECORD>_MAX bytes, and returns its length. A str field is passed as (const
char *, uint16_t len) and truncated to ORB_AXIOM_STR_MAX bytes at a UTF-8 character
boundary; a bytes field as (const uint8_t *, uint32_t len), truncated to
ORB_AXIOM_BYTES_MAX; a u8[N] field as N bytes; a struct as a pointer, written in its
packed C layout with reserved members zero. Every write is a byte store: buf needs no
alignment.
"""

_PREAMBLE = """\
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>
"""

_HELPERS = """\
static inline size_t orb_rec_put_u8(uint8_t *p, uint8_t v)
{
    p[0] = v;
    return 1;
}

static inline size_t orb_rec_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    return 2;
}

static inline size_t orb_rec_put_u32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return 4;
}

static inline size_t orb_rec_put_u64(uint8_t *p, uint64_t v)
{
    for (unsigned i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
    return 8;
}

/* n bytes from src; the empty asm keeps the compiler from turning the loop into memcpy. */
static inline size_t orb_rec_put_raw(uint8_t *p, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = src[i];
        __asm__("" : "+r"(i));
    }
    return n;
}

/* n zero bytes (reserved struct members), without a memset call. */
static inline size_t orb_rec_put_zero(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = 0;
        __asm__("" : "+r"(i));
    }
    return n;
}
"""

_STR = """
/* u16 length + UTF-8 bytes; cut to ORB_AXIOM_STR_MAX without splitting a character. */
static inline size_t orb_rec_put_str(uint8_t *p, const char *s, uint16_t len)
{
    uint16_t n = len;

    if (n > ORB_AXIOM_STR_MAX) {
        n = ORB_AXIOM_STR_MAX;
        while (n > 0 && ((uint8_t)s[n] & 0xC0u) == 0x80u)
            n--;
    }
    orb_rec_put_u16(p, n);
    return 2 + orb_rec_put_raw(p + 2, (const uint8_t *)s, n);
}
"""

_BYTES = """
/* u32 length + bytes; cut to ORB_AXIOM_BYTES_MAX. */
static inline size_t orb_rec_put_bytes(uint8_t *p, const uint8_t *b, uint32_t len)
{
    uint32_t n = len > ORB_AXIOM_BYTES_MAX ? ORB_AXIOM_BYTES_MAX : len;

    orb_rec_put_u32(p, n);
    return 4 + orb_rec_put_raw(p + 4, b, n);
}
"""


def _structs_used(abi: Abi) -> list[str]:
    seen: list[str] = []
    for rec in abi.commits + abi.state_records:
        for f in rec.fields:
            t = records.parse(abi, f.type)
            if t is not None and t.struct is not None and t.struct not in seen:
                seen.append(t.struct)
    return seen


def _struct_writer(abi: Abi, name: str) -> str:
    st = abi.struct(name)
    assert st is not None
    lay = struct_layout(abi, st)
    body = []
    for f in lay.fields:
        at = f"p + {f.offset}"
        if f.reserved:
            body.append(f"    orb_rec_put_zero({at}, {f.size});\n")
            continue
        put = f"orb_rec_put_u{f.scalar.bits}"
        cast = f"(uint{f.scalar.bits}_t)" if f.scalar.signed else ""
        if f.count and f.scalar.size == 1 and not f.scalar.signed:
            body.append(f"    orb_rec_put_raw({at}, v->{f.name}, {f.count});\n")
        elif f.count:
            body.append(f"    for (size_t i = 0; i < {f.count}; i++)\n"
                        f"        {put}({at} + {f.scalar.size} * i, {cast}v->{f.name}[i]);\n")
        else:
            body.append(f"    {put}({at}, {cast}v->{f.name});\n")
    return (c_comment(f"{name} in its {lay.size}-byte C layout; reserved members are zero.") +
            f"static inline size_t orb_rec_put_{name}(uint8_t *p, const {c_type(name)} *v)\n"
            "{\n" + "".join(body) + f"    return {lay.size};\n}}\n")


def _encoder(abi: Abi, group: records.Group, rec: Record) -> str:
    params = ["uint8_t *buf"]
    body = []
    for f in rec.fields:
        t = records.parse(abi, f.type)
        assert t is not None
        if t.kind == "str":
            params += [f"const char *{f.name}", f"uint16_t {f.name}_len"]
            body.append(f"orb_rec_put_str(buf + n, {f.name}, {f.name}_len)")
        elif t.kind == "bytes":
            params += [f"const uint8_t *{f.name}", f"uint32_t {f.name}_len"]
            body.append(f"orb_rec_put_bytes(buf + n, {f.name}, {f.name}_len)")
        elif t.kind == "array":
            params.append(f"const uint8_t {f.name}[{t.size}]")
            body.append(f"orb_rec_put_raw(buf + n, {f.name}, {t.size})")
        elif t.kind == "struct":
            assert t.struct is not None
            params.append(f"const {c_type(t.struct)} *{f.name}")
            body.append(f"orb_rec_put_{t.struct}(buf + n, {f.name})")
        else:
            bits = t.size * 8
            params.append(f"{'int' if t.signed else 'uint'}{bits}_t {f.name}")
            cast = f"(uint{bits}_t)" if t.signed else ""
            body.append(f"orb_rec_put_u{bits}(buf + n, {cast}{f.name})")
    fields = ", ".join(f"{f.type} {f.name}" for f in rec.fields) or "no fields"
    doc = (f"{group.name} {rec.name} ({hexnum(rec.kind, 2)}): {rec.doc} Fields: {fields}. "
           f"Writes at most {c_record_max(group.name, rec.name)} bytes; returns the length.")
    head = c_call(f"static inline size_t {c_record_encoder(group.name, rec.name)}", params, "")
    if not body:
        return c_comment(doc) + head + "\n{\n    (void)buf;\n    return 0;\n}\n"
    lines = "".join(f"    n += {b};\n" for b in body)
    return (c_comment(doc) + head + "\n{\n    size_t n = 0;\n\n" + lines +
            "    return n;\n}\n")


def _group(abi: Abi, group: records.Group) -> str:
    rows = []
    for r in group.records:
        note = f"'{chr(r.kind)}': " if group.name == "state" else ""
        rows.append((c_record_kind(group.name, r.name), c_uint(r.kind, 2), note + r.doc))
    sizes = []
    for r in group.records:
        lo, hi = records.bounds(abi, r)
        sizes.append((c_record_max(group.name, r.name), c_uint(hi),
                      f"{lo} bytes" if lo == hi else f"{lo}..{hi} bytes"))
    top = max(records.bounds(abi, r)[1] for r in group.records)
    sizes.append((c_payload_max(group.name), c_uint(top),
                  f"largest {group.name} payload"))
    parts = ["\n" + section(f"{group.name.capitalize()} records"), c_comment(group.doc),
             c_defines(rows), "\n", c_defines(sizes)]
    for r in group.records:
        parts.append("\n" + _encoder(abi, group, r))
    return "".join(parts)


def generate(abi: Abi) -> str:
    intro = _INTRO + ("\n" + abi.axiom_doc if abi.axiom_doc else "")
    parts = [c_banner(GENERATOR), c_comment(intro), _PREAMBLE]
    if abi.commits:
        parts.append("\n" + c_defines([
            (ENVELOPE_OVERHEAD, c_uint(OVERHEAD),
             "envelope bytes besides the payload, caused_by present"),
        ]))
    parts.append("\n" + section("Byte writers") + _HELPERS)
    if abi.constant(records.STR_MAX):
        parts.append(_STR)
    if abi.constant(records.BYTES_MAX):
        parts.append(_BYTES)
    for name in _structs_used(abi):
        parts.append("\n" + _struct_writer(abi, name))
    for g in records.groups(abi):
        if g.records:
            parts.append(_group(abi, g))
    if abi.commits:
        parts += ["\n" + section("Commit envelope and seal"), envelope_typedef(), "\n",
                  kernel_encoders()]
    return "".join(parts)
