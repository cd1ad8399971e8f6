"""The error code of the exception Unicorn just reported.

UC_HOOK_INTR passes only the vector. QEMU keeps the error code (and whether the event was
a software `int n`) in its CPU state, which Unicorn's saved context holds as raw bytes.
Their offsets depend on the Unicorn build, so they are found once per process by
probing: a few tiny programs raise exceptions with known error codes and the one offset
that holds every expected value is the error code's; the flag follows it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache

from unicorn import UC_HOOK_INTR, UC_TLB_CPU, Uc, UcError

from . import x86
from .cpu import new_x86_64
from .x86 import REG


@dataclass(frozen=True)
class FaultInfo:
    vector: int
    error_code: int
    software: bool     # raised by int n / int3 / into: RIP is already the next instruction


@dataclass(frozen=True)
class _Offsets:
    error_code: int
    is_int: int


_CODE = 0x10000
# (program, expected vector, expected error code, expected is_int)
_PROBES = (
    (bytes.fromhex("48c704250010200001000000"), 14, x86.PF_WRITE, 0),      # mov [0x201000], 1
    (bytes.fromhex("48c704250020200001000000"), 14, x86.PF_WRITE | x86.PF_PRESENT, 0),
    (bytes.fromhex("66b83412" "8ed8"), 13, 0x1234, 0),                      # mov ds, 0x1234
    (bytes.fromhex("cd80"), 0x80, 0, 1),                                   # int 0x80
)


def _probe(code: bytes) -> tuple[int, bytes]:
    uc = new_x86_64()
    uc.mem_map(0, 0x400000)

    def q(addr: int, value: int) -> None:
        uc.mem_write(addr, struct.pack("<Q", value))

    q(0x1000, 0x4000 | 3)                  # PML4 -> PDPT -> PD: 0-2 MiB one large page,
    q(0x4000, 0x5000 | 3)                  # 2-4 MiB through a page table: 0x200000 RW,
    q(0x5000, x86.PTE_PS | 3)              # 0x201000 absent, 0x202000 read-only
    q(0x5008, 0x6000 | 3)
    q(0x6000, 0x200000 | 3)
    q(0x6010, 0x202000 | 1)
    q(0x3000, 0)                           # a GDT of one null descriptor
    uc.ctl_set_tlb_mode(UC_TLB_CPU)
    uc.reg_write(REG["cr3"], 0x1000)
    uc.reg_write(REG["cr4"], uc.reg_read(REG["cr4"]) | x86.CR4_PAE)
    uc.reg_write(REG["cr0"], uc.reg_read(REG["cr0"]) | x86.CR0_PG | x86.CR0_WP | x86.CR0_PE)
    uc.reg_write(REG["gdtr"], (0, 0x3000, 7, 0))
    uc.reg_write(REG["rsp"], 0x8000)
    vectors: list[int] = []

    def on_intr(uc: Uc, vector: int, _: object) -> None:
        vectors.append(vector)
        uc.emu_stop()

    uc.hook_add(UC_HOOK_INTR, on_intr)
    uc.mem_write(_CODE, code)
    try:
        uc.emu_start(_CODE, _CODE + len(code), count=10)
    except UcError:
        pass
    return (vectors[0] if vectors else -1), bytes(uc.context_save())


@lru_cache(maxsize=1)
def _offsets() -> _Offsets:
    runs = []
    for code, vector, error, is_int in _PROBES:
        got, ctx = _probe(code)
        if got != vector:
            raise RuntimeError(f"fault-info probe raised vector {got}, expected {vector}")
        runs.append((ctx, error, is_int))
    size = min(len(ctx) for ctx, _, _ in runs)
    found = [off for off in range(0, size - 8, 4)
             if all(struct.unpack_from("<iI", ctx, off) == (err, is_int)
                    for ctx, err, is_int in runs)]
    if len(found) != 1:
        raise RuntimeError(f"cannot locate the error code in Unicorn's context ({found})")
    return _Offsets(found[0], found[0] + 4)


def fault_info(uc: Uc, vector: int) -> FaultInfo:
    """Error code and kind of the exception `vector` Unicorn is reporting right now."""
    off = _offsets()
    ctx = bytes(uc.context_save())
    error, is_int = struct.unpack_from("<iI", ctx, off.error_code)
    return FaultInfo(vector, error & 0xFFFFFFFF, bool(is_int))
