"""The generated user-space CommitLog decoders (orbital/axiomlog_records.h): they read
back exactly what the Python encoders (and so the kernel's) write, and refuse envelopes
and payloads that are truncated, too long or out of bounds."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from abi_values import record_values, rng
from cgen import PRELUDE, ROOT, USER, c_bytes, c_dump_struct, dump_struct, run, undefined_symbols

from orbital_build.abi import records
from orbital_build.abi.defs import load_abi
from orbital_build.abi.envelope import make_commit_envelope
from orbital_build.abi.gen_axiom_decoders import c_record_decoder, c_record_type
from orbital_build.abi.model import Abi, Record
from orbital_build.abi.msgtypes import INTS
from orbital_build.abi.names import py_record_class
from orbital_build.generated import abi as gen

ABI = load_abi()
ROUNDS = 6
HEADER = '#include <orbital/axiomlog_records.h>\n\n'


def _tokens(abi: Abi, rec: Record, values: dict[str, Any]) -> list[str]:
    """What the C dump of a decoded record prints, from the Python values."""
    out = []
    for f in rec.fields:
        t = records.parse(abi, f.type)
        assert t is not None
        v = values[f.name]
        if t.kind in INTS:
            out.append(str(v))
        elif t.kind == "str":
            out.append("x" + v.encode().hex())
        elif t.kind in ("bytes", "array"):
            out.append("x" + bytes(v).hex())
        else:
            assert t.struct is not None
            out += dump_struct(abi, t.struct, v)
    return out


def _dump(abi: Abi, rec: Record) -> str:
    """C statements printing every field of the decoded record `r`."""
    out = []
    for f in rec.fields:
        t = records.parse(abi, f.type)
        assert t is not None
        if t.kind in INTS:
            tok = "tok_i((long long)" if t.signed else "tok_u((unsigned long long)"
            out.append(f"{tok}r.{f.name});")
        elif t.kind in ("str", "bytes"):
            out.append(f"tok_hex(r.{f.name}.ptr, r.{f.name}.len);")
        elif t.kind == "array":
            out.append(f"tok_hex(r.{f.name}, {t.size});")
        else:
            assert t.struct is not None
            out.append(c_dump_struct(abi, t.struct, f"r.{f.name}"))
    return " ".join(out)


def _case(abi: Abi, rec: Record, env: bytes) -> str:
    """Decode envelope `env`, print its header fields, then the payload's fields."""
    return (f"    {{\n        static const uint8_t b[] = {c_bytes(env)};\n"
            f"        orb_commit_envelope_t e;\n        {c_record_type('commit', rec.name)} r;\n"
            f"        long n = orb_dec_commit_envelope(b, {len(env)}, &e);\n"
            "        tok_i(n); tok_u(e.seq); tok_u(e.timestamp); tok_hex(e.prev, 32);\n"
            "        tok_u(e.type); tok_u(e.has_cause); tok_u(e.caused_by); tok_hex(e.id, 32);\n"
            f"        tok_i({c_record_decoder('commit', rec.name)}(e.payload, e.payload_len, "
            f"&r));\n        {_dump(abi, rec)}\n        endl();\n    }}\n")


def _envelope(r: random.Random, kind: int, payload: bytes) -> Any:
    cause = None if r.random() < 0.3 else r.getrandbits(64)
    return make_commit_envelope(r.getrandbits(64), r.getrandbits(64), r.randbytes(32), kind,
                                payload, cause)


def test_decoders_read_what_python_encodes(gcc: str, tmp_path: Path) -> None:
    cases, want = [], []
    for rec in ABI.commits:
        cls = getattr(gen, py_record_class("Commit", rec.name))
        r = rng(f"axiomlog-{rec.name}")
        for _ in range(ROUNDS):
            values = record_values(ABI, gen, rec, r)
            env = _envelope(r, rec.kind, cls(**values).encode())
            raw = env.encode()
            cases.append(_case(ABI, rec, raw))
            head = [str(len(raw)), str(env.seq), str(env.timestamp), "x" + env.prev.hex(),
                    str(env.type), str(int(env.caused_by is not None)),
                    str(env.caused_by or 0), "x" + env.id.hex(), "0"]
            want.append(" ".join(head + _tokens(ABI, rec, values)))
    program = PRELUDE + HEADER + "int main(void)\n{\n" + "".join(cases) + "    return 0;\n}\n"
    got = [ln.strip() for ln in run(gcc, tmp_path, "axiomlog", program, ROOT)]
    assert got == want


