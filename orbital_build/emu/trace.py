"""Looking at what the machine did: disassembly with symbols, a ring of the most recent
basic blocks (only while enabled: a block hook costs a Python call per block), and the
report printed when a test fails."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from capstone import CS_ARCH_X86, CS_MODE_64, Cs
from unicorn import UC_HOOK_BLOCK, Uc
from unicorn.unicorn_py3.arch.intel import UcIntel

if TYPE_CHECKING:
    from .machine import Machine

ReadCode = Callable[[int, int], bytes]
Describe = Callable[[int], str]

_CS = Cs(CS_ARCH_X86, CS_MODE_64)


def disassemble(read: ReadCode, addr: int, count: int, describe: Describe | None = None) -> str:
    """`count` instructions from `addr`, one per line, each with its symbol."""
    try:
        code = read(addr, 16 * count)
    except Exception as e:  # noqa: BLE001 - any unreadable address reads as such
        return f"{addr:#018x}: <unreadable: {e}>"
    lines = []
    for insn in _CS.disasm(code, addr):
        where = f" <{describe(insn.address)}>" if describe else ""
        lines.append(f"{insn.address:#018x}{where}: {insn.mnemonic} {insn.op_str}".rstrip())
        if len(lines) == count:
            break
    return "\n".join(lines) if lines else f"{addr:#018x}: <no valid instruction>"


def instructions(code: bytes, addr: int) -> list[tuple[int, int, str]]:
    """(address, size, text) of each instruction in `code`."""
    return [(i.address, i.size, f"{i.mnemonic} {i.op_str}".rstrip())
            for i in _CS.disasm(code, addr)]


class BlockTrace:
    """The last `depth` basic blocks executed (address, size), while installed."""

    def __init__(self, depth: int = 64) -> None:
        self.blocks: deque[tuple[int, int]] = deque(maxlen=depth)
        self._hook: int | None = None

    def install(self, uc: UcIntel) -> None:
        if self._hook is None:
            self._hook = uc.hook_add(UC_HOOK_BLOCK, self._on_block)
            uc.ctl_flush_tb()    # blocks translated before would not call the hook

    def remove(self, uc: UcIntel) -> None:
        if self._hook is not None:
            uc.hook_del(self._hook)
            uc.ctl_flush_tb()
            self._hook = None

    @property
    def active(self) -> bool:
        return self._hook is not None

    def _on_block(self, uc: Uc, addr: int, size: int, _: object) -> None:
        self.blocks.append((addr, size))

    def render(self, read: ReadCode, describe: Describe, last: int = 40) -> str:
        """The last `last` instructions of the recorded blocks."""
        lines: list[str] = []
        for addr, size in self.blocks:
            try:
                code = read(addr, size)
            except Exception:  # noqa: BLE001 - the mapping may be gone by now
                lines.append(f"{addr:#018x}: <unreadable now>")
                continue
            for a, _, text in instructions(code, addr):
                lines.append(f"{a:#018x} <{describe(a)}>: {text}")
        return "\n".join(lines[-last:])


def failure_report(m: Machine, console_tail: int = 3000) -> str:
    """Where the machine is, what it last did, and what it printed."""
    parts = [f"== emu machine: {m.describe_state()}"]
    try:
        rip = m.cpu.rip
        parts.append("-- next instructions:\n" + m.disassemble(rip, 6))
    except Exception as e:  # noqa: BLE001 - the report must not fail
        parts.append(f"-- next instructions: <{e}>")
    if m.trace.blocks:
        parts.append("-- last instructions (block trace):\n" +
                     m.trace.render(m.read_code, m.addr_to_symbol))
    if m.history:
        parts.append("-- last events:\n" + "\n".join(m.history))
    text = m.console
    if len(text) > console_tail:
        text = "..." + text[-console_tail:]
    parts.append("-- console:\n" + text)
    return "\n".join(parts)
