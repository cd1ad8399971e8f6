"""Checkpoint signatures (orbital_build/axiom/signatures.py, D249) on hand-made logs: the
bytes signed are the checkpoint_signed record of the checkpoint's seq, prev and state
hash; a signature by the machine's key verifies, and every way of not having one — no
signature, another key, a changed prev, seq or state hash, an unknown algorithm — is
refused with the checkpoint's seq."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from orbital_build.axiom.chain import ChainError, Commit
from orbital_build.axiom.signatures import (
    check_algorithms,
    parse_key,
    signed_bytes,
    verify_signatures,
)
from orbital_build.errors import OrbitalError
from orbital_build.generated import abi

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUB = KEY.public_key().public_bytes_raw()
STATE = bytes(range(32, 64))
PREV = bytes(range(64, 96))


def checkpoint(seq: int = 7, prev: bytes = PREV, state: bytes = STATE,
               algorithm: int = abi.CHECKPOINT_ED25519, sig: bytes | None = None) -> Commit:
    payload = abi.CommitCheckpoint(state_hash=state, algorithm=algorithm, signature=b"")
    c = Commit(0, SimpleNamespace(seq=seq, prev=prev, type=abi.CommitType.CHECKPOINT), payload)
    if sig is None and algorithm == abi.CHECKPOINT_ED25519:
        sig = KEY.sign(signed_bytes(c))
    payload.signature = sig or b""
    return c


def test_the_signed_bytes_are_the_documented_record() -> None:
    c = checkpoint()
    assert signed_bytes(c) == (b"orbital axiom checkpoint v1".ljust(32, b"\0") +
                               (7).to_bytes(8, "little") + PREV + STATE)


def test_a_signature_by_the_key_verifies() -> None:
    assert verify_signatures([checkpoint(), checkpoint(seq=9)], PUB) == 2
    assert check_algorithms([checkpoint(), checkpoint(algorithm=abi.CHECKPOINT_UNSIGNED)]) == 1


@pytest.mark.parametrize(("why", "c", "match"), [
    ("unsigned", checkpoint(algorithm=abi.CHECKPOINT_UNSIGNED), "unsigned, but a key"),
    ("another key", checkpoint(sig=Ed25519PrivateKey.generate().sign(b"x")), "does not verify"),
    ("prev changed", checkpoint(sig=KEY.sign(signed_bytes(checkpoint(prev=bytes(32))))),
     "does not verify"),
    ("seq changed", checkpoint(sig=KEY.sign(signed_bytes(checkpoint(seq=8)))), "does not verify"),
    ("state changed", checkpoint(sig=KEY.sign(signed_bytes(checkpoint(state=bytes(32))))),
     "does not verify"),
])
def test_what_the_key_does_not_vouch_for_is_refused(why: str, c: Commit, match: str) -> None:
    with pytest.raises(ChainError, match=rf"checkpoint seq {c.seq} .*{match}"):
        verify_signatures([c], PUB)


def test_unknown_algorithms_and_sizes_are_refused() -> None:
    with pytest.raises(ChainError, match="algorithm 7"):
        check_algorithms([checkpoint(algorithm=7, sig=b"\0" * 64)])
    with pytest.raises(ChainError, match="algorithm 1 with a 10-byte signature"):
        check_algorithms([checkpoint(sig=b"\0" * 10)])
    assert verify_signatures([], PUB) == 0        # nothing to vouch for, and it says so


@pytest.mark.parametrize("text", ["", "abc", "zz" * 32, "00" * 33])
def test_a_key_is_64_hex_digits(text: str) -> None:
    with pytest.raises(OrbitalError, match="64 hex digits"):
        parse_key(text)
    assert parse_key(PUB.hex().upper()) == PUB
