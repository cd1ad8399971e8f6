"""The machine secret (docs/decisions.md D247): a file of random bytes the host keeps for
one machine (one per disk), handed to the guest at boot through QEMU's fw_cfg and never
put in an image. The kernel derives two keys from it, each by keyed BLAKE2b with its own
label; this module derives the same ones on the host, so the host can check what the
guest signed (`orbital-build axiom key FILE`, `axiom verify --key PUB`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import OrbitalError

FW_CFG_NAME = "opt/orbital/machine-secret"
SIZE = 32                 # what ensure_secret writes
MIN_SIZE, MAX_SIZE = 16, 256   # what the kernel accepts (kernel/secret.c)
IDENTITY_LABEL = b"orbital machine secret: identity records v1"
CHECKPOINT_LABEL = b"orbital machine secret: checkpoint signing v1"


def qemu_args(path: Path) -> list[str]:
    """The QEMU arguments that give the guest `path` as its machine secret."""
    spec = str(path).replace(",", ",,")   # QEMU's option syntax doubles commas
    return ["-fw_cfg", f"name={FW_CFG_NAME},file={spec}"]


def ensure_secret(path: Path) -> bool:
    """Create `path` with SIZE random bytes (mode 0600) unless it exists; True if made."""
    if path.exists():
        if not path.is_file():
            raise OrbitalError(f"{path}: machine secret is not a regular file")
        return False
    if not path.parent.is_dir():
        raise OrbitalError(f"{path}: no directory {path.parent}")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(os.urandom(SIZE))
    return True


def read_secret(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise OrbitalError(f"{path}: cannot read machine secret: {e.strerror}") from None
    if not MIN_SIZE <= len(data) <= MAX_SIZE:
        raise OrbitalError(f"{path}: a machine secret is {MIN_SIZE}-{MAX_SIZE} bytes, "
                           f"not {len(data)}")
    return data


def _derive(secret: bytes, label: bytes) -> bytes:
    master = hashlib.blake2b(secret, digest_size=32).digest()
    return hashlib.blake2b(label, digest_size=32, key=master).digest()


def identity_key(secret: bytes) -> bytes:
    """The key the kernel hands Identity (secret_read)."""
    return _derive(secret, IDENTITY_LABEL)


def checkpoint_public_key(secret: bytes) -> bytes:
    """The Ed25519 public key of the kernel's checkpoint signing key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    seed = _derive(secret, CHECKPOINT_LABEL)
    key = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
