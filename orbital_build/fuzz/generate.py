"""Making fuzz programs: random calls shaped by the ABI, and mutations of kept ones.

Each argument is drawn by its name and C type from the generated syscall table: handles
from the target's slots, from handles earlier calls returned, or damaged ones (stale
generation, high bits set, out of range, ORB_CAP_NONE); pointers into the scratch
memory, the IPC buffer, code, or nowhere (target.ODD_POINTERS); lengths and sizes at
their boundaries; msginfo words with every field at and past its limit. Calls that carry
capabilities fill the IPC buffer's send_caps first, and process_spawn gets a spawn spec
in the scratch memory. Calls that end the target (exit, killing itself) are rare, since a
program stops at the first call that does not come back.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ..generated import abi
from . import target
from .program import U64, Arg, Call, Program, Ref, Write

U32 = 0xFFFF_FFFF
MSG_CAPS_SHIFT, MSG_LEN_SHIFT = 45, 32
# Calls whose result is a new handle in its low 32 bits.
MAKES_HANDLE = {abi.Syscall.ENDPOINT_CREATE, abi.Syscall.NOTIFICATION_CREATE, abi.Syscall.SHM_CREATE,
                abi.Syscall.CAP_DERIVE, abi.Syscall.CAP_COPY, abi.Syscall.CSPACE_OPEN}
# Calls that usually end the program (the machine stops or the thread never comes back).
RARE = {abi.Syscall.EXIT: 0.05, abi.Syscall.THREAD_EXIT: 0.05, abi.Syscall.PROCESS_KILL: 0.3,
        abi.Syscall.SLEEP: 0.3, abi.Syscall.THREAD_JOIN: 0.5}
# Slots whose object suits a handle argument of this name.
PREFERRED = {
    "ep": (target.EP_A, target.EP_B, target.EP_PEER, target.EP_A_BADGED_W,
           target.EP_B_READ_ONLY, target.EP_A_EXPIRED),
    "ntfn": (target.NOTIFICATION,), "irq_cap": (target.IRQ,), "port": (target.IOPORT,),
    "proc": (target.PROCESS_ROOT,), "cap": (target.AXIOM,),
}
UNKNOWN_NUMBERS = (0x06, 0x07, 0x44, 0xFF, 0x100, 0x10040, 0x7FFF_FFFF, U64)


class Generator:
    """Random programs and mutations from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.numbers = sorted(abi.SYSCALLS)
        self.weights = [RARE.get(abi.Syscall(n), 1.0) for n in self.numbers]

    # -- values ------------------------------------------------------------------------

    def _one(self, *choices: int) -> int:
        return self.rng.choice(choices)

    def handle(self, index: int, calls: list[Call], name: str = "") -> Arg:
        r = self.rng.random()
        earlier = [k for k, c in enumerate(calls[:index]) if c.nr in MAKES_HANDLE]
        if r < 0.35 and name in PREFERRED:
            return self.rng.choice(PREFERRED[name])
        if r < 0.55:
            return self.rng.choice(target.SLOTS)
        if r < 0.75 and earlier:
            xor = 0 if self.rng.random() < 0.7 else self._one(1 << 12, 1 << 31, 0x100)
            return Ref("ret", self.rng.choice(earlier), xor)
        slot = self.rng.choice(target.SLOTS)
        return self._one(slot | 1 << 12, slot | 1 << 32, slot | 1 << 63, abi.CAP_NONE, 255,
                         256, 0xFFF, self.rng.getrandbits(32), U64)

    def pointer(self) -> Arg:
        r = self.rng.random()
        if r < 0.45:
            return Ref("buf", self._one(0, 8, 64, 4096 - 8, target.BUF_SIZE - 64,
                                        target.BUF_SIZE - 8, target.BUF_SIZE - 1,
                                        self.rng.randrange(target.BUF_SIZE)))
        if r < 0.6:
            return Ref("ipcbuf", self._one(0, 4096, target.IPCBUF_SIZE - 8, 8192 - 8))
        if r < 0.65:
            return Ref("code", self._one(0, 2, 1))
        return self.rng.choice(target.ODD_POINTERS)

    def length(self) -> int:
        return self._one(0, 1, 8, 31, 32, 33, 64, 120, 4095, 4096, 4097, 8192,
                         target.BUF_SIZE, 1 << 30, (1 << 30) + 4096, 1 << 63, U64,
                         self.rng.randrange(1 << 16))

    def msginfo(self) -> int:
        length = self._one(0, 1, 8, 32, 33, 40, 4096, 4097, 0x1FFF, self.rng.randrange(64))
        ncaps = self._one(0, 0, 0, 1, 2, 8, 9, 15)
        word = self.rng.getrandbits(16) | length << MSG_LEN_SHIFT | ncaps << MSG_CAPS_SHIFT
        if self.rng.random() < 0.1:
            word |= 1 << self._one(49, 55, 63)
        return word

    def scalar(self, name: str, ctype: str) -> int:
        rng = self.rng
        by_name: dict[str, Callable[[], int]] = {
            "rights": lambda: self._one(0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 0x80, 0xFF),
            "priority": lambda: self._one(0, 63, 64, 64, 65, 100, 255, 256, U32),
            "pid": lambda: self._one(0, 1, 2, 3, 4, 999, U32),
            "tid": lambda: self._one(0, 1, 2, 3, 4, 5, 6, 7, 8, U64),
            "ns": lambda: self._one(0, 1, 1000, 10**6, U64),
            "timeout_ns": lambda: self._one(0, 1, 1, 1000, 10**6, U64),
            "irq": lambda: self._one(0, 1, target.IRQ_LINE, target.IRQ_LINE, 23, 24, U32),
            "offset": lambda: self._one(0, 1, 2, 3, 4, 0xFFFF, U32),
            "prot": lambda: self._one(0, 1, 2, 3, 4, 5, 6, 7, 8, 0xFF, U32),
            "vaddr": lambda: self._one(0, 0, 0x0000_1000_0000_0000, 0x0000_1000_0000_1000,
                                       0x0000_1000_0000_0001, 0x400000, 0x7CFF_FFFF_F000,
                                       0x7E00_0000_0000, target.USER_TOP - 4096, U64 - 4095),
            "size": lambda: self._one(0, 1, 4096, 4096, 8192, 4097, 1 << 30, (1 << 30) + 4096,
                                      U64 - 4095),
            "max_depth": lambda: self._one(0, 1, 2, 255, 256, 257, U32),
            "bits": lambda: self._one(0, 1, 0x80, 1 << 62, 1 << 63, rng.getrandbits(63)),
            "expires_at": lambda: self._one(0, 0, 1, 10**12, U64),
            "from_seq": lambda: self._one(0, 1, 10, 1 << 40, U64),
            "code": lambda: self._one(0, 1, U32),
        }
        if name in by_name:
            return by_name[name]()
        bits = {"u8": 8, "u16": 16, "u32": 32, "i32": 32}.get(ctype, 64)
        return self._one(0, 1, 2, (1 << bits) - 1, 1 << (bits - 1), rng.getrandbits(bits),
                         rng.randrange(256))

    def arg(self, name: str, ctype: str, index: int, calls: list[Call]) -> Arg:
        if ctype == "cptr":
            return self.handle(index, calls, name)
        if ctype == "ptr":
            if name == "entry" and self.rng.random() < 0.6:
                return Ref("code", 0)
            if name == "stack" and self.rng.random() < 0.5:
                return self._one(0, 0)
            return self.pointer()
        if ctype == "usize" and name != "size":
            return self.length()
        if ctype == "msginfo":
            return self.msginfo()
        return self.scalar(name, ctype)

    # -- memory the call reads ---------------------------------------------------------

    def send_caps(self, index: int, calls: list[Call]) -> tuple[Write, ...]:
        handles = [self.handle(index, calls) for _ in range(8)]
        raw = b"".join(((h if isinstance(h, int) else 5 + (i % 3)) & U32).to_bytes(4, "little")
                       for i, h in enumerate(handles))
        rights = bytes(self._one(0, 0, 1, 2, 3, 4, 0xFF) for _ in range(8))
        slots = b"".join((self._one(abi.CAP_NONE, abi.CAP_NONE, 20, 255, 256, 4)
                          & U32).to_bytes(4, "little") for _ in range(8))
        return (Write("ipcbuf", target.SEND_CAPS, raw), Write("ipcbuf", target.RECV_SLOTS, slots),
                Write("ipcbuf", target.SEND_RIGHTS, rights))

    def limits(self) -> list[int]:
        """A child's limits: mostly small enough to fit in the fuzz process's own (D80),
        sometimes the defaults (0), sometimes past ORB_LIMIT_MAX."""
        memory = self._one(1 << 20, 4096, 0, 1 << 49)
        return [memory] + [self._one(1, 1, 2, 0, 300, 1 << 49)
                           for _ in range(abi.RES_COUNT - 1)]

    def spawn_spec(self) -> tuple[Write, ...]:
        rng = self.rng
        name = rng.choice((b"x", b"peer2", b"", b"bad name", b"a" * 32, b"\x01"))
        image = rng.choice((b"emu-fuzz-peer", b"emu-fuzz-peer", b"", b"nope", b"initcaps",
                            b"emu-fuzz"))
        ncaps = self._one(0, 0, 1, 2, 3, 16, 17)
        spec = abi.SpawnSpec(
            name=name[:32].ljust(32, b"\0"), image=image[:32].ljust(32, b"\0"),
            image_addr=self._one(0, 1) and 0, image_len=self._one(0, 64, 1 << 23),
            proc=self._one(1, 1, 1, 0, 5, 1 | 1 << 12),
            exit_notify=self._one(abi.CAP_NONE, abi.CAP_NONE, 6, 5, 0),
            exit_badge=rng.getrandbits(16), caps_addr=0, priority=self._one(64, 64, 100, 0, 255),
            ncaps=ncaps, limits=self.limits())
        caps = b"".join(abi.SpawnCap(src=self._one(5, 6, 7, 12, 0, 1, 300), dst=self._one(
            0, 1, abi.CAP_NONE, 255, 256), rights=self._one(1, 3, 7, 0xFF),
            badge=self._one(0, 7)).pack() for _ in range(min(ncaps, 4)))
        return (Write("buf", 0, spec.pack()), Write("buf", 512, caps))

    # -- calls and programs ------------------------------------------------------------

    def call(self, index: int, calls: list[Call]) -> Call:
        if self.rng.random() < 0.02:
            return Call(self.rng.choice(UNKNOWN_NUMBERS), ())
        nr = self.rng.choices(self.numbers, self.weights)[0]
        info = abi.SYSCALLS[nr]
        args = tuple(self.arg(name, ctype, index, calls) for _, name, ctype in info.args)
        writes: tuple[Write, ...] = ()
        names = [name for _, name, _ in info.args]
        if "info" in names and self.rng.random() < 0.5:
            writes = self.send_caps(index, calls)
        if nr == abi.Syscall.PROCESS_SPAWN and self.rng.random() < 0.8:
            writes = self.spawn_spec()
            args = (Ref("buf", 0), abi.SpawnSpec.SIZE if self.rng.random() < 0.8 else args[1])
        if self.rng.random() < 0.05 and args:   # extra junk in the registers past the args
            args = args + tuple(self.rng.getrandbits(64) for _ in range(6 - len(args)))
        return Call(nr, args, writes)

    def program(self) -> Program:
        calls: list[Call] = []
        for i in range(self.rng.randint(1, 8)):
            calls.append(self.call(i, calls))
        return Program(tuple(calls))

    def mutate(self, prog: Program, other: Program | None = None) -> Program:
        calls = list(prog.calls)
        how = self.rng.randrange(6)
        i = self.rng.randrange(len(calls))
        if how == 0 and calls[i].args:                # one argument anew
            c = calls[i]
            info = abi.SYSCALLS.get(c.nr)
            j = self.rng.randrange(len(c.args))
            if info is not None and j < len(info.args):
                _, name, ctype = info.args[j]
                new = self.arg(name, ctype, i, calls)
            else:
                new = self.rng.getrandbits(64)
            calls[i] = Call(c.nr, c.args[:j] + (new,) + c.args[j + 1:], c.writes)
        elif how == 1:                                 # one call anew
            calls[i] = self.call(i, calls)
        elif how == 2 and len(calls) < 16:             # a call more
            calls.insert(i, self.call(i, calls))
            calls = _shift_refs(calls, i, +1)
        elif how == 3 and len(calls) > 1:              # a call less
            del calls[i]
            calls = _shift_refs(calls, i, -1)
        elif how == 4 and other is not None:           # splice: our head, their tail
            cut = self.rng.randrange(len(other.calls))
            calls = calls[:i + 1] + _shift_refs(list(other.calls[cut:]), 0, i + 1 - cut)
        else:                                          # flip bits in a number
            c = calls[i]
            if c.args:
                j = self.rng.randrange(len(c.args))
                a = c.args[j]
                if isinstance(a, int):
                    a ^= 1 << self.rng.randrange(64)
                calls[i] = Call(c.nr, c.args[:j] + (a,) + c.args[j + 1:], c.writes)
        return Program(tuple(_valid_refs(calls[:32])))


def _shift_refs(calls: list[Call], at: int, by: int) -> list[Call]:
    """Renumber `ret` references to calls at index >= at by `by`."""
    out = []
    for c in calls:
        args = tuple(Ref(a.kind, a.value + by, a.xor)
                     if isinstance(a, Ref) and a.kind == "ret" and a.value >= at else a
                     for a in c.args)
        out.append(Call(c.nr, args, c.writes))
    return out


def _valid_refs(calls: list[Call]) -> list[Call]:
    """A `ret` reference must name an earlier call; others become 0."""
    out = []
    for i, c in enumerate(calls):
        args = tuple(0 if isinstance(a, Ref) and a.kind == "ret" and not 0 <= a.value < i
                     else a for a in c.args)
        out.append(Call(c.nr, args, c.writes))
    return out
