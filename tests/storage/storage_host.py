"""The C Storage engine on the host: compiled as it is with a simulated block device
(host/simdev.c) into a shared library and driven through ctypes."""

from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "services" / "storage" / "engine"
SECTOR = 512

E_NOT_FOUND, E_QUOTA, E_KEY_TOO_LONG, E_VALUE_TOO_LARGE, E_PERMISSION, E_BACKEND = \
    -1, -2, -3, -4, -5, -6


def build(out: Path) -> ctypes.CDLL:
    """Compile the engine and the simulated device into `out` and load it."""
    srcs = sorted(ENGINE.glob("*.c")) + [Path(__file__).parent / "host" / "simdev.c"]
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-g", "-std=gnu11", "-Wall", "-Wextra",
                    "-Werror", "-Wno-unused-parameter", f"-I{ENGINE}",
                    f"-I{ROOT}/kernel_image/include/gen/uapi", "-o", str(out),
                    *map(str, srcs)], check=True, capture_output=True, text=True)
    lib = ctypes.CDLL(str(out))
    P, U64, U32, I = ctypes.c_void_p, ctypes.c_uint64, ctypes.c_uint32, ctypes.c_int
    SZ = ctypes.c_size_t
    sig = {
        "sim_new": (P, [U64, U64]), "sim_free": (None, [P]), "sim_dev": (P, [P]),
        "sim_arm": (None, [P, ctypes.c_long]), "sim_cut": (None, [P]),
        "sim_dead": (ctypes.c_bool, [P]), "sim_counter": (U32, [P, I]),
        "sim_stat": (U64, [P, I]), "sim_media": (P, [P]),
        "sim_load": (None, [P, ctypes.c_char_p, U64]),
        "sim_flip": (None, [P, U64, ctypes.c_uint8]), "sim_fail_next": (None, [P, I]),
        "sim_settle": (None, [P]),
        "st_format": (I, [P, U64]),
        "st_mount": (I, [ctypes.POINTER(P), P, U64, ctypes.POINTER(Report)]),
        "st_unmount": (None, [P]),
        "st_get": (I, [P, ctypes.c_char_p, ctypes.c_char_p, SZ, U64, P, SZ,
                       ctypes.POINTER(SZ)]),
        "st_set": (I, [P, ctypes.c_char_p, ctypes.c_char_p, SZ, ctypes.c_char_p, SZ, U32,
                       U64]),
        "st_delete": (I, [P, ctypes.c_char_p, ctypes.c_char_p, SZ, U64,
                          ctypes.POINTER(ctypes.c_bool)]),
        "st_list": (I, [P, ctypes.c_char_p, ctypes.c_char_p, SZ, ctypes.c_char_p, SZ, U64,
                        U64, EMIT, P, ctypes.POINTER(ctypes.c_bool)]),
        "st_usage": (I, [P, ctypes.c_char_p, U64, ctypes.POINTER(U64), ctypes.POINTER(U64)]),
        "st_namespace": (I, [P, SZ, U64, ctypes.c_char_p, ctypes.POINTER(U64),
                             ctypes.POINTER(U64), ctypes.POINTER(U64)]),
        "st_compact": (I, [P, U64]), "st_reason": (ctypes.c_char_p, [P]),
        "st_stats": (None, [P, ctypes.POINTER(Stats)]),
    }
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


class Problem(ctypes.Structure):
    _fields_ = [("kind", ctypes.c_uint32), ("_pad", ctypes.c_uint32),
                ("where", ctypes.c_uint64), ("first", ctypes.c_uint64),
                ("last", ctypes.c_uint64)]


class Report(ctypes.Structure):
    _fields_ = [("generation", ctypes.c_uint64), ("records", ctypes.c_uint64),
                ("keys", ctypes.c_uint64), ("expired", ctypes.c_uint64),
                ("log_sectors", ctypes.c_uint64), ("nproblems", ctypes.c_uint32),
                ("damage", ctypes.c_uint32), ("problems", Problem * 16),
                ("error", ctypes.c_char_p)]

    def findings(self) -> list[tuple[int, int, int, int]]:
        return [(p.kind, p.where, p.first, p.last)
                for p in self.problems[:min(self.nproblems, 16)]]


class Stats(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in (
        "keys", "live_sectors", "log_sectors", "ring_sectors", "generation", "next_seq",
        "compactions", "copied_records")]


EMIT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)


