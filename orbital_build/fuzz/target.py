"""The world the fuzzer runs in: images/emu-fuzz.toml, whose init (tests/programs/emu_fuzz)
starts the fuzz process (the same program, under a memory limit), which sets up
capabilities, helper threads and a peer process, then parks at its fuzz point.

This module names what that program built (the slots of its CSpace, its labels, its
scratch memory) and the addresses a pointer argument is worth trying, so that the
generator and the tests speak of "endpoint A" rather than of slot 5.
"""

from __future__ import annotations

from ..abi.defs import load_abi
from ..abi.layout import struct_layout
from ..generated import abi

IMAGE = "emu-fuzz"
PROGRAM = "emu-fuzz"
THREAD, INSN, RET, BUF = "emu_fuzz_thread", "emu_fuzz_insn", "emu_fuzz_ret", "emu_fuzz_buf"
BUF_SIZE = 4 * 4096
IPCBUF_SIZE = abi.IpcBuffer.SIZE

INIT_PID, FUZZ_PID, PEER_PID = 1, 2, 3
EP_A_ID = 2                                  # endpoint ids: init's exit endpoint is 1

# Slots of the fuzz process's CSpace at the fuzz point (its handles: generation 0).
CONSOLE, PROCESS_ROOT, AXIOM, IOPORT, IRQ = 0, 1, 2, 3, 4
EP_A, EP_B, NOTIFICATION = 5, 6, 7          # A is served by a thread, B by nobody
EP_A_BADGED_W, EP_B_READ_ONLY, EP_A_EXPIRED = 8, 9, 10
MEMORY = 11
EP_PEER = 12                                 # served by the process emu-fuzz-peer
SLOTS = tuple(range(13))
IOPORT_FIRST = 0x70
IRQ_LINE = 8



def _ipc_offsets() -> dict[str, int]:
    model = load_abi()
    st = model.struct("ipc_buffer")
    assert st is not None
    return {f.name: f.offset for f in struct_layout(model, st).fields}


# Offsets into the IPC buffer (orb_ipc_buffer_t).
_IPC = _ipc_offsets()
SEND_CAPS, RECV_SLOTS, SEND_RIGHTS = _IPC["send_caps"], _IPC["recv_slots"], _IPC["send_rights"]

# Pointer arguments worth trying besides the scratch memory and the IPC buffer.
USER_TOP = 0x0000_8000_0000_0000
ODD_POINTERS = (
    0,                              # NULL
    0x1000,                         # below every mapping (the null guard)
    0x3FF000,                       # just below USER_BASE
    0x0000_1000_0000_0000,          # the mapping area, nothing mapped there yet
    abi.BOOT_ARCHIVE_VADDR,         # read-only for init
    USER_TOP - 8,                   # the last user bytes (unmapped)
    USER_TOP,                       # first non-canonical address
    0xFFFF_8000_0000_0000,          # the kernel's direct map
    0xFFFF_FFFF_8010_0000,          # kernel text
    (1 << 64) - 8,                  # wraps around
)
