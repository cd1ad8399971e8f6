"""libsodium in ring 3 (images/crypto-test.toml, tests/programs/crypto_test), one boot.

The guest checks the RFCs' known answers itself (RFC 8032 Ed25519 and Ed25519ph, RFC 9106
Argon2id with secret and associated data, BLAKE2b, XChaCha20-Poly1305, the CSPRNG) and
prints one line per case. Then the host types commands on COM1 for the cross-checks, each
both ways: a signature the guest made verifies with Python's `cryptography` and one the
host made verifies in the guest; an Argon2id hash the guest made verifies with
`argon2-cffi` and one argon2-cffi made verifies in the guest. Every check has a negative
twin (a changed message, signature or password must fail), so a verifier that says yes
to everything cannot pass. The spec's Argon2id parameters (t=3, m=65536 KiB, p=1) are
used once, for the guest's hash (a few seconds under TCG); the other direction uses
m=4096 KiB.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CASES = [
    "ed25519 rfc8032 TEST 1", "ed25519 rfc8032 TEST 2", "ed25519 rfc8032 TEST 3",
    "ed25519 rfc8032 TEST 1024", "ed25519ph rfc8032 TEST abc", "argon2id rfc9106 5.3",
    "argon2id encoded string", "blake2b rfc7693 abc", "xchacha20poly1305 round trip",
    "orb_random",
]

GUEST_MESSAGE = b"signed in ring 3 by libsodium, checked by the host"
HOST_MESSAGE = b"signed on the host by cryptography, checked in the guest"
GUEST_PASSWORD = b"orbital spec parameters"
HOST_PASSWORD = b"argon2-cffi on the host"
HOST_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
HOST_HASHER = PasswordHasher(time_cost=3, memory_cost=4096, parallelism=1)


def _raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _session() -> tuple[list[str], dict[str, Any]]:
    host_sig = HOST_KEY.sign(HOST_MESSAGE)
    bad_sig = bytes([host_sig[0] ^ 1]) + host_sig[1:]
    pk = _raw(HOST_KEY.public_key()).hex()
    host_hash = HOST_HASHER.hash(HOST_PASSWORD)
    lines = [
        f"ed25519-sign {GUEST_MESSAGE.hex()}",
        f"ed25519-verify {pk} {HOST_MESSAGE.hex()} {host_sig.hex()}",
        f"ed25519-verify {pk} {HOST_MESSAGE.hex()} {bad_sig.hex()}",
        f"ed25519-verify {pk} {(HOST_MESSAGE + b'!').hex()} {host_sig.hex()}",
        f"argon2id-hash 3 65536 {GUEST_PASSWORD.hex()}",
        f"argon2id-verify {HOST_PASSWORD.hex()} {host_hash}",
        f"argon2id-verify {(HOST_PASSWORD + b'?').hex()} {host_hash}",
        "argon2id-hash 3 0 00",
        "quit",
    ]
    return lines, {"host_hash": host_hash}


@pytest.fixture(scope="module")
def crypto(boot: Any) -> Any:
    lines, _ = _session()
    r = boot("crypto-test", timeout=300, input_lines=lines, prompt=r"crypto> ")
    assert r.returncode == 0, r.summary + "\n" + r.output[-4000:]
    print(f"crypto session: {r.elapsed_s:.2f} s of QEMU")
    return r


def _lines(r: Any, prefix: str) -> list[str]:
    """The guest's `crypto: PREFIX...` lines, in order (a prompt may precede one)."""
    text = r.output.replace("crypto> ", "\n")
    return [ln.rstrip("\r").removeprefix("crypto: ") for ln in text.split("\n")
            if ln.rstrip("\r").startswith("crypto: " + prefix)]


def test_known_answers_pass_in_the_guest(crypto: Any) -> None:
    assert _lines(crypto, "FAIL") == []
    assert [ln.removeprefix("ok ") for ln in _lines(crypto, "ok ")] == CASES
    assert _lines(crypto, f"{len(CASES)} passed") == [f"{len(CASES)} passed, 0 failed"]
    assert _lines(crypto, "libsodium") == ["libsodium 1.0.18, random from 'orbital'"]


def test_guest_signature_verifies_on_the_host(crypto: Any) -> None:
    [pk] = [ln.split("=", 1)[1] for ln in _lines(crypto, "ed25519-sign pk=")]
    [sig] = [ln.split("=", 1)[1] for ln in _lines(crypto, "ed25519-sign sig=")]
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(pk))
    key.verify(bytes.fromhex(sig), GUEST_MESSAGE)        # raises if the guest got it wrong
    with pytest.raises(InvalidSignature):
        key.verify(bytes.fromhex(sig), GUEST_MESSAGE + b"!")
    # the key pair came from the guest's CSPRNG, not from a fixed seed
    assert bytes.fromhex(pk) != _raw(HOST_KEY.public_key())


def test_host_signature_verifies_in_the_guest(crypto: Any) -> None:
    assert _lines(crypto, "ed25519-verify") == [
        "ed25519-verify ok", "ed25519-verify bad", "ed25519-verify bad"]


def test_guest_argon2id_hash_verifies_on_the_host(crypto: Any) -> None:
    [line] = _lines(crypto, "argon2id-hash ms=")
    m = re.fullmatch(r"argon2id-hash ms=(\d+) (\$argon2id\$v=19\$m=65536,t=3,p=1\$\S+\$\S+)", line)
    assert m, line
    encoded = m.group(2)
    assert PasswordHasher().verify(encoded, GUEST_PASSWORD)
    with pytest.raises(VerifyMismatchError):
        PasswordHasher().verify(encoded, GUEST_PASSWORD + b"x")
    print(f"argon2id t=3 m=65536 p=1 in the guest: {m.group(1)} ms")


def test_host_argon2id_hash_verifies_in_the_guest(crypto: Any) -> None:
    verdicts = [ln.split()[1] for ln in _lines(crypto, "argon2id-verify")]
    assert verdicts == ["ok", "bad"]


def test_bad_parameters_are_refused_in_the_guest(crypto: Any) -> None:
    assert _lines(crypto, "error") == ["error usage: argon2id-hash T M_KIB PW_HEX"]
