"""A fuzz program: a short list of syscalls, saved as JSON in tests/fuzz/.

Arguments are numbers or references that the harness resolves when the call runs, so a
saved program means the same thing after the kernel or the target program is rebuilt:

    ["buf", off]       emu_fuzz_buf + off (the target's scratch memory)
    ["ipcbuf", off]    the fuzz thread's IPC buffer + off
    ["code", off]      emu_fuzz_thread + off (a thread entry: it exits with its argument)
    ["ret", k, xor]    the low 32 bits of call k's result, xor `xor` (a handle an earlier
                       call returned, or a damaged copy of it)

Each call may first write bytes into the scratch memory or the IPC buffer:
`"writes": [["ipcbuf", 4096, "0500000006000000"]]` (hex). Decoding refuses anything else
with a one-line ProgramError that names the call and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OrbitalError

MAX_CALLS = 64
MAX_ARGS = 6
U64 = (1 << 64) - 1
REF_KINDS = ("buf", "ipcbuf", "code", "ret")
AREAS = ("buf", "ipcbuf")


class ProgramError(OrbitalError):
    """A fuzz program file that is not a valid program."""


@dataclass(frozen=True)
class Ref:
    """An argument resolved at run time (see the module docstring)."""

    kind: str
    value: int
    xor: int = 0


Arg = int | Ref


@dataclass(frozen=True)
class Write:
    """Bytes written at `area` + `offset` before the call."""

    area: str
    offset: int
    data: bytes


@dataclass(frozen=True)
class Call:
    nr: int
    args: tuple[Arg, ...]
    writes: tuple[Write, ...] = ()


@dataclass(frozen=True)
class Program:
    calls: tuple[Call, ...]
    note: str = ""

    def to_json(self) -> str:
        calls = []
        for c in self.calls:
            d: dict[str, Any] = {"nr": c.nr, "args": [_arg_json(a) for a in c.args]}
            if c.writes:
                d["writes"] = [[w.area, w.offset, w.data.hex()] for w in c.writes]
            calls.append(d)
        doc: dict[str, Any] = {"calls": calls}
        if self.note:
            doc = {"note": self.note, **doc}
        return json.dumps(doc, indent=1) + "\n"


def _arg_json(a: Arg) -> int | list[Any]:
    if isinstance(a, int):
        return a
    return [a.kind, a.value, a.xor] if a.kind == "ret" else [a.kind, a.value]


def _int(where: str, v: object, hi: int = U64) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= hi:
        raise ProgramError(f"{where}: expected an integer 0..{hi:#x}, got {v!r}")
    return v


def _arg(where: str, v: object, index: int) -> Arg:
    if isinstance(v, int) and not isinstance(v, bool):
        return _int(where, v)
    if not isinstance(v, list) or not v or v[0] not in REF_KINDS:
        raise ProgramError(f"{where}: expected an integer or a reference "
                           f"[{'|'.join(REF_KINDS)}, ...], got {v!r}")
    kind = v[0]
    if kind == "ret":
        if len(v) != 3:
            raise ProgramError(f"{where}: a ret reference is [\"ret\", call, xor]")
        k = _int(where, v[1])
        if k >= index:
            raise ProgramError(f"{where}: refers to call {k}, which does not run before it")
        return Ref(kind, k, _int(where, v[2], 0xFFFF_FFFF))
    if len(v) != 2:
        raise ProgramError(f"{where}: a {kind} reference is [\"{kind}\", offset]")
    return Ref(kind, _int(where, v[1], 0xFFFF_FFFF))


def _write(where: str, v: object) -> Write:
    if not isinstance(v, list) or len(v) != 3 or v[0] not in AREAS or not isinstance(v[2], str):
        raise ProgramError(f"{where}: expected [{'|'.join(AREAS)}, offset, hex bytes]")
    try:
        data = bytes.fromhex(v[2])
    except ValueError:
        raise ProgramError(f"{where}: bytes are not hex") from None
    return Write(v[0], _int(where, v[1], 0xFFFF), data)


def decode(text: str, name: str = "program") -> Program:
    """A Program from its JSON text; ProgramError names the first problem."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProgramError(f"{name}: not JSON: {e.msg} at line {e.lineno}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("calls"), list):
        raise ProgramError(f"{name}: expected an object with a \"calls\" list")
    unknown = set(doc) - {"calls", "note"}
    if unknown:
        raise ProgramError(f"{name}: unknown key {min(unknown)!r}")
    note = doc.get("note", "")
    if not isinstance(note, str):
        raise ProgramError(f"{name}: note must be a string")
    if not doc["calls"] or len(doc["calls"]) > MAX_CALLS:
        raise ProgramError(f"{name}: needs 1..{MAX_CALLS} calls, got {len(doc['calls'])}")
    calls = []
    for i, c in enumerate(doc["calls"]):
        where = f"{name}: call {i}"
        if not isinstance(c, dict) or set(c) - {"nr", "args", "writes"} or "nr" not in c:
            raise ProgramError(f"{where}: expected {{\"nr\", \"args\", \"writes\"}}")
        args = c.get("args", [])
        if not isinstance(args, list) or len(args) > MAX_ARGS:
            raise ProgramError(f"{where}: args must be a list of at most {MAX_ARGS}")
        writes = c.get("writes", [])
        if not isinstance(writes, list):
            raise ProgramError(f"{where}: writes must be a list")
        calls.append(Call(_int(f"{where}: nr", c["nr"]),
                          tuple(_arg(f"{where}: arg {j}", a, i) for j, a in enumerate(args)),
                          tuple(_write(f"{where}: write {j}", w) for j, w in enumerate(writes))))
    return Program(tuple(calls), note)


def load(path: Path) -> Program:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProgramError(f"{path}: cannot read: {e}") from None
    return decode(text, str(path))
