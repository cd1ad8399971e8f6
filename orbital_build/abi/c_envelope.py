"""C text for the commit envelope and the seal, written from the tables in envelope.py
(ENVELOPE, ID_INPUT, SEAL): the struct both C headers share, and the kernel's encoders.

The kernel builds an envelope with orb_enc_commit_envelope() and hashes the bytes that
orb_enc_commit_id_input() writes; the host parses with the same tables, so the layout and
the hash order exist once, in Python.
"""

from __future__ import annotations

from .envelope import ENVELOPE, HASH_SIZE, ID_INPUT, SEAL, Part, fixed_size, part
from .render import c_call, c_comment, c_defines, c_uint

ENVELOPE_TYPE = "orb_commit_envelope_t"
GUARD = "ORB_COMMIT_ENVELOPE_T"
ID_INPUT_MAX = "ORB_AXIOM_ID_INPUT_MAX"
SEAL_SIZE = "ORB_AXIOM_SEAL_SIZE"

_C_INT = {"u8": "uint8_t", "u16": "uint16_t", "u64": "uint64_t"}
_SIZE = {"u8": 1, "u16": 2, "u64": 8, "digest": HASH_SIZE}


def _members(p: Part) -> list[str]:
    if p.kind == "digest":
        return [f"    const uint8_t *{p.name}; /* {HASH_SIZE} bytes: {p.doc} */"]
    if p.kind == "payload":
        return [f"    const uint8_t *{p.name}; /* {p.doc} */",
                f"    uint16_t {p.name}_len;"]
    doc = f"{p.doc}; present when {p.only_if} is 1" if p.only_if else p.doc
    return [f"    {_C_INT[p.kind]} {p.name}; /* {doc} */"]


def envelope_typedef() -> str:
    """The envelope as a struct of its fields (pointers for the byte fields), once even
    when both headers are included."""
    lines = [f"#ifndef {GUARD}", f"#define {GUARD}",
             c_comment("One CommitLog entry, field by field; prev, payload and id point at "
                       "their bytes.").rstrip("\n"), "typedef struct {"]
    for p in ENVELOPE:
        lines += _members(p)
    lines += [f"}} {ENVELOPE_TYPE};", "#endif", ""]
    return "\n".join(lines)


def _put(p: Part, src: str) -> list[str]:
    """Statements that append part `p` of `src` (a pointer) at buf + n."""
    if p.kind == "digest":
        put = [f"n += orb_rec_put_raw(buf + n, {src}->{p.name}, {HASH_SIZE});"]
    elif p.kind == "payload":
        put = [f"n += orb_rec_put_u16(buf + n, {src}->{p.name}_len);",
               f"n += orb_rec_put_raw(buf + n, {src}->{p.name}, {src}->{p.name}_len);"]
    else:
        put = [f"n += orb_rec_put_{p.kind}(buf + n, {src}->{p.name});"]
    if p.only_if:
        return [f"if ({src}->{p.only_if})"] + ["    " + s for s in put]
    return put


def _function(doc: str, head: str, body: list[str]) -> str:
    text = "".join(f"    {s}\n" for s in body)
    return (c_comment(doc) + f"{head}\n{{\n    size_t n = 0;\n\n" + text +
            "    return n;\n}\n")


def kernel_encoders() -> str:
    """Sizes and encoders: the envelope, what its id hashes, and the seal."""
    id_parts = [part(ENVELOPE, name) for name in ID_INPUT]
    id_max = sum(_SIZE[p.kind] for p in id_parts if p.kind != "payload")
    out = [c_defines([
        (ID_INPUT_MAX, f"({c_uint(id_max)} + ORB_AXIOM_COMMIT_PAYLOAD_MAX)",
         "longest input of a commit id"),
        (SEAL_SIZE, c_uint(fixed_size(SEAL)), "bytes of a seal"),
    ]), "\n"]
    order = " | ".join(p.name for p in ENVELOPE)
    out.append(_function(
        f"The envelope of e: {order}. Returns its length (at most ORB_AXIOM_COMMIT_MAX).",
        f"static inline size_t orb_enc_commit_envelope(uint8_t *buf, const {ENVELOPE_TYPE} *e)",
        [s for p in ENVELOPE for s in _put(p, "e")]))
    hashed = []
    for p in id_parts:
        if p.kind == "payload":   # the bytes without their length
            hashed += [f"n += orb_rec_put_raw(buf + n, e->{p.name}, e->{p.name}_len);"]
        else:
            hashed += _put(p, "e")
    out.append("\n" + _function(
        f"What the id of e is the SHA-256 of: {' | '.join(ID_INPUT)} (the payload without "
        f"its length, caused_by only when present). e->id is not read. Returns the length "
        f"(at most {ID_INPUT_MAX}).",
        f"static inline size_t orb_enc_commit_id_input(uint8_t *buf, const {ENVELOPE_TYPE} *e)",
        hashed))
    params = ["uint8_t *buf"] + [("const uint8_t *" if p.kind == "digest"
                                  else _C_INT[p.kind] + " ") + p.name for p in SEAL]
    seal = []
    for p in SEAL:
        if p.kind == "digest":
            seal.append(f"n += orb_rec_put_raw(buf + n, {p.name}, {HASH_SIZE});")
        else:
            seal.append(f"n += orb_rec_put_{p.kind}(buf + n, {p.name});")
    out.append("\n" + _function(
        f"A seal: {' | '.join(p.name for p in SEAL)}. Returns {SEAL_SIZE}.",
        c_call("static inline size_t orb_enc_axiom_seal", params, ""), seal))
    return "".join(out)
