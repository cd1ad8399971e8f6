"""Emits services/lib/include/gen/orbital/messages.h: C codecs for the IPC message payloads.

Freestanding C11 for ring-3 services (-ffreestanding -mgeneral-regs-only, no libc): per
message a struct `orb_msg_<name>_t`, `orb_msg_<name>_encode` and `orb_msg_<name>_decode`,
and for each list field an `_at` reader and a `_put` writer. Decoding is zero-copy: str,
bytes and list fields point into the caller's buffer. Byte access only, so buffers need no
alignment; copy loops hide their index from the optimiser so that no memcpy call appears.
"""

from __future__ import annotations

from .layout import struct_layout
from .model import Abi, Message
from .msgtypes import INTS, WireType, parse
from .names import c_item_size, c_message, c_tag, c_type
from .render import c_banner, c_call, c_comment, c_defines, c_uint, fill, section

GENERATOR = "gen_message_codecs"

_INTRO = """\
IPC message codecs for services, in the canonical encoding (spec §0.3): a struct and an
encode/decode pair per message that has a payload codec.

orb_msg_<name>_encode(buf, cap, m) writes *m and returns the payload length, or
-ORB_EOVERFLOW if it does not fit in cap bytes (nor in ORB_MAX_MSG_SIZE) or a str8 is
longer than 255 bytes; it never writes past buf[cap - 1]. orb_msg_<name>_decode(buf, len, m) fills *m and returns 0, or
-ORB_EINVAL for a payload that is short, longer than ORB_MAX_MSG_SIZE or has trailing
bytes, a bool or presence flag other than 0 or 1, or a length running past the end (UTF-8
is not checked); *m is then unspecified.

Decoding copies nothing: str, bytes and list fields point into buf, which must outlive *m.
A list field holds its items in wire form, count items of a fixed size back to back: read
item i with orb_msg_<name>_<field>_at(), build items with orb_msg_<name>_<field>_put() into
count × ORB_MSG_<NAME>_<FIELD>_ITEM_SIZE bytes. An opt field f is has_f (0 or 1) and f.
A bool is a uint8_t; encode writes 1 for any non-zero value.
"""

_PREAMBLE = """\
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <orbital/abi.h>
"""

_TYPES = """\
/* A str or str8 field: UTF-8 bytes without a terminator. */
typedef struct {
    const char *ptr;
    uint16_t len;
} orb_str_t;

/* A bytes field. */
typedef struct {
    const uint8_t *ptr;
    uint32_t len;
} orb_bytes_t;

/* A list field: count items of a fixed size, in wire form. */
typedef struct {
    const uint8_t *ptr;
    uint32_t count;
} orb_list_t;
"""

_COPY = """\
/* n bytes; the empty asm keeps the compiler from turning the loop into memcpy. */
static inline void orb_wire_copy(uint8_t *d, const uint8_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = s[i];
        __asm__("" : "+r"(i));
    }
}

/* n zero bytes, without a memset call. */
static inline void orb_wire_zero(uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = 0;
        __asm__("" : "+r"(i));
    }
}
"""

