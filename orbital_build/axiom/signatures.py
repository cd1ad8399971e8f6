"""Checkpoint signatures (docs/decisions.md D249): on a machine with a secret the kernel
signs each checkpoint with Ed25519 — its seq, its prev (the id of the commit before it,
and so the whole chain up to it) and its state hash, as a checkpoint_signed record. The
chain's own hashes only show that a log is consistent; anyone can re-chain an altered log.
The signatures show the kernel that holds the key wrote it, up to the last checkpoint.

The public key comes from outside the log: `orbital-build axiom key SECRET` derives it
from the machine's secret file, and the kernel prints it at boot.
"""

from __future__ import annotations

import re

from ..errors import OrbitalError
from ..generated import abi
from .chain import ChainError, Commit

DOMAIN = b"orbital axiom checkpoint v1"
KEY_RE = re.compile(r"^[0-9a-fA-F]{64}$")


def parse_key(text: str) -> bytes:
    """An Ed25519 public key written as 64 hex digits."""
    if not KEY_RE.match(text):
        raise OrbitalError(f"--key {text!r}: an Ed25519 public key is 64 hex digits")
    return bytes.fromhex(text)


def signed_bytes(c: Commit) -> bytes:
    """What the kernel signed for checkpoint commit `c`."""
    return abi.CheckpointSigned(domain=DOMAIN.ljust(32, b"\0"), seq=c.seq, prev=c.env.prev,
                                state_hash=bytes(c.payload.state_hash)).pack()


def check_algorithms(commits: list[Commit]) -> int:
    """Every checkpoint names an algorithm we know, with a signature of its size; returns
    how many are signed. (Without a trusted key a signature proves nothing.)"""
    signed = 0
    for c in commits:
        if c.env.type != abi.CommitType.CHECKPOINT:
            continue
        p = c.payload
        if p.algorithm == abi.CHECKPOINT_UNSIGNED and not p.signature:
            continue
        if p.algorithm != abi.CHECKPOINT_ED25519 or len(p.signature) != 64:
            raise ChainError(f"checkpoint seq {c.seq} (byte {c.offset}): algorithm "
                             f"{p.algorithm} with a {len(p.signature)}-byte signature")
        signed += 1
    return signed


def verify_signatures(commits: list[Commit], key: bytes) -> int:
    """Check every checkpoint's signature with `key`; returns how many there are (a log
    too short to have one vouches for nothing, and says 0). An unsigned checkpoint or one
    that does not verify is a ChainError naming it."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    public = Ed25519PublicKey.from_public_bytes(key)
    checked = 0
    for c in commits:
        if c.env.type != abi.CommitType.CHECKPOINT:
            continue
        where = f"checkpoint seq {c.seq} (byte {c.offset})"
        if c.payload.algorithm != abi.CHECKPOINT_ED25519:
            raise ChainError(f"{where}: unsigned, but a key was given (was the machine "
                             "booted without its secret?)")
        try:
            public.verify(bytes(c.payload.signature), signed_bytes(c))
        except InvalidSignature:
            raise ChainError(f"{where}: the signature does not verify with this key (a log "
                             "re-chained or altered after the kernel signed it, or another "
                             "machine's)") from None
        checked += 1
    return checked
