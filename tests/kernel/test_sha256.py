"""The kernel's SHA-256 (kernel_image/src/lib/sha256.c, the CommitLog hash) against
Python's hashlib: the FIPS 180-4 example vectors, every length around the block and
padding boundaries, random inputs, and incremental updates in odd pieces. The C file is
compiled for the host as it is, and called through ctypes."""

from __future__ import annotations

import ctypes
import hashlib
import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> ctypes.CDLL:
    out = tmp_path_factory.mktemp("sha") / "libsha.so"
    subprocess.run(["gcc", "-std=gnu11", "-O2", "-shared", "-fPIC", "-Wall", "-Werror",
                    f"-I{ROOT}/kernel_image/include", "-o", str(out),
                    str(ROOT / "kernel_image/src/lib/sha256.c")], check=True)
    return ctypes.CDLL(str(out))


def digest(lib: ctypes.CDLL, data: bytes) -> bytes:
    out = ctypes.create_string_buffer(32)
    lib.sha256(data, ctypes.c_size_t(len(data)), out)
    return out.raw


NIST = {
    b"abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    b"": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq":
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
    b"lmnopqrsmnopqrstnopqrstu":
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    b"a" * 1_000_000: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
}


@pytest.mark.parametrize("msg", list(NIST), ids=lambda m: f"len{len(m)}")
def test_nist_vectors(lib, msg: bytes) -> None:
    assert digest(lib, msg).hex() == NIST[msg]


def test_every_length_across_block_boundaries(lib) -> None:
    rng = random.Random(1)
    for n in range(300):
        data = bytes(rng.getrandbits(8) for _ in range(n))
        assert digest(lib, data) == hashlib.sha256(data).digest(), n


def test_random_inputs(lib) -> None:
    rng = random.Random(2)
    for _ in range(200):
        data = rng.randbytes(rng.randrange(0, 20000))
        assert digest(lib, data) == hashlib.sha256(data).digest()


def test_incremental_updates_in_odd_pieces(lib) -> None:
    class Ctx(ctypes.Structure):
        _fields_ = [("h", ctypes.c_uint32 * 8), ("len", ctypes.c_uint64),
                    ("block", ctypes.c_uint8 * 64), ("fill", ctypes.c_uint32)]

    rng = random.Random(3)
    for _ in range(50):
        data = rng.randbytes(rng.randrange(0, 5000))
        ctx, out = Ctx(), ctypes.create_string_buffer(32)
        lib.sha256_init(ctypes.byref(ctx))
        pos = 0
        while pos < len(data):
            step = rng.choice((1, 3, 63, 64, 65, 200))
            chunk = data[pos:pos + step]
            lib.sha256_update(ctypes.byref(ctx), chunk, ctypes.c_size_t(len(chunk)))
            pos += step
        lib.sha256_final(ctypes.byref(ctx), out)
        assert out.raw == hashlib.sha256(data).digest()