_VARIABLE = """\
static inline int orb_wire_get_bool(const uint8_t *buf, size_t len, size_t *n, uint8_t *v)
{
    return orb_wire_get_u8(buf, len, n, v) != 0 || *v > 1 ? -1 : 0;
}

static inline int orb_wire_put_raw(uint8_t *buf, size_t cap, size_t *n, const void *p,
                                   size_t size)
{
    if (cap - *n < size)
        return -1;
    orb_wire_copy(buf + *n, (const uint8_t *)p, size);
    *n += size;
    return 0;
}

static inline int orb_wire_put_str(uint8_t *buf, size_t cap, size_t *n, orb_str_t s)
{
    return orb_wire_put_u16(buf, cap, n, s.len) || orb_wire_put_raw(buf, cap, n, s.ptr, s.len);
}

static inline int orb_wire_put_str8(uint8_t *buf, size_t cap, size_t *n, orb_str_t s)
{
    if (s.len > 0xFF)
        return -1;
    return orb_wire_put_u8(buf, cap, n, (uint8_t)s.len) ||
           orb_wire_put_raw(buf, cap, n, s.ptr, s.len);
}

static inline int orb_wire_put_bytes(uint8_t *buf, size_t cap, size_t *n, orb_bytes_t b)
{
    return orb_wire_put_u32(buf, cap, n, b.len) || orb_wire_put_raw(buf, cap, n, b.ptr, b.len);
}

static inline int orb_wire_put_list(uint8_t *buf, size_t cap, size_t *n, orb_list_t l,
                                    size_t item)
{
    if (orb_wire_put_u32(buf, cap, n, l.count) || (cap - *n) / item < l.count)
        return -1;
    return orb_wire_put_raw(buf, cap, n, l.ptr, (size_t)l.count * item);
}

/* Points *p at the next size bytes. */
static inline int orb_wire_get_span(const uint8_t *buf, size_t len, size_t *n,
                                    const uint8_t **p, size_t size)
{
    if (len - *n < size)
        return -1;
    *p = buf + *n;
    *n += size;
    return 0;
}

static inline int orb_wire_get_str(const uint8_t *buf, size_t len, size_t *n, orb_str_t *s)
{
    const uint8_t *p;

    if (orb_wire_get_u16(buf, len, n, &s->len) || orb_wire_get_span(buf, len, n, &p, s->len))
        return -1;
    s->ptr = (const char *)p;
    return 0;
}

static inline int orb_wire_get_str8(const uint8_t *buf, size_t len, size_t *n, orb_str_t *s)
{
    const uint8_t *p;
    uint8_t l;

    if (orb_wire_get_u8(buf, len, n, &l) || orb_wire_get_span(buf, len, n, &p, l))
        return -1;
    s->ptr = (const char *)p;
    s->len = l;
    return 0;
}

static inline int orb_wire_get_bytes(const uint8_t *buf, size_t len, size_t *n, orb_bytes_t *b)
{
    return orb_wire_get_u32(buf, len, n, &b->len) ||
           orb_wire_get_span(buf, len, n, &b->ptr, b->len) ? -1 : 0;
}

static inline int orb_wire_get_list(const uint8_t *buf, size_t len, size_t *n, orb_list_t *l,
                                    size_t item)
{
    if (orb_wire_get_u32(buf, len, n, &l->count) || (len - *n) / item < l->count)
        return -1;
    return orb_wire_get_span(buf, len, n, &l->ptr, (size_t)l->count * item);
}

/* A list of bools: every item must be 0 or 1. */
static inline int orb_wire_get_bool_list(const uint8_t *buf, size_t len, size_t *n,
                                         orb_list_t *l)
{
    if (orb_wire_get_list(buf, len, n, l, 1))
        return -1;
    for (uint32_t i = 0; i < l->count; i++) {
        if (l->ptr[i] > 1)
            return -1;
    }
    return 0;
}
"""


_INT_STORE = """\
    static inline void orb_wire_store_u$bits(uint8_t *p, $t v)
    {
    $store}

    static inline $t orb_wire_load_u$bits(const uint8_t *p)
    {
    $load}

    static inline int orb_wire_put_u$bits(uint8_t *buf, size_t cap, size_t *n, $t v)
    {
        if (cap - *n < $size)
            return -1;
        orb_wire_store_u$bits(buf + *n, v);
        *n += $size;
        return 0;
    }

    static inline int orb_wire_get_u$bits(const uint8_t *buf, size_t len, size_t *n, $t *v)
    {
        if (len - *n < $size)
            return -1;
        *v = orb_wire_load_u$bits(buf + *n);
        *n += $size;
        return 0;
    }
"""

_BYTE_STORE, _BYTE_LOAD = "    p[0] = v;\n", "    return p[0];\n"

_MULTI_STORE = """\
        for (unsigned i = 0; i < $size; i++)
            p[i] = (uint8_t)(v >> (8 * i));
"""

_MULTI_LOAD = """\
        $t v = 0;

        for (unsigned i = 0; i < $size; i++)
            v |= ($t)(($t)p[i] << (8 * i));
        return v;
"""

