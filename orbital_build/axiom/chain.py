"""The CommitLog as a hash chain: framing, ordering and integrity.

A log is the debugcon stream of one boot: frames `"AXC1" | length | envelope`. Every
commit's id is SHA-256(prev ‖ seq ‖ timestamp ‖ type ‖ payload ‖ caused_by?), its `prev`
is the previous commit's id (zeros for genesis) and sequence numbers run 0, 1, 2… with no
gap. Any flipped byte, dropped or reordered commit breaks one of these, and the error
names the first commit (and byte offset) where it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..abi.wire import AbiDecodeError
from ..errors import OrbitalError
from ..generated import abi

ZERO = bytes(32)


class ChainError(OrbitalError):
    """The log is damaged; the message names the position."""


@dataclass(frozen=True)
class Commit:
    offset: int                    # byte offset of its frame in the log
    env: Any                       # abi.CommitEnvelope
    payload: Any                   # the decoded COMMIT_TYPES record

    @property
    def seq(self) -> int:
        return int(self.env.seq)

    @property
    def kind(self) -> str:
        return abi.CommitType(self.env.type).name.lower()


def _frames(data: bytes, partial_tail: bool) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    magic = abi.AXIOM_STREAM_MAGIC.to_bytes(4, "little")
    while pos < len(data):
        if partial_tail and magic.startswith(data[pos:pos + 4]) and \
                (pos + 8 > len(data) or
                 pos + 8 + int.from_bytes(data[pos + 4:pos + 8], "little") > len(data)):
            break   # the machine was stopped while it wrote this last frame
        if data[pos:pos + 4] != magic:
            raise ChainError(f"byte {pos}: no commit frame here (bad magic)")
        if pos + 8 > len(data):
            raise ChainError(f"byte {pos}: truncated frame header")
        length = int.from_bytes(data[pos + 4:pos + 8], "little")
        if length > abi.AXIOM_COMMIT_MAX or pos + 8 + length > len(data):
            raise ChainError(f"byte {pos}: frame length {length} runs past the log")
        out.append((pos, data[pos + 8:pos + 8 + length]))
        pos += 8 + length
    return out


def read_log(source: Path | bytes, partial_tail: bool = False) -> list[Commit]:
    """Parse every frame and payload; framing or decoding problems are ChainErrors.
    With `partial_tail`, an incomplete last frame is dropped: the log of a machine that
    was stopped (not one that shut down) may end in the middle of a commit."""
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as e:
            raise ChainError(f"{source}: cannot read: {e.strerror}") from None
    else:
        data = source
    commits = []
    for offset, raw in _frames(data, partial_tail):
        try:
            env, end = abi.decode_commit_envelope(raw)
            if end != len(raw):
                raise AbiDecodeError(f"{len(raw) - end} trailing bytes")
            payload = abi.decode_commit_payload(env)
        except (AbiDecodeError, ValueError) as e:
            raise ChainError(f"byte {offset} (commit #{len(commits)}): {e}") from None
        commits.append(Commit(offset, env, payload))
    return commits


def verify_chain(commits: list[Commit]) -> None:
    """Check sequence numbers, prev links and every id; raise at the first break."""
    if not commits:
        raise ChainError("empty log: no genesis commit")
    prev = ZERO
    for i, c in enumerate(commits):
        where = f"commit seq {c.seq} (#{i}, byte {c.offset})"
        if c.seq != i:
            what = "reordered" if c.seq < i else "missing before it"
            raise ChainError(f"{where}: expected seq {i} ({what})")
        if c.env.prev != prev:
            raise ChainError(f"{where}: prev does not match the id of seq {i - 1}"
                             if i else f"{where}: genesis prev is not zero")
        if not c.env.id_ok:
            raise ChainError(f"{where}: id does not match its content (altered)")
        if (i == 0) != (c.env.type == abi.CommitType.GENESIS):
            raise ChainError(f"{where}: genesis must be the first commit and only the first")
        prev = c.env.id