def _status(gcc: str, tmp: Path, name: str, calls: list[str]) -> list[int]:
    body = "".join(f"    tok_i({c});\n    endl();\n" for c in calls)
    program = (PRELUDE + HEADER + "int main(void)\n{\n    orb_commit_envelope_t e;\n\n    (void)e;\n" +
               body + "    return 0;\n}\n")
    return [int(ln) for ln in run(gcc, tmp, name, program, ROOT)]


def test_envelopes_that_do_not_fit_are_refused(gcc: str, tmp_path: Path) -> None:
    r = rng("axiomlog-bad-envelopes")
    payload = gen.CommitCapRemoved(pid=3, slot=4).encode()
    good = _envelope(r, gen.CommitCapRemoved.KIND, payload).encode()
    no_cause = make_commit_envelope(1, 2, bytes(32), 4, payload).encode()
    bad_flag = bytearray(good)
    bad_flag[49] = 2                              # has_cause must be 0 or 1
    calls = [f"orb_dec_commit_envelope((const uint8_t *){c_bytes(b)}, {len(b)}, &e)"
             for b in (good[:-1], no_cause[:60], bytes(bad_flag), good + b"\0", no_cause)]
    got = _status(gcc, tmp_path, "envelopes", calls)
    inval = -int(gen.Errno.EINVAL)
    # a trailing byte is the next envelope's start: the length says where this one ends
    assert got == [inval, inval, inval, len(good), len(no_cause)]


def test_payloads_with_trailing_bytes_or_long_fields_are_refused(gcc: str,
                                                                 tmp_path: Path) -> None:
    removed = gen.CommitCapRemoved(pid=9, slot=2).encode()
    faulted = gen.CommitProcessFaulted(pid=1, vector=14, description="x" * 32).encode()
    too_long = bytearray(faulted[:12]) + (33).to_bytes(2, "little") + b"y" * 33
    big_sig = gen.CommitCheckpoint(bytes(32), 0, b"").encode()[:33] + \
        (65).to_bytes(4, "little") + bytes(65)

    def call(fn: str, data: bytes, rtype: str) -> str:
        return f"{fn}((const uint8_t *){c_bytes(data)}, {len(data)}, &({rtype}){{0}})"

    rm = ("orb_dec_commit_cap_removed", "orb_commit_cap_removed_t")
    pf = ("orb_dec_commit_process_faulted", "orb_commit_process_faulted_t")
    cp = ("orb_dec_commit_checkpoint", "orb_commit_checkpoint_t")
    got = _status(gcc, tmp_path, "payloads", [
        call(rm[0], removed, rm[1]), call(rm[0], removed + b"\0", rm[1]),
        call(rm[0], removed[:-1], rm[1]), call(pf[0], faulted, pf[1]),
        call(pf[0], bytes(too_long), pf[1]), call(cp[0], big_sig, cp[1])])
    inval = -int(gen.Errno.EINVAL)
    assert got == [0, inval, inval, 0, inval, inval]


@pytest.mark.parametrize("opt", ["-O2", "-O3"])
def test_decoders_need_no_library(gcc: str, tmp_path: Path, opt: str) -> None:
    """Freestanding like the services: no memcpy, no libgcc."""
    names = ["orb_dec_commit_envelope"] + [c_record_decoder("commit", r.name)
                                           for r in ABI.commits]
    table = "".join(f"    (void *){n},\n" for n in names)
    text = HEADER + f"void *orb_axiomlog_table[] = {{\n{table}}};\n"
    assert undefined_symbols(gcc, tmp_path, "user", text, ROOT, [*USER, opt]) == []
