"""Orbital's ABI definitions: edit these files, then run `orbital-build gen`.

`types.py` holds errors, object types, rights, constants, bit layouts and structs;
`syscalls.py` the syscall table; `tags.py` the IPC message tags and payloads; `axiom.py`
the CommitLog and state-hash records; `storage.py` the Storage service's limits, messages
and on-disk format; `network.py` the Network service's and the NIC drivers' messages;
`identity.py` the Identity service's messages and sealed records.
"""

from __future__ import annotations

from ..model import Abi
from ..validate import validate
from . import axiom, identity, network, storage
from .syscalls import SYSCALLS
from .tags import MESSAGES, TAGS
from .types import BITFIELDS, CONSTANTS, ERRORS, OBJECT_TYPES, RIGHTS, STRUCTS

DOC = """\
System calls use the SYSCALL instruction: RAX holds the number, RDI RSI RDX R10 R8 R9 the
arguments in order. RAX comes back signed: >= 0 is the result, -4095..-1 is -ORB_E* (an
unknown number gives -ORB_ENOSYS). RCX and R11 are clobbered by SYSCALL itself; declared
output registers carry extra results. Argument registers that are not outputs come back
holding what the caller put there (the kernel writes no kernel data into them); callers
treat them as clobbered. Every other register is preserved.

IPC: RDI = endpoint handle, RSI = msginfo (tag, len, ncaps), RDX R10 R8 R9 = message
registers mr0-mr3. A payload of up to 32 bytes travels in mr0-mr3 (little-endian, mr0
first); a longer one, and the handles of transferred capabilities, live in the thread's
ipc_buffer. A receive returns the msginfo in RAX, the badge in RDI, the sender PID in RSI
and mr0-mr3 in RDX R10 R8 R9.

Capability handles (cptr) carry a slot index and the slot's generation; a handle whose
generation no longer matches its slot fails with -ORB_ESTALE.
"""


def load_abi() -> Abi:
    """The validated ABI; raises OrbitalError naming the first inconsistent item."""
    return validate(Abi(doc=DOC, errors=ERRORS, object_types=OBJECT_TYPES, rights=RIGHTS,
                        constants=CONSTANTS + axiom.CONSTANTS + storage.CONSTANTS +
                        network.CONSTANTS + identity.CONSTANTS,
                        bitfields=BITFIELDS,
                        structs=STRUCTS + axiom.STRUCTS + storage.STRUCTS + identity.STRUCTS,
                        syscalls=SYSCALLS, tags=TAGS + network.TAGS + identity.TAGS,
                        messages=MESSAGES + storage.MESSAGES + network.MESSAGES +
                        identity.MESSAGES,
                        commits=axiom.COMMITS, state_records=axiom.STATE_RECORDS,
                        axiom_doc=axiom.DOC))