class Sim:
    """A simulated device of `nsectors` sectors."""

    def __init__(self, lib: ctypes.CDLL, nsectors: int, seed: int = 1) -> None:
        self.lib, self.nsectors = lib, nsectors
        self.h = lib.sim_new(nsectors, seed)
        self.dev = lib.sim_dev(self.h)

    def close(self) -> None:
        self.lib.sim_free(self.h)

    def image(self) -> bytes:
        return ctypes.string_at(self.lib.sim_media(self.h), self.nsectors * SECTOR)

    def load(self, image: bytes) -> None:
        self.lib.sim_load(self.h, image, len(image))

    def settle(self) -> None:
        """Let every unflushed write reach the medium (the machine stayed on)."""
        self.lib.sim_settle(self.h)

    def arm(self, ops: int) -> None:
        self.lib.sim_arm(self.h, ops)

    def cut(self) -> dict[str, int]:
        self.lib.sim_cut(self.h)
        return {n: self.lib.sim_counter(self.h, i)
                for i, n in enumerate(("kept", "dropped", "torn", "sb_touched"))}

    @property
    def dead(self) -> bool:
        return bool(self.lib.sim_dead(self.h))

    def stat(self, which: int) -> int:
        return int(self.lib.sim_stat(self.h, which))


class Engine:
    """A mounted engine; `now` is the ns-since-boot clock handed to every call."""

    def __init__(self, lib: ctypes.CDLL, sim: Sim, now: int = 0) -> None:
        self.lib, self.sim, self.now = lib, sim, now
        self.report = Report()
        self.buf = ctypes.create_string_buffer(1 << 20)
        self.h = ctypes.c_void_p()
        self.rc = lib.st_mount(ctypes.byref(self.h), sim.dev, now, ctypes.byref(self.report))

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def close(self) -> None:
        self.lib.st_unmount(self.h)

    def reason(self) -> str:
        return self.lib.st_reason(self.h).decode()

    def set(self, ns: bytes, key: bytes, value: bytes, ttl: int = 0) -> int:
        return int(self.lib.st_set(self.h, ns, key, len(key), value, len(value), ttl,
                                   self.now))

    def get(self, ns: bytes, key: bytes, cap: int = 1 << 20) -> tuple[int, bytes | None]:
        if len(self.buf) < cap:
            self.buf = ctypes.create_string_buffer(cap)
        n = ctypes.c_size_t(0)
        rc = self.lib.st_get(self.h, ns, key, len(key), self.now, self.buf, cap,
                             ctypes.byref(n))
        return int(rc), (ctypes.string_at(self.buf, n.value) if rc == 0 else None)

    def delete(self, ns: bytes, key: bytes) -> tuple[int, bool]:
        existed = ctypes.c_bool(False)
        rc = self.lib.st_delete(self.h, ns, key, len(key), self.now, ctypes.byref(existed))
        return int(rc), existed.value

    def list(self, ns: bytes, prefix: bytes = b"", cursor: bytes | None = None,
             limit: int = 1 << 62, take: int | None = None) -> tuple[int, list[bytes], bool]:
        keys: list[bytes] = []

        def emit(_ctx: int, key: int, n: int) -> int:
            if take is not None and len(keys) == take:
                return 1
            keys.append(ctypes.string_at(key, n))
            return 0
        more = ctypes.c_bool(False)
        rc = self.lib.st_list(self.h, ns, prefix, len(prefix), cursor,
                              0 if cursor is None else len(cursor), limit, self.now,
                              EMIT(emit), None, ctypes.byref(more))
        return int(rc), keys, more.value

    def usage(self, ns: bytes) -> tuple[int, int, int]:
        used, quota = ctypes.c_uint64(), ctypes.c_uint64()
        rc = self.lib.st_usage(self.h, ns, self.now, ctypes.byref(used), ctypes.byref(quota))
        return int(rc), used.value, quota.value

    def namespaces(self) -> list[tuple[bytes, int, int, int]]:
        """(name, used, quota, keys) of every namespace, in the engine's order."""
        out = []
        name = ctypes.create_string_buffer(65)
        used, quota, keys = ctypes.c_uint64(), ctypes.c_uint64(), ctypes.c_uint64()
        while self.lib.st_namespace(self.h, len(out), self.now, name, ctypes.byref(used),
                                    ctypes.byref(quota), ctypes.byref(keys)) == 0:
            out.append((name.value, used.value, quota.value, keys.value))
        return out

    def compact(self) -> int:
        return int(self.lib.st_compact(self.h, self.now))

    def stats(self) -> Stats:
        s = Stats()
        self.lib.st_stats(self.h, ctypes.byref(s))
        return s
