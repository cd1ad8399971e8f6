"""liborbital's split virtqueue (services/lib/virtio/queue.c) on the host, against a fake
device (tests/lib/virtq_fake.c): chains go out device-readable first and come back in any
order with their descriptors free again, many at once; a full queue says EAGAIN; a device
that names a chain it was never given is caught; notifications follow the device's
NO_NOTIFY flag (virtio 1.2 §2.7)."""

from __future__ import annotations

import ctypes
import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEXT, WRITE = 1, 2
EAGAIN, EINVAL = 5, 3


class Buf(ctypes.Structure):
    _fields_ = [("phys", ctypes.c_uint64), ("len", ctypes.c_uint32),
                ("device_writes", ctypes.c_bool)]


@pytest.fixture(scope="module")
def lib(tmp_path_factory) -> ctypes.CDLL:
    out = tmp_path_factory.mktemp("virtq") / "libvirtq.so"
    subprocess.run(["gcc", "-std=gnu11", "-O2", "-shared", "-fPIC", "-Wall", "-Werror",
                    "-Wno-unused-function", f"-I{ROOT}/services/lib/include",
                    f"-I{ROOT}/services/lib/include/gen",
                    f"-I{ROOT}/kernel_image/include/gen/uapi", "-o", str(out),
                    str(ROOT / "services/lib/virtio/queue.c"),
                    str(Path(__file__).parent / "virtq_fake.c")], check=True)
    lib = ctypes.CDLL(str(out))
    lib.add.restype = ctypes.c_long
    lib.pop.restype = ctypes.c_long
    return lib


def add(lib, bufs: list[tuple[int, int, bool]], token: int) -> int:
    arr = (Buf * max(1, len(bufs)))(*[Buf(p, n, w) for p, n, w in bufs])
    return lib.add(arr, len(bufs), ctypes.c_long(token))


def take(lib) -> tuple[int, list[tuple[int, int, int]]] | None:
    head = ctypes.c_uint16()
    addr, ln, fl = (ctypes.c_uint64 * 8)(), (ctypes.c_uint32 * 8)(), (ctypes.c_uint16 * 8)()
    n = lib.device_take(ctypes.byref(head), addr, ln, fl, 8)
    return (head.value, [(addr[i], ln[i], fl[i]) for i in range(n)]) if n else None


def pop(lib) -> tuple[int, int]:
    written = ctypes.c_uint32(0)
    token = lib.pop(ctypes.byref(written))
    return token, written.value


def test_a_request_goes_out_as_one_chain_and_comes_back(lib) -> None:
    lib.setup(8)
    head = add(lib, [(0x1000, 16, False), (0x2000, 512, True), (0x3000, 1, True)], 77)
    assert head >= 0 and lib.nfree() == 5 and lib.inflight() == 1
    lib.kick()
    assert ctypes.c_uint32.in_dll(lib, "notifies").value == 1
    got = take(lib)
    assert got == (head, [(0x1000, 16, NEXT), (0x2000, 512, NEXT | WRITE), (0x3000, 1, WRITE)])
    assert pop(lib) == (0, 0)                       # nothing finished yet
    lib.device_complete(head, 513)
    assert pop(lib) == (77, 513)
    assert lib.nfree() == 8 and lib.inflight() == 0


def test_many_in_flight_finish_in_any_order(lib) -> None:
    lib.setup(16)
    rng = random.Random(8)
    for round_ in range(20):
        tokens = {}
        for t in range(1, 6):                        # 5 chains of 3: 15 of 16 descriptors
            h = add(lib, [(t << 12, 16, False), (t << 16, 4096, True), (t << 20, 1, True)],
                    100 * round_ + t)
            assert h >= 0
            tokens[h] = 100 * round_ + t
        assert lib.inflight() == 5
        assert add(lib, [(1, 1, False), (2, 1, False)], 9) == -EAGAIN   # one left
        heads = []
        while (c := take(lib)) is not None:
            heads.append(c[0])
        assert sorted(heads) == sorted(tokens)
        rng.shuffle(heads)
        done = []
        for h in heads:
            lib.device_complete(h, 4097)
            done.append(pop(lib)[0])
        assert done == [tokens[h] for h in heads]
        assert lib.nfree() == 16 and lib.inflight() == 0


def test_device_readable_buffers_come_first(lib) -> None:
    lib.setup(8)
    assert add(lib, [(0x1000, 1, True), (0x2000, 1, False)], 1) == -EINVAL
    assert add(lib, [], 1) == -EINVAL
    assert add(lib, [(0x1000, 1, False)] * 9, 1) == -EINVAL         # longer than the queue
    assert lib.nfree() == 8


def test_a_chain_the_device_never_had_is_caught(lib) -> None:
    lib.setup(8)
    head = add(lib, [(0x1000, 16, False), (0x3000, 1, True)], 5)
    take(lib)
    lib.device_complete(7, 0)                        # free descriptor, no chain there
    assert pop(lib) == (0, 0xFFFFFFFF)
    lib.device_complete(200, 0)                      # not a descriptor at all
    assert pop(lib) == (0, 0xFFFFFFFF)
    lib.device_complete(head, 1)
    assert pop(lib) == (5, 1)                        # the real one still comes back


def test_no_notify_is_honoured(lib) -> None:
    lib.setup(8)
    lib.device_no_notify(1)
    add(lib, [(0x1000, 16, False)], 1)
    lib.kick()
    assert ctypes.c_uint32.in_dll(lib, "notifies").value == 0
    lib.device_no_notify(0)
    lib.kick()
    assert ctypes.c_uint32.in_dll(lib, "notifies").value == 1