_SIGNED_GET = """\
    static inline int orb_wire_get_i$bits(const uint8_t *buf, size_t len, size_t *n, int${bits}_t *v)
    {
        uint${bits}_t u;

        if (orb_wire_get_u$bits(buf, len, n, &u))
            return -1;
        *v = (int${bits}_t)u;
        return 0;
    }
"""


def _ints() -> str:
    """Load/store and bounded get/put for every integer width."""
    out = []
    for bits in (8, 16, 32, 64):
        t, size = f"uint{bits}_t", bits // 8
        if bits == 8:
            store, load = _BYTE_STORE, _BYTE_LOAD
        else:
            store = fill(_MULTI_STORE, indent="    ", size=size)
            load = fill(_MULTI_LOAD, indent="    ", size=size, t=t)
        out.append(fill(_INT_STORE, bits=bits, t=t, size=size, store=store, load=load))
    for bits in (32, 64):
        out.append(fill(_SIGNED_GET, bits=bits))
    return "\n".join(out)


def _structs_used(abi: Abi) -> list[str]:
    seen: list[str] = []
    for m in abi.messages:
        for f in m.fields:
            t = parse(abi, f.type)
            while t is not None and t.item is not None:
                t = t.item
            if t is not None and t.struct is not None and t.struct not in seen:
                seen.append(t.struct)
    return seen


_STRUCT_CODEC = """\
    static inline void orb_wire_store_$name(uint8_t *p, const $t *v)
    {
    $store}

    static inline void orb_wire_load_$name(const uint8_t *p, $t *v)
    {
    $load}

    static inline int orb_wire_put_$name(uint8_t *buf, size_t cap, size_t *n, const $t *v)
    {
        if (cap - *n < $size)
            return -1;
        orb_wire_store_$name(buf + *n, v);
        *n += $size;
        return 0;
    }

    static inline int orb_wire_get_$name(const uint8_t *buf, size_t len, size_t *n, $t *v)
    {
        if (len - *n < $size)
            return -1;
        orb_wire_load_$name(buf + *n, v);
        *n += $size;
        return 0;
    }
"""


def _struct_codec(abi: Abi, name: str) -> str:
    """Store/load of a structure member by member at its C offsets, and get/put."""
    st = abi.struct(name)
    assert st is not None
    lay = struct_layout(abi, st)
    store, load = [], ["    orb_wire_zero((uint8_t *)v, sizeof(*v));\n"]
    for f in lay.fields:
        at = f"p + {f.offset}"
        if f.reserved:
            store.append(f"    orb_wire_zero({at}, {f.size});\n")
            continue
        bits = f.scalar.bits
        ucast = f"(uint{bits}_t)" if f.scalar.signed else ""
        scast = f"({f.scalar.c})" if f.scalar.signed else ""
        member = f"v->{f.name}"
        if f.count and f.scalar.size == 1 and not f.scalar.signed:
            store.append(f"    orb_wire_copy({at}, {member}, {f.count});\n")
            load.append(f"    orb_wire_copy({member}, {at}, {f.count});\n")
            continue
        if f.count:
            loop = f"    for (size_t i = 0; i < {f.count}; i++)\n        "
            at, member = f"{at} + {f.scalar.size} * i", f"{member}[i]"
        else:
            loop = "    "
        store.append(f"{loop}orb_wire_store_u{bits}({at}, {ucast}{member});\n")
        load.append(f"{loop}{member} = {scast}orb_wire_load_u{bits}({at});\n")
    return (c_comment(f"{name} in its {lay.size}-byte C layout; reserved members are written "
                      f"as zero and read as zero.") +
            fill(_STRUCT_CODEC, name=name, t=c_type(name), size=lay.size,
                 store="".join(store), load="".join(load)))


def _ctype(t: WireType) -> str:
    """C type of a field (or list item) of wire type `t`; opt is handled by the caller."""
    if t.kind in INTS:
        size, signed = INTS[t.kind]
        return f"{'int' if signed else 'uint'}{size * 8}_t"
    if t.kind == "bool":
        return "uint8_t"
    if t.kind in ("str", "str8"):
        return "orb_str_t"
    if t.kind == "bytes":
        return "orb_bytes_t"
    if t.kind == "list":
        return "orb_list_t"
    assert t.struct is not None
    return c_type(t.struct)


