"""The crypto figures of `orbital-qemu bench`: libsodium in ring 3 against the host.

The guest is the crypto test image (tests/programs/crypto_test): one boot types
`ed25519-bench N` and one `argon2id-hash 3 65536 PW` (the spec's parameters: t=3,
m=65,536 KiB, p=1) at its prompt and reads the times it prints (the guest clock,
clock_get, which under TCG follows the host's). The same work runs on the host in the
same process run with argon2-cffi and `cryptography` (the test extras). Ratios are
guest time over host time for one operation: how much slower ring 3 under TCG is.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from ..errors import OrbitalError
from ..paths import project_root
from .boot import run_image

ARGON2_T, ARGON2_M_KIB, ARGON2_P = 3, 65536, 1
PASSWORD = b"orbital bench password"
ED25519_N = 200


def _host_figures() -> dict:
    try:
        from argon2 import PasswordHasher
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    except ImportError:
        raise OrbitalError("the crypto bench needs argon2-cffi and cryptography: "
                           "pip install -e '.[test]' (./orbital setup does)") from None
    hasher = PasswordHasher(time_cost=ARGON2_T, memory_cost=ARGON2_M_KIB,
                            parallelism=ARGON2_P)
    t0 = time.perf_counter()
    encoded = hasher.hash(PASSWORD)
    argon2_ms = (time.perf_counter() - t0) * 1000
    hasher.verify(encoded, PASSWORD)
    key = Ed25519PrivateKey.generate()
    msg = bytes(64)
    n = ED25519_N * 10
    t0 = time.perf_counter()
    for _ in range(n):
        sig = key.sign(msg)
    t1 = time.perf_counter()
    pub = key.public_key()
    for _ in range(n):
        pub.verify(sig, msg)
    t2 = time.perf_counter()
    return {"argon2id_host_hash_ms": round(argon2_ms, 1),
            "ed25519_host_sign_per_s": round(n / (t1 - t0)),
            "ed25519_host_verify_per_s": round(n / (t2 - t1))}


def run_crypto_bench(timeout: float = 300) -> dict:
    from ..image.command import build_image
    root = project_root()
    info = build_image(root / "images/crypto-test.toml", quiet=True)
    lines = [f"ed25519-bench {ED25519_N}",
             f"argon2id-hash {ARGON2_T} {ARGON2_M_KIB} {PASSWORD.hex()}", "quit"]
    result = run_image(Path(root / info["image"]), timeout=timeout, quiet=True,
                       input_lines=lines, prompt=r"crypto> ")
    out = result.output
    ed = re.search(r"crypto: ed25519-bench n=(\d+) sign_ns=(\d+) verify_ns=(\d+)", out)
    ar = re.search(r"crypto: argon2id-hash ms=(\d+) \$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$",
                   out)
    if result.returncode != 0 or not ed or not ar:
        tail = out.strip().splitlines()[-3:]
        raise OrbitalError(f"crypto bench image failed ({result.summary}): {' | '.join(tail)}",
                           returncode=1)
    if (int(ar[2]), int(ar[3]), int(ar[4])) != (ARGON2_M_KIB, ARGON2_T, ARGON2_P):
        raise OrbitalError(f"crypto bench: the guest hashed with other parameters: {ar[0]}",
                           returncode=1)
    n = int(ed[1])
    guest = {"argon2id_hash_ms": max(int(ar[1]), 1),
             "ed25519_sign_per_s": round(n * 1e9 / max(int(ed[2]), 1)),
             "ed25519_verify_per_s": round(n * 1e9 / max(int(ed[3]), 1))}
    host = _host_figures()
    return {
        **guest, **host,
        "argon2id_params": f"t={ARGON2_T},m={ARGON2_M_KIB},p={ARGON2_P}",
        "argon2id_guest_over_host": round(guest["argon2id_hash_ms"] /
                                          max(host["argon2id_host_hash_ms"], 0.1), 2),
        "ed25519_sign_guest_over_host": round(host["ed25519_host_sign_per_s"] /
                                              guest["ed25519_sign_per_s"], 2),
        "ed25519_verify_guest_over_host": round(host["ed25519_host_verify_per_s"] /
                                                guest["ed25519_verify_per_s"], 2),
        "crypto_image_sha256": info["sha256"],
    }
