"""The generated C record encoders (gen/axiom_records.h): byte-identical to the Python
encoders for every record, truncating str and bytes to their bounds, freestanding."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from abi_values import record_values, rng
from cgen import (
    HOSTED,
    KERNEL,
    PRELUDE,
    ROOT,
    c_bytes,
    c_int,
    c_struct,
    function_table,
    run,
    undefined_symbols,
)

from orbital_build.abi import records
from orbital_build.abi.defs import load_abi
from orbital_build.abi.gen_python import generate
from orbital_build.abi.model import Abi, Record
from orbital_build.abi.msgtypes import INTS
from orbital_build.abi.names import c_record_encoder, c_record_max, py_record_class
from orbital_build.abi.outputs import generate_all
from orbital_build.abi.validate import validate
from orbital_build.generated import abi as gen

ABI = load_abi()
ROUNDS = 8


def _args(abi: Abi, rec: Record, values: dict[str, Any]) -> list[str]:
    out = []
    for f in rec.fields:
        t = records.parse(abi, f.type)
        assert t is not None
        v = values[f.name]
        if t.kind in INTS:
            out.append(c_int(v, t.size * 8, t.signed))
        elif t.kind == "str":
            raw = v.encode() if isinstance(v, str) else v
            out += [f"(const char *){c_bytes(raw)}", f"{len(raw)}u"]
        elif t.kind == "bytes":
            out += [f"(const uint8_t *){c_bytes(v)}", f"{len(v)}u"]
        elif t.kind == "array":
            out.append(f"(const uint8_t *){c_bytes(v)}")
        else:
            assert t.struct is not None
            out.append("&" + c_struct(abi, t.struct, v))
    return out


def _call(abi: Abi, group: str, rec: Record, values: dict[str, Any]) -> str:
    """C that encodes into a 0xEE-filled buffer and prints the bytes, or OVERRUN / TOO_LONG."""
    fn = c_record_encoder(group, rec.name)
    return (f"    fill(buf);\n    n = {fn}(buf, {', '.join(_args(abi, rec, values))});\n"
            f"    check(buf, n, {c_record_max(group, rec.name)});\n")


def _program(abi: Abi, calls: list[str]) -> str:
    return (PRELUDE + '#include "gen/axiom_records.h"\n\n'
            "#define BUF 512\n"
            "static void fill(uint8_t *b) { for (int i = 0; i < BUF; i++) b[i] = 0xEE; }\n"
            "static void check(const uint8_t *b, size_t n, size_t max)\n{\n"
            "    for (size_t i = n; i < BUF; i++)\n"
            "        if (b[i] != 0xEE) { tok_s(\"OVERRUN\"); break; }\n"
            "    if (n > max) tok_s(\"TOO_LONG\");\n"
            "    tok_hex(b, n);\n    endl();\n}\n\n"
            "int main(void)\n{\n    static uint8_t buf[BUF];\n    size_t n;\n\n" +
            "".join(calls) + "    return 0;\n}\n")


def _compare(gcc: str, tmp: Path, abi: Abi, module: ModuleType, root: Path) -> int:
    """Encode random values of every record in C and in Python; returns the cases run."""
    calls, want = [], []
    for g in records.groups(abi):
        for rec in g.records:
            cls = getattr(module, py_record_class(g.prefix, rec.name))
            r = rng(f"c-{g.name}-{rec.name}")
            for _ in range(ROUNDS):
                values = record_values(abi, module, rec, r)
                calls.append(_call(abi, g.name, rec, values))
                want.append(f"x{cls(**values).encode().hex()}")
    got = [ln.strip() for ln in run(gcc, tmp, "records", _program(abi, calls), root)]
    assert got == want
    return len(want)


def test_c_encoders_match_python(gcc: str, tmp_path: Path) -> None:
    assert _compare(gcc, tmp_path, ABI, gen, ROOT) == ROUNDS * (len(ABI.commits) +
                                                                len(ABI.state_records))


def test_mini_c_encoders_match_python(gcc: str, tmp_path: Path, mini: Abi,
                                      load_source: Any) -> None:
    abi = validate(mini)
    generate_all(tmp_path, abi=abi)
    module = load_source("orbital_abi_mini_records_c", generate(abi))
    assert _compare(gcc, tmp_path, abi, module, tmp_path) == ROUNDS * 2


def _utf8_cut(raw: bytes, limit: int) -> bytes:
    """What the kernel keeps of a str: at most `limit` bytes, whole characters."""
    if len(raw) <= limit:
        return raw
    n = limit
    while n and raw[n] & 0xC0 == 0x80:
        n -= 1
    return raw[:n]


TRUNCATIONS = ["a" * 32, "a" * 33, "b" * 300, "a" * 31 + "é", "a" * 30 + "€x", "€" * 11,
               "𝄞" * 9, "a" * 29 + "𝄞", "a" * 32 + "é"]


def test_c_encoders_truncate(gcc: str, tmp_path: Path) -> None:
    rec = next(r for r in ABI.commits if r.name == "process_faulted")
    chk = next(r for r in ABI.commits if r.name == "checkpoint")
    calls, want = [], []
    for text in TRUNCATIONS:
        raw = text.encode()
        calls.append(_call(ABI, "commit", rec, {"pid": 1, "vector": 14, "description": raw}))
        kept = _utf8_cut(raw, gen.AXIOM_STR_MAX).decode()
        assert len(kept.encode()) <= gen.AXIOM_STR_MAX
        want.append("x" + gen.CommitProcessFaulted(1, 14, kept).encode().hex())
    for size in (0, 64, 65, 1000):
        sig = bytes(range(256)) * 4
        calls.append(_call(ABI, "commit", chk, {"state_hash": bytes(32), "algorithm": 1,
                                                "signature": sig[:size]}))
        want.append("x" + gen.CommitCheckpoint(bytes(32), 1, sig[:min(size, 64)]).encode().hex())
    got = [ln.strip() for ln in run(gcc, tmp_path, "cut", _program(ABI, calls), ROOT)]
    assert got == want


@pytest.mark.parametrize("flags", [[*KERNEL, "-O2"], [*KERNEL, "-O3"], HOSTED],
                         ids=["kernel-O2", "kernel-O3", "hosted-O3"])
def test_kernel_header_needs_no_library(gcc: str, tmp_path: Path, flags: list[str]) -> None:
    """Every encoder compiles without a call to memcpy or memset, even where the compiler
    may introduce them (hosted)."""
    names = [c_record_encoder(g.name, r.name) for g in records.groups(ABI) for r in g.records]
    text = '#include "gen/axiom_records.h"\n\n' + function_table(names)
    assert undefined_symbols(gcc, tmp_path, "kernel", text, ROOT, flags) == []


def _envelope_call(env: Any) -> str:
    """C that fills an orb_commit_envelope_t like `env` and prints its envelope and id
    input, each checked for overruns against its limit."""
    cause = env.caused_by
    return (f"    e.seq = {c_int(env.seq, 64, False)};\n"
            f"    e.timestamp = {c_int(env.timestamp, 64, False)};\n"
            f"    e.prev = (const uint8_t *){c_bytes(env.prev)};\n"
            f"    e.type = {env.type}u;\n"
            f"    e.has_cause = {0 if cause is None else 1}u;\n"
            f"    e.caused_by = {c_int(cause or 0xDEAD, 64, False)};\n"
            f"    e.payload = (const uint8_t *){c_bytes(env.payload)};\n"
            f"    e.payload_len = {len(env.payload)}u;\n"
            f"    e.id = (const uint8_t *){c_bytes(env.id)};\n"
            "    fill(buf);\n    n = orb_enc_commit_envelope(buf, &e);\n"
            "    check(buf, n, ORB_AXIOM_COMMIT_MAX);\n"
            "    fill(buf);\n    n = orb_enc_commit_id_input(buf, &e);\n"
            "    check(buf, n, ORB_AXIOM_ID_INPUT_MAX);\n")


def test_c_envelope_and_id_input_match_python(gcc: str, tmp_path: Path) -> None:
    """The kernel builds its envelopes and hashes its ids with generated code that writes
    the same bytes the host parses and hashes."""
    import hashlib

    from orbital_build.abi.envelope import commit_hash

    r = rng("c-envelope")
    calls, want = ["    orb_commit_envelope_t e;\n"], []
    for i, cls in enumerate(gen.COMMIT_TYPES.values()):
        rec = next(x for x in ABI.commits if x.kind == cls.KIND)
        payload = cls(**record_values(ABI, gen, rec, r)).encode()
        cause = None if i % 3 == 0 else r.getrandbits(64)
        env = gen.make_commit_envelope(r.getrandbits(64), r.getrandbits(64), r.randbytes(32),
                                       cls.KIND, payload, cause)
        calls.append(_envelope_call(env))
        want.append("x" + env.encode().hex())
        # the id input, hashed, is the id: checked against hashlib below
        want.append(None)
        assert env.id == commit_hash(env.prev, env.seq, env.timestamp, env.type, payload, cause)
    got = [ln.strip() for ln in run(gcc, tmp_path, "envelopes", _program(ABI, calls), ROOT)]
    assert len(got) == len(want)
    envs = [bytes.fromhex(g[1:]) for g in got[0::2]]
    assert [f"x{e.hex()}" for e in envs] == want[0::2]
    for env_bytes, id_input in zip(envs, got[1::2], strict=True):
        assert hashlib.sha256(bytes.fromhex(id_input[1:])).digest() == env_bytes[-32:]


def test_c_seal_matches_python(gcc: str, tmp_path: Path) -> None:
    seal = gen.Seal(count=0x1122334455, head=bytes(range(32)), reason=gen.AXIOM_SEAL_SHUTDOWN)
    call = (f"    fill(buf);\n    n = orb_enc_axiom_seal(buf, {c_int(seal.count, 64, False)}, "
            f"(const uint8_t *){c_bytes(seal.head)}, {seal.reason}u);\n"
            "    check(buf, n, ORB_AXIOM_SEAL_SIZE);\n")
    got = [ln.strip() for ln in run(gcc, tmp_path, "seal", _program(ABI, [call]), ROOT)]
    assert got == ["x" + seal.encode().hex()]
    assert len(seal.encode()) == gen.SEAL_SIZE == 41