def _item_size(t: WireType) -> int:
    if t.kind in INTS:
        return INTS[t.kind][0]
    if t.kind == "bool":
        return 1
    return t.struct_size


def _put(t: WireType, expr: str) -> str:
    """A C call that appends `expr` and is non-zero when it does not fit."""
    args = "buf, cap, &n"
    if t.kind in INTS:
        size, signed = INTS[t.kind]
        cast = f"(uint{size * 8}_t)" if signed else ""
        return f"orb_wire_put_u{size * 8}({args}, {cast}{expr})"
    if t.kind == "bool":
        return f"orb_wire_put_u8({args}, (uint8_t)({expr} != 0))"
    if t.kind in ("str", "str8", "bytes"):
        return f"orb_wire_put_{t.kind}({args}, {expr})"
    if t.kind == "list":
        assert t.item is not None
        return f"orb_wire_put_list({args}, {expr}, {_item_size(t.item)})"
    return f"orb_wire_put_{t.struct}({args}, &{expr})"


def _get(t: WireType, expr: str) -> str:
    """A C call that reads into `expr` and is non-zero on malformed input."""
    args = "buf, len, &n"
    if t.kind in INTS:
        return f"orb_wire_get_{t.kind}({args}, &{expr})"
    if t.kind == "list":
        assert t.item is not None
        if t.item.kind == "bool":
            return f"orb_wire_get_bool_list({args}, &{expr})"
        return f"orb_wire_get_list({args}, &{expr}, {_item_size(t.item)})"
    if t.kind == "struct":
        return f"orb_wire_get_{t.struct}({args}, &{expr})"
    return f"orb_wire_get_{t.kind}({args}, &{expr})"


_CHECK = """\
    if ($test)
        return -$error;
"""

_ENCODE = """\
    $signature
    {
        size_t n = 0;

    $prologue$body    return (long)n;
    }
"""

_DECODE = """\
    $signature
    {
        size_t n = 0;

        if (len > ORB_MAX_MSG_SIZE)
            return -ORB_EINVAL;
        orb_wire_zero((uint8_t *)m, sizeof(*m));
    $prologue$body    return n == len ? 0 : -ORB_EINVAL;
    }
"""

_LIST_AT = """\
    $signature
    {
        if (i >= m->$field.count)
            return -ORB_EINVAL;
    $load    return 0;
    }
"""

_LIST_PUT = """\
    $signature
    {
    $store}
"""


def _check(call: str, error: str, cond: str = "") -> str:
    return fill(_CHECK, indent="    ", test=f"{cond} && {call}" if cond else call, error=error)


