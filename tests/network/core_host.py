"""The Network service's portable core (services/network/core: URLs, HTTP, the policy and
the rate limit) compiled for the host as it is, with a flat shim (host/core_shim.c), and
driven through ctypes."""

from __future__ import annotations

import ctypes
import struct
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "services" / "network" / "core"

P, U32, U64, SZ, I = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_uint64, ctypes.c_size_t, \
    ctypes.c_int
CS = ctypes.c_char_p
WHY = ctypes.POINTER(CS)

SIGNATURES = {
    "shim_url": (I, [CS, SZ, CS, ctypes.POINTER(ctypes.c_uint), ctypes.POINTER(I), CS, CS,
                     WHY]),
    "shim_ipv4": (I, [CS, ctypes.POINTER(ctypes.c_uint)]),
    "shim_request": (ctypes.c_long, [ctypes.c_uint, CS, CS, SZ, U32, I, U64, CS, SZ, WHY]),
    "shim_parser_new": (P, [I, U64]), "shim_parser_free": (None, [P]),
    "shim_feed": (I, [P, CS, SZ]), "shim_eof": (I, [P]), "shim_state": (I, [P]),
    "shim_error": (CS, [P]), "shim_status": (ctypes.c_uint, [P]),
    "shim_body": (SZ, [P, ctypes.POINTER(ctypes.POINTER(ctypes.c_uint8))]),
    "shim_headers": (SZ, [P, CS, SZ, ctypes.POINTER(U32), ctypes.POINTER(I)]),
    "shim_policy_default": (P, []), "shim_free": (None, [P]),
    "shim_policy_check": (I, [P, CS, U32, CS, ctypes.POINTER(I)]),
    "shim_glob": (I, [CS, CS]), "shim_classify": (I, [CS]),
    "shim_policy_count": (ctypes.c_uint, [P]),
    "shim_policy_encode": (ctypes.c_long, [P, CS, SZ]),
    "shim_policy_decode": (I, [P, U32, CS, SZ, WHY]),
    "shim_rate_new": (P, [U32, U64]), "shim_rate_take": (I, [P, U32, U64]),
    "shim_rate_forget": (None, [P, U32]),
}

HTTP_DONE, HTTP_ERROR = 7, 8
SYSTEM, RUNTIME, APPLICATION, NAMED, PID = range(5)


def build(out: Path) -> ctypes.CDLL:
    srcs = sorted(CORE.glob("*.c")) + [Path(__file__).parent / "host" / "core_shim.c"]
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-g", "-std=gnu11", "-Wall", "-Wextra",
                    "-Werror",
                    f"-I{CORE}", "-o", str(out), *map(str, srcs)],
                   check=True, capture_output=True, text=True)
    lib = ctypes.CDLL(str(out))
    for name, (res, args) in SIGNATURES.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    return lib


def wire_str(s: str | bytes) -> bytes:
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("<H", len(b)) + b


def wire_headers(pairs: list[tuple[str | bytes, str | bytes]]) -> bytes:
    """(name str, value str) pairs back to back: NET_REQUEST/NET_RESPONSE `headers`."""
    return b"".join(wire_str(n) + wire_str(v) for n, v in pairs)


def read_headers(data: bytes, count: int) -> list[tuple[str, str]]:
    out, at = [], 0
    for _ in range(count):
        pair = []
        for _k in range(2):
            (n,) = struct.unpack_from("<H", data, at)
            pair.append(data[at + 2:at + 2 + n].decode())
            at += 2 + n
        out.append((pair[0], pair[1]))
    assert at == len(data)
    return out


def wire_rule(rule_id: str, cls: int, pattern: str, allow: bool, priority: int,
              name: str = "", pid: int = 0) -> bytes:
    """One net_rule item (NET_POLICY_QUERY_RESPONSE `rules`)."""
    return (wire_str(rule_id) + bytes([cls]) + wire_str(name) + struct.pack("<I", pid) +
            wire_str(pattern) + bytes([int(allow)]) + struct.pack("<I", priority))


def read_rules(data: bytes) -> list[tuple[str, int, str, int, str, bool, int]]:
    out, at = [], 0

    def s() -> str:
        nonlocal at
        (n,) = struct.unpack_from("<H", data, at)
        v = data[at + 2:at + 2 + n].decode()
        at += 2 + n
        return v
    while at < len(data):
        rid = s()
        cls = data[at]
        at += 1
        name = s()
        (pid,) = struct.unpack_from("<I", data, at)
        at += 4
        pattern = s()
        allow = data[at] == 1
        (prio,) = struct.unpack_from("<I", data, at + 1)
        at += 5
        out.append((rid, cls, name, pid, pattern, allow, prio))
    return out


class Parser:
    """One response parser; feed() returns the C result."""

    def __init__(self, lib: ctypes.CDLL, head_only: bool = False, body_max: int = 1 << 24):
        self.lib = lib
        self.p = lib.shim_parser_new(int(head_only), body_max)

    def feed(self, data: bytes) -> int:
        return self.lib.shim_feed(self.p, data, len(data))

    def eof(self) -> int:
        return self.lib.shim_eof(self.p)

    @property
    def done(self) -> bool:
        return self.lib.shim_state(self.p) == HTTP_DONE

    @property
    def failed(self) -> bool:
        return self.lib.shim_state(self.p) == HTTP_ERROR

    @property
    def error(self) -> str:
        e = self.lib.shim_error(self.p)
        return e.decode() if e else ""

    @property
    def status(self) -> int:
        return self.lib.shim_status(self.p)

    @property
    def body(self) -> bytes:
        ptr = ctypes.POINTER(ctypes.c_uint8)()
        n = self.lib.shim_body(self.p, ctypes.byref(ptr))
        return ctypes.string_at(ptr, n) if n else b""

    def headers(self, cap: int = 1 << 16) -> tuple[list[tuple[str, str]], bool]:
        buf = ctypes.create_string_buffer(cap)
        count, cut = U32(), I()
        n = self.lib.shim_headers(self.p, buf, cap, ctypes.byref(count), ctypes.byref(cut))
        return read_headers(buf.raw[:n], count.value), bool(cut.value)

    def close(self) -> None:
        self.lib.shim_parser_free(self.p)
