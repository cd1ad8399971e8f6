"""Every syscall returns only the errors its definition declares (orbital_build/abi/defs/
syscalls.py), checked on the real kernel under the machine model.

Each syscall runs from ring 3 of images/emu-fuzz.toml (the fuzz target, see
orbital_build/fuzz/target.py) once with arguments that are valid there and once for each
argument replaced by broken values of its kind: a handle out of range, empty, stale,
with high bits set, to the wrong object, without the right or expired; a pointer to
nothing, to the kernel, non-canonical or wrapping; lengths of 0 and 2^64-1; msginfo words
with reserved bits, an oversized length or too many capabilities. The harness checks
each result, every SysLog record the call caused and the CommitLog; a negative result
the syscall does not declare fails the test that names the syscall.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from orbital_build.emu.loader import BuiltImage
from orbital_build.fuzz import target as t
from orbital_build.fuzz.harness import Harness, check_result, signed
from orbital_build.fuzz.program import Arg, Call, Program, Ref, Write
from orbital_build.generated import abi

pytestmark = pytest.mark.emu

S = abi.Syscall
U32, U64 = (1 << 32) - 1, (1 << 64) - 1
BUF = Ref("buf", 0)


def info(length: int = 8, ncaps: int = 0, tag: int = 0x10) -> int:
    return tag | length << 32 | ncaps << 45


def spawn_spec() -> tuple[Write, ...]:
    spec = abi.SpawnSpec(name=b"child".ljust(32, b"\0"), image=b"emu-fuzz-peer".ljust(32, b"\0"),
                         proc=t.PROCESS_ROOT, exit_notify=abi.CAP_NONE, priority=64)
    return (Write("buf", 0, spec.pack()),)


# Arguments that work in the fuzz target (a few calls fail by design: nothing to receive,
# no reply owed; the target holds no PCI device and no SECRET capability, so those calls
# only meet handle checks),
# and what the call needs written first. SETUP: calls run before it (["ret", 0] names the
# first one's result).
VALID: dict[int, tuple[tuple[Arg, ...], tuple[Write, ...]]] = {
    S.NOP: ((), ()),
    S.DEBUG_WRITE: ((BUF, 8), (Write("buf", 0, b"errors!\n"),)),
    S.CLOCK_GET: ((), ()),
    S.PROCESS_SELF: ((), ()),
    S.CAP_LIST: ((BUF, 4096), ()),
    S.PROCESS_LIST: ((BUF, 4096), ()),
    S.SYSTEM_INFO: ((BUF, 4096), ()),
    S.ENTROPY_GET: ((BUF, 32), ()),
    S.SECRET_READ: ((t.EP_A, BUF, 32), ()),   # the target holds no SECRET capability
    S.THREAD_CREATE: ((Ref("code", 0), 0, 7, 64), ()),
    S.EXIT: ((0,), ()),
    S.YIELD: ((), ()),
    S.SLEEP: ((1000,), ()),
    S.THREAD_JOIN: ((2,), ()),
    S.PROCESS_SPAWN: ((BUF, abi.SpawnSpec.SIZE), spawn_spec()),
    S.PROCESS_KILL: ((t.PROCESS_ROOT, t.PEER_PID), ()),
    S.THREAD_EXIT: ((0,), ()),
    S.MEM_MAP: ((0, 4096, 3, abi.CAP_NONE), ()),
    S.MEM_UNMAP: ((0x0000_1000_0000_0000, 4096), ()),
    S.MEM_PROTECT: ((0x0000_1000_0000_0000, 4096, 1), ()),
    S.SHM_CREATE: ((4096, 0, abi.CAP_NONE), ()),
    S.SHM_MAP: ((Ref("ret", 0, 0), 0, 3), ()),
    S.SHM_PHYS: ((Ref("ret", 0, 0), 0), ()),
    S.CAP_GRANT: ((t.EP_A, Ref("ret", 0, 0), 7), ()),
    S.CAP_REVOKE: ((t.EP_A,), ()),
    S.CAP_DELETE: ((t.EP_A_BADGED_W,), ()),
    S.CAP_INSPECT: ((t.EP_A, BUF), ()),
    S.CAP_DERIVE: ((t.EP_A, 3, 0x77, 0), ()),
    S.ENDPOINT_CREATE: ((), ()),
    S.ENDPOINT_DESTROY: ((t.EP_B,), ()),
    S.CAP_COPY: ((t.EP_A,), ()),
    S.CAP_MOVE: ((t.EP_A, Ref("ret", 0, 0)), ()),
    S.CSPACE_OPEN: ((t.PEER_PID,), ()),
    S.NOTIFICATION_CREATE: ((), ()),
    S.ENDPOINT_LIMIT: ((t.EP_B, 4), ()),
    S.ENDPOINT_SEND: ((t.EP_B, info(), 1, 2, 3, 4), ()),
    S.ENDPOINT_RECEIVE: ((t.EP_B,), ()),
    S.ENDPOINT_CALL: ((t.EP_A, info(), 1, 2, 3, 4), ()),
    S.ENDPOINT_REPLY: ((0, info()), ()),
    S.ENDPOINT_RECEIVE_WAIT: ((t.EP_B, 1000), ()),
    S.ENDPOINT_REPLY_RECV: ((t.EP_B, info()), ()),
    S.NOTIFICATION_SIGNAL: ((t.NOTIFICATION, 1), ()),
    S.NOTIFICATION_WAIT: ((t.NOTIFICATION, 1000), ()),
    S.NOTIFICATION_POLL: ((t.NOTIFICATION,), ()),
    S.IRQ_REGISTER: ((t.IRQ_LINE, t.NOTIFICATION, t.IRQ), ()),
    S.IRQ_ACK: ((t.IRQ_LINE,), ()),
    S.IRQ_MASK: ((t.IRQ_LINE,), ()),
    S.IRQ_UNMASK: ((t.IRQ_LINE,), ()),
    S.PCI_IRQ_BIND: ((t.EP_A, 0, t.NOTIFICATION), ()),
    S.PCI_INFO: ((t.EP_A, BUF, 4096), ()),
    S.PCI_CONFIG_READ: ((t.EP_A, 0, 4), ()),
    S.PCI_CONFIG_WRITE: ((t.EP_A, 4, 2, 0), ()),
    S.PCI_BAR_MAP: ((t.EP_A, 0, 0), ()),
    S.IO_IN8: ((t.IOPORT, 0), ()),
    S.IO_IN16: ((t.IOPORT, 0), ()),
    S.IO_IN32: ((t.IOPORT, 0), ()),
    S.IO_OUT8: ((t.IOPORT, 0, 0x0A), ()),
    S.IO_OUT16: ((t.IOPORT, 0, 0x0A), ()),
    S.IO_OUT32: ((t.IOPORT, 0, 0x0A), ()),
    S.AXIOM_SYSLOG_READ: ((t.AXIOM, BUF, 4096, 0), ()),
    S.AXIOM_COMMITS_READ: ((t.AXIOM, BUF, 4096, 0), ()),
}

SETUP: dict[int, tuple[Call, ...]] = {
    S.CAP_GRANT: (Call(S.CSPACE_OPEN, (t.PEER_PID,)),),   # the peer is the target's child
    S.CAP_MOVE: (Call(S.CSPACE_OPEN, (t.PEER_PID,)),),
    S.SHM_MAP: (Call(S.SHM_CREATE, (4096, 0, abi.CAP_NONE)),),
    S.SHM_PHYS: (Call(S.SHM_CREATE, (4096, 0, abi.CAP_NONE)),),
}

# Broken handles: (value, what it is). Slot 200 is empty in the target.
BAD_HANDLES = ((0xFFF, "slot out of range"), (200, "empty slot"),
               (abi.CAP_NONE, "ORB_CAP_NONE"), (t.EP_A | 1 << 12, "stale"),
               (t.EP_A | 1 << 32, "high bits"), (t.CONSOLE, "console: wrong type"),
               (t.EP_B_READ_ONLY, "R only"), (t.EP_A_EXPIRED, "expired"),
               (t.MEMORY, "memory: wrong type"))
BAD_POINTERS: tuple[Arg, ...] = (0, 0x1000, t.USER_TOP - 8, t.USER_TOP, 0xFFFF_FFFF_8010_0000,
                                 U64 - 7, Ref("buf", t.BUF_SIZE - 4), Ref("code", 0))
BAD_LENGTHS = (0, 1, 4097, 1 << 30, U64)
BAD_INFOS = (info() | 1 << 49, info(4097), info(8, 9), info(8, 1), info(4096, 8))
BAD_SCALARS = (0, 256, U32, U64)


def cases(nr: int) -> list[tuple[str, Call]]:
    """The valid call, then one call per broken value of each argument."""
    args, writes = VALID[nr]
    out = [("valid", Call(nr, args, writes))]
    for i, (_, name, ctype) in enumerate(abi.SYSCALLS[nr].args):
        bad: tuple[tuple[Arg, str], ...]
        if ctype == "cptr":
            bad = BAD_HANDLES
        elif ctype == "ptr":
            bad = tuple((p, f"pointer {p}") for p in BAD_POINTERS)
        elif ctype == "usize":
            bad = tuple((n, f"length {n:#x}") for n in BAD_LENGTHS)
        elif ctype == "msginfo":
            bad = tuple((w, f"msginfo {w:#x}") for w in BAD_INFOS)
        else:
            bad = tuple((v, f"{v:#x}") for v in BAD_SCALARS)
        for value, what in bad:
            changed = tuple(args[:i]) + (value,) + tuple(args[i + 1:])
            # with ncaps > 0 the message carries send_caps: damaged ones
            caps = (Write("ipcbuf", t.SEND_CAPS, (0xFFF).to_bytes(4, "little") * 8),) \
                if ctype == "msginfo" else ()
            out.append((f"{name} = {what}", Call(nr, changed, writes + caps)))
    return out


@pytest.fixture(scope="module")
def harness(emu_image: Callable[[str], BuiltImage]) -> Harness:
    return Harness(emu_image(t.IMAGE))


def test_every_syscall_has_cases() -> None:
    assert set(VALID) == set(abi.SYSCALLS)


@pytest.mark.parametrize("nr", sorted(abi.SYSCALLS), ids=[abi.SYSCALLS[n].name
                                                          for n in sorted(abi.SYSCALLS)])
def test_syscall_returns_only_declared_errors(harness: Harness, nr: int) -> None:
    sc = abi.SYSCALLS[nr]
    declared = sorted(e.name for e in sc.error_codes)
    print(f"{sc.name}: declares {', '.join(declared) or 'no error'}")
    seen: dict[str, set[str]] = {}
    refused: set[str] = set()
    failures = []
    setup = SETUP.get(nr, ())
    for what, call in cases(nr):
        out = harness.run(Program((*setup, call)))
        assert all(r.how == "returned" for r in out.results[:len(setup)]), what
        r = out.results[-1]
        if r.rax is not None and signed(r.rax) < 0:
            seen.setdefault(abi.Errno(-signed(r.rax)).name, set()).add(what)
            refused.add(what)
        failures += [f"{what}: {v}" for v in out.violations]
    print("\n".join(f"  -{code}: {', '.join(sorted(whats))}" for code, whats in seen.items()))
    assert not failures, "\n".join(failures)
    assert set(seen) <= set(declared)
    if sc.result != "noreturn":   # handles that name nothing are refused, whatever else
        for _, name, ctype in sc.args:
            if ctype == "cptr" and not name.startswith("_"):
                never = {f"{name} = {w}" for w in ("slot out of range", "empty slot", "stale",
                                                     "high bits")}
                assert never <= refused, sorted(never - refused)


def test_handle_checks_come_first_and_name_the_problem(harness: Harness) -> None:
    """For a call whose first argument is its handle, the error tells which problem the
    handle has (D20): these are the conditions the declarations describe."""
    expect = {0xFFF: "EBADF", 200: "EBADF", t.EP_A | 1 << 12: "ESTALE",
              t.CONSOLE: "EBADF", t.EP_B_READ_ONLY: "EPERM", t.EP_A_EXPIRED: "EPERM",
              t.EP_A | 1 << 32: "EBADF", t.EP_B | 1 << 63: "EBADF"}
    for handle, code in expect.items():
        out = harness.run(Program((Call(S.ENDPOINT_SEND, (handle, info())),)))
        assert out.ok, out.violations
        assert signed(out.results[0].rax or 0) == -abi.Errno[code], (hex(handle), code)


def test_high_bits_of_a_handle_are_never_ignored(harness: Harness) -> None:
    """A handle is 32 bits (D108): with any of bits 32-63 set it names no capability,
    whatever its low half names, for every syscall that takes one, the fast path's two
    included; the capability it would have named is untouched."""
    for nr, sc in sorted(abi.SYSCALLS.items()):
        args, writes = VALID[nr]
        for i, (_, name, ctype) in enumerate(sc.args):
            if ctype != "cptr" or not isinstance(args[i], int) or args[i] == abi.CAP_NONE:
                continue
            for bit in (32, 40, 63):
                changed = (*args[:i], args[i] | 1 << bit, *args[i + 1:])
                out = harness.run(Program((*SETUP.get(nr, ()), Call(nr, changed, writes))))
                r = out.results[-1]
                assert r.how == "returned", (sc.name, name, bit, r.how)
                assert signed(r.rax or 0) == -abi.Errno.EBADF, (sc.name, name, bit)
    out = harness.run(Program((Call(S.CAP_DELETE, (t.EP_A | 1 << 32,)),
                               Call(S.CAP_INSPECT, (t.EP_A, BUF)))))
    assert [signed(r.rax or 0) for r in out.results[:2]] == [-abi.Errno.EBADF, 0]


MAPPED = 0x0000_3000_0000_0000   # a fixed address in the mapping area, free in the target


def test_a_failed_copy_out_writes_nothing(harness: Harness) -> None:
    """All-or-nothing user copies (D107): system_info into a record that runs from a
    writable page into a read-only one fails with EINVAL and leaves the writable bytes as
    they were (zero: fresh memory); the same call wholly inside the writable page works."""
    size = abi.SysInfo.SIZE
    for at, want in ((MAPPED + 4096 - 8, -abi.Errno.EINVAL), (MAPPED + 4096 - size, size)):
        out = harness.run(Program((Call(S.MEM_MAP, (MAPPED, 8192, 3, abi.CAP_NONE)),
                                   Call(S.MEM_PROTECT, (MAPPED + 4096, 4096, 1)),
                                   Call(S.SYSTEM_INFO, (at, size)))))
        assert out.ok, out.violations
        assert [signed(r.rax or 0) for r in out.results[:3]] == [MAPPED, 0, want]
        page = harness.m.read(MAPPED, 4096, harness.cr3)
        if want < 0:
            assert page == bytes(4096)
        else:
            assert page[-size:] != bytes(size)


def test_an_undeclared_error_is_reported() -> None:
    """The check itself: a result outside a syscall's list is a violation."""
    neg = lambda e: (-e) & U64
    assert check_result(S.NOP, neg(abi.Errno.EINVAL)) == \
        "nop returned -EINVAL, which it does not declare"
    assert check_result(S.ENDPOINT_SEND, neg(abi.Errno.EBADF)) is None
    assert check_result(S.ENDPOINT_SEND, neg(5000)).endswith("neither >= 0 nor -E in -4095..-1")
    assert check_result(0x06, neg(abi.Errno.ENOSYS)) is None
    assert check_result(0x06, neg(abi.Errno.EINVAL)) == \
        "unknown number returned -EINVAL, not -ENOSYS"