def _message(abi: Abi, msg: Message) -> str:
    """The struct of a message, its encode and decode functions, and list accessors."""
    stem = c_message(msg.name)
    tag = abi.tag(msg.tag)
    assert tag is not None
    members, enc, dec, extra, sizes = [], [], [], [], []
    for f in msg.fields:
        t = parse(abi, f.type)
        assert t is not None
        note = f"{f.type}: {f.doc}" if f.doc else f.type
        expr = f"m->{f.name}"
        inner = t
        if t.kind == "opt":
            assert t.item is not None
            inner = t.item
            members.append((f"uint8_t has_{f.name};", f"1 if {f.name} is present"))
            enc.append(_check(f"orb_wire_put_u8(buf, cap, &n, (uint8_t)(m->has_{f.name} != 0))",
                              "ORB_EOVERFLOW"))
            enc.append(_check(_put(inner, expr), "ORB_EOVERFLOW", f"m->has_{f.name}"))
            dec.append(_check(f"orb_wire_get_bool(buf, len, &n, &m->has_{f.name})",
                              "ORB_EINVAL"))
            dec.append(_check(_get(inner, expr), "ORB_EINVAL", f"m->has_{f.name}"))
        else:
            enc.append(_check(_put(t, expr), "ORB_EOVERFLOW"))
            dec.append(_check(_get(t, expr), "ORB_EINVAL"))
        members.append((f"{_ctype(inner)} {f.name};", note))
        if inner.kind == "list":
            assert inner.item is not None
            extra.append(_list_access(msg, f.name, inner.item))
            sizes.append((c_item_size(msg.name, f.name), c_uint(_item_size(inner.item)),
                          f"bytes per item of {f.name}"))
    if not members:
        members.append(("uint8_t _unused;", "the message has no fields"))
    w = max(len(d) for d, _ in members)
    fields = ", ".join(f"{f.type} {f.name}" for f in msg.fields) or "no fields"
    out = [c_comment(f"{msg.name} ({c_tag(msg.tag)}, 0x{tag.value:04X}): {msg.doc} "
                     f"Payload: {fields}."),
           f"typedef struct {stem} {{\n"]
    out += [f"    {d:<{w}} /* {n} */\n" for d, n in members]
    out.append(f"}} {stem}_t;\n")
    if sizes:
        out.append("\n" + c_defines(sizes))
    if msg.fields:
        enc_pro = "    if (cap > ORB_MAX_MSG_SIZE)\n        cap = ORB_MAX_MSG_SIZE;\n"
        dec_pro = ""
    else:
        enc_pro = "    (void)buf;\n    (void)cap;\n    (void)m;\n"
        dec_pro = "    (void)buf;\n"
    out.append("\n" + fill(_ENCODE, prologue=enc_pro, body="".join(enc), signature=c_call(
        f"static inline long {stem}_encode", ["uint8_t *buf", "size_t cap", f"const {stem}_t *m"],
        "")))
    out.append("\n" + fill(_DECODE, prologue=dec_pro, body="".join(dec), signature=c_call(
        f"static inline long {stem}_decode", ["const uint8_t *buf", "size_t len", f"{stem}_t *m"],
        "")))
    out += extra
    return "".join(out)


def _list_access(msg: Message, field: str, item: WireType) -> str:
    """`_at` (read item i) and `_put` (write item i) for a list field."""
    stem = c_message(msg.name)
    size = _item_size(item)
    ctype = _ctype(item)
    at = f"(size_t)i * {size}"
    if item.kind == "struct":
        load = f"    orb_wire_load_{item.struct}(m->{field}.ptr + {at}, out);\n"
        store = f"    orb_wire_store_{item.struct}(items + {at}, v);\n"
        vparam = f"const {ctype} *v"
    else:
        bits = size * 8
        signed = item.kind in INTS and INTS[item.kind][1]
        scast = f"({ctype})" if signed else ""
        ucast = f"(uint{bits}_t)" if signed else ""
        load = f"    *out = {scast}orb_wire_load_u{bits}(m->{field}.ptr + {at});\n"
        store = f"    orb_wire_store_u{bits}(items + {at}, {ucast}v);\n"
        vparam = f"{ctype} v"
    at_sig = c_call(f"static inline long {stem}_{field}_at",
                    [f"const {stem}_t *m", "uint32_t i", f"{ctype} *out"], "")
    put_sig = c_call(f"static inline void {stem}_{field}_put",
                     ["uint8_t *items", "uint32_t i", vparam], "")
    return ("\n" + c_comment(f"Item i of {msg.name}.{field} into *out: 0, or -ORB_EINVAL if "
                             f"i >= count.") +
            fill(_LIST_AT, signature=at_sig, field=field, load=load) + "\n" +
            c_comment(f"Writes item i of {msg.name}.{field} into items "
                      f"({c_item_size(msg.name, field)} bytes per item).") +
            fill(_LIST_PUT, signature=put_sig, store=store))


def generate(abi: Abi) -> str:
    parts = [c_banner(GENERATOR), c_comment(_INTRO), _PREAMBLE,
             "\n" + section("Field types"), _TYPES,
             "\n" + section("Byte access (internal)"), _COPY, "\n", _ints(), "\n", _VARIABLE]
    for name in _structs_used(abi):
        parts.append("\n" + _struct_codec(abi, name))
    if abi.messages:
        parts.append("\n" + section("Messages"))
    for i, m in enumerate(abi.messages):
        parts.append(("\n" if i else "") + _message(abi, m))
    return "".join(parts)
