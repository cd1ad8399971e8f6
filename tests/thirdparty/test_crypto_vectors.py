"""The known answers compiled into tests/programs/crypto_test/vectors.c are the RFCs':
each RFC 8032 Ed25519 entry is checked with Python's `cryptography` (key derivation,
signature, verification) and the RFC 9106 Argon2id entry with the reference Argon2
behind argon2-cffi (secret and associated data through argon2_ctx), so a typo in the
transcription fails here rather than looking like a libsodium bug in the guest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from argon2.low_level import Type, core, ffi
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

VECTORS = Path(__file__).resolve().parents[2] / "tests/programs/crypto_test/vectors.c"


def _entries() -> list[dict[str, str]]:
    text = VECTORS.read_text()
    body = text[text.index("rfc8032_ed25519[] = {"):text.index("rfc8032_ed25519_count")]
    out = []
    for block in re.findall(r"\{(.*?)\n\t\}", body, re.DOTALL):
        fields = {}
        for name, value in re.findall(r"\.(\w+) = ((?:\"[^\"]*\"\s*)+),", block):
            fields[name] = "".join(re.findall(r"\"([^\"]*)\"", value))
        out.append(fields)
    return out


def test_the_file_holds_the_four_rfc8032_ed25519_tests() -> None:
    names = [e["name"] for e in _entries()]
    assert names == ["TEST 1", "TEST 2", "TEST 3", "TEST 1024"]
    assert len(_entries()[3]["message"]) == 2 * 1023


@pytest.mark.parametrize("entry", _entries(), ids=lambda e: e["name"])
def test_ed25519_entry_matches_cryptography(entry: dict[str, str]) -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(entry["secret"]))
    public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    assert public.hex() == entry["public"]
    message = bytes.fromhex(entry["message"])
    assert key.sign(message).hex() == entry["signature"]
    key.public_key().verify(bytes.fromhex(entry["signature"]), message)


def test_argon2id_entry_matches_the_reference_implementation() -> None:
    text = VECTORS.read_text()
    block = text[text.index("rfc9106_argon2id = {"):]
    num = {k: int(v, 0) for k, v in re.findall(r"\.(\w+) = (0x[0-9a-f]+|\d+)", block)}
    tag = re.search(r'\.tag = "([0-9a-f]{64})"', block).group(1)
    buf = {k: ffi.new("uint8_t[]", bytes([num[f"{k}_byte"]]) * num[f"{k}_len"])
           for k in ("password", "salt", "secret", "ad")}
    out = ffi.new("uint8_t[]", 32)
    ctx = ffi.new("argon2_context *", {
        "out": out, "outlen": 32, "pwd": buf["password"], "pwdlen": num["password_len"],
        "salt": buf["salt"], "saltlen": num["salt_len"], "secret": buf["secret"],
        "secretlen": num["secret_len"], "ad": buf["ad"], "adlen": num["ad_len"],
        "t_cost": num["t_cost"], "m_cost": num["m_cost_kib"], "lanes": num["lanes"],
        "threads": num["lanes"], "version": 0x13, "allocate_cbk": ffi.NULL,
        "free_cbk": ffi.NULL, "flags": 0})
    assert core(ctx, Type.ID.value) == 0
    assert bytes(out).hex() == tag
