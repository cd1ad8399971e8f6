"""Invariants of the kernel's own data, read out of the emulated machine's memory.

After each fuzz program the harness walks every endpoint in the kernel's table
(`all_endpoints`) and checks what the IPC code relies on and what a lost message would
break first:
  - a receiver waits only when nothing is queued: no buffered message, no blocked caller
    (otherwise the message would sit there while the receiver sleeps — a stall);
  - the buffered-message list holds `depth` messages and ends at `qtail`;
  - each wait queue's links run `len` threads from `head` to `tail`.
Struct layouts come from the kernel's DWARF (member offsets by name), so the check
follows the C code without a copy of it.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from elftools.elf.elffile import ELFFile

from ..errors import OrbitalError

Read = Callable[[int, int], bytes]
LIMIT = 1024     # longest list walked (EP_MAX_DEPTH + reserve, with room)


def struct_offsets(elf_path: Path, names: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Member offsets of the named structs, from the first compile unit defining each."""
    found: dict[str, dict[str, int]] = {}
    with elf_path.open("rb") as f:
        dwarf = ELFFile(f).get_dwarf_info()
        for cu in dwarf.iter_CUs():
            for die in cu.iter_DIEs():
                if die.tag != "DW_TAG_structure_type" or "DW_AT_name" not in die.attributes:
                    continue
                name = die.attributes["DW_AT_name"].value.decode()
                if name not in names or name in found or not die.has_children:
                    continue
                found[name] = {
                    m.attributes["DW_AT_name"].value.decode():
                        m.attributes["DW_AT_data_member_location"].value
                    for m in die.iter_children()
                    if m.tag == "DW_TAG_member" and "DW_AT_name" in m.attributes}
            if len(found) == len(names):
                break
    missing = set(names) - set(found)
    if missing:
        raise OrbitalError(f"{elf_path}: no DWARF layout for struct {min(missing)}")
    return found


def _u64(data: bytes, off: int) -> int:
    return struct.unpack_from("<Q", data, off)[0]


def _u32(data: bytes, off: int) -> int:
    return struct.unpack_from("<I", data, off)[0]


class EndpointInvariants:
    """The check above, for one kernel ELF."""

    def __init__(self, elf_path: Path, table: int, table_size: int) -> None:
        lay = struct_offsets(elf_path, ("endpoint", "waitq", "thread", "kmsg"))
        self.ep, self.wq, self.th, self.km = (lay["endpoint"], lay["waitq"], lay["thread"],
                                             lay["kmsg"])
        self.table, self.count = table, table_size // 8
        self.size = max(self.ep.values()) + 64

    def _waitq(self, read: Read, what: str, data: bytes, base: int) -> list[str]:
        head = _u64(data, base + self.wq["head"])
        tail = _u64(data, base + self.wq["tail"])
        length = _u32(data, base + self.wq["len"])
        n, t, last = 0, head, 0
        while t and n <= LIMIT:
            last, n = t, n + 1
            t = _u64(read(t + self.th["qnext"], 8), 0)
        if n != length or last != tail:
            tail_ok = "" if last == tail else ", and the last is not tail"
            return [f"{what}: {n} threads linked from head, len says {length}{tail_ok}"]
        return []

    def check(self, read: Read) -> list[str]:
        bad: list[str] = []
        for p in struct.unpack(f"<{self.count}Q", read(self.table, 8 * self.count)):
            if not p:
                continue
            d = read(p, self.size)
            eid = _u64(d, self.ep["id"])
            what = f"endpoint {eid}"
            receiver = _u64(d, self.ep["receivers"] + self.wq["head"])
            caller = _u64(d, self.ep["senders"] + self.wq["head"])
            qhead, qtail = _u64(d, self.ep["qhead"]), _u64(d, self.ep["qtail"])
            depth = _u32(d, self.ep["depth"])
            if receiver and (qhead or caller):
                bad.append(f"{what}: a receiver waits while "
                           f"{'a message is queued' if qhead else 'a caller waits'}")
            n, k, last = 0, qhead, 0
            while k and n <= LIMIT:
                last, n = k, n + 1
                k = _u64(read(k + self.km["next"], 8), 0)
            if n != depth or last != qtail:
                bad.append(f"{what}: {n} buffered messages linked, depth says {depth}"
                           f"{'' if last == qtail else ', and the last is not qtail'}")
            bad += self._waitq(read, f"{what} receivers", d, self.ep["receivers"])
            bad += self._waitq(read, f"{what} senders", d, self.ep["senders"])
        return bad
