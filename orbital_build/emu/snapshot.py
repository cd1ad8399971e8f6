"""Machine snapshots: the whole machine as it was, to come back to many times.

Unicorn saves the CPU and, in its memory mode, a copy-on-write snapshot of guest RAM, so a
snapshot of a 128 MiB machine costs microseconds and restoring one costs what the run
since has dirtied. The model's own state (devices, pending interrupts, the console and
Axiom stream captured so far) is copied beside it.

Unicorn keeps memory snapshots as a stack: restoring one discards every snapshot taken
after it, and using a discarded one would crash the process, so `Snapshots` refuses it.
Restoring also drops the CPU's TLB (the page tables went back with memory); translated
code is kept unless asked (`flush_code`): kernel and program text never change in place,
but a process spawned after the snapshot may have put code into frames that hold other
bytes once memory is restored.
"""

from __future__ import annotations

import copy
import ctypes
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from unicorn import UcError
from unicorn import unicorn_const as UC
from unicorn import x86_const as X

from ..errors import OrbitalError

_CPU = UC.UC_CTL_CONTEXT_CPU
_CPU_AND_MEMORY = UC.UC_CTL_CONTEXT_CPU | UC.UC_CTL_CONTEXT_MEMORY


class SnapshotError(OrbitalError):
    """A snapshot that no longer exists was restored."""


@dataclass
class Snapshot:
    """One saved machine: Unicorn's context (CPU and RAM) and the model's state."""

    context: Any
    model: dict[str, Any]
    level: int
    alive: bool = field(default=True)


_DATA = (type(None), bool, int, float, str, bytes, bytearray, list, tuple, dict, deque, range)


def _state(obj: object) -> dict[str, Any]:
    """A deep copy of an object's plain-data attributes: callbacks and references to other
    parts of the machine (the CPU, memory) stay out."""
    return {k: copy.deepcopy(v) for k, v in vars(obj).items() if isinstance(v, _DATA)}


def _set_state(obj: object, state: dict[str, Any]) -> None:
    vars(obj).update(copy.deepcopy(state))


class Snapshots:
    """The stack of live snapshots of one Unicorn instance."""

    def __init__(self, uc: Any, parts: dict[str, object]) -> None:
        """`parts`: the model objects whose data attributes a snapshot keeps."""
        self.uc = uc
        self.parts = parts
        self.stack: list[Snapshot] = []

    def _mode(self, mode: int) -> None:
        self.uc.ctl(UC.UC_CTL_CONTEXT_MODE, UC.UC_CTL_IO_WRITE, ctypes.c_int(mode))

    def take(self, extra: dict[str, Any]) -> Snapshot:
        """Save the machine now; `extra` is model state that is not an object's."""
        self._mode(_CPU_AND_MEMORY)
        try:
            context = self.uc.context_save()
        finally:
            self._mode(_CPU)   # the ring-0 template and the like stay CPU-only
        model = {name: _state(part) for name, part in self.parts.items()}
        model["extra"] = copy.deepcopy(extra)
        snap = Snapshot(context, model, len(self.stack))
        self.stack.append(snap)
        return snap

    def restore(self, snap: Snapshot, *, flush_code: bool = False) -> dict[str, Any]:
        """Put the machine back as `snap` saw it; returns its `extra` state. Every
        snapshot taken after `snap` is discarded."""
        if not snap.alive:
            raise SnapshotError("this snapshot was discarded: an older one was restored")
        for later in self.stack[snap.level + 1:]:
            later.alive = False
        del self.stack[snap.level + 1:]
        self._mode(_CPU_AND_MEMORY)
        try:
            self.uc.context_restore(snap.context)
        except UcError as e:
            raise SnapshotError(f"restoring a snapshot failed: {e}") from None
        finally:
            self._mode(_CPU)
        for name, part in self.parts.items():
            _set_state(part, snap.model[name])
        # The TLB still maps through the page tables of the run being undone: a CR3
        # write drops it.
        self.uc.reg_write(X.UC_X86_REG_CR3, self.uc.reg_read(X.UC_X86_REG_CR3))
        if flush_code:
            self.uc.ctl_flush_tb()
        return copy.deepcopy(snap.model["extra"])
