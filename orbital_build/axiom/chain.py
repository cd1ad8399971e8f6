"""The CommitLog as a hash chain: framing, ordering, integrity, and where the log ends.

A log is the debugcon stream of one boot: commit frames `"AXC1" | length | envelope` and
seal frames `"AXS1" | length | count, head, reason`. Every commit's id is
SHA-256(prev ‖ seq ‖ timestamp ‖ type ‖ payload ‖ caused_by?), its `prev` is the previous
commit's id (zeros for genesis) and sequence numbers run 0, 1, 2… with no gap. Any
flipped byte, dropped or reordered commit breaks one of these, and the error names the
first commit (and byte offset) where it shows.

The chain alone cannot tell a whole log from one cut at a commit boundary: the seals can.
The kernel seals after every checkpoint and when it stops (shutdown, or panic after a
kernel fault); each seal names how many commits came before it and the id of the last. A
log is complete when it ends with a shutdown or panic seal that matches. A machine that
was stopped from outside (`--stopped`) leaves an unsealed end — commits after the last
seal, and perhaps the first bytes of a frame it was writing — which is accepted and said.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..abi.envelope import decode_frame, read_frames
from ..abi.wire import AbiDecodeError
from ..errors import OrbitalError
from ..generated import abi

ZERO = bytes(32)
FINAL = {abi.AXIOM_SEAL_SHUTDOWN: "shutdown", abi.AXIOM_SEAL_PANIC: "panic"}
REASONS = {abi.AXIOM_SEAL_CHECKPOINT: "checkpoint", **FINAL}


class ChainError(OrbitalError):
    """The log is damaged or shortened; the message names the position."""


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


@dataclass(frozen=True)
class SealAt:
    offset: int                    # byte offset of its frame in the log
    seal: Any                      # abi.Seal
    after: int                     # commits before it in the log

    @property
    def reason(self) -> str:
        return REASONS.get(self.seal.reason, f"reason {self.seal.reason}")


@dataclass(frozen=True)
class Log:
    """Everything in a stream, in order, and the bytes of a cut-off last frame that were
    left out (`cut` of them at byte `cut_offset`; only when read as stopped)."""

    commits: list[Commit]
    seals: list[SealAt]
    size: int
    cut: int = 0
    cut_offset: int = 0


def read_stream(source: Path | bytes, stopped: bool = False) -> Log:
    """Parse every frame and payload; framing or decoding problems are ChainErrors. With
    `stopped`, an incomplete last frame is left out: the log of a machine that was stopped
    (not one that shut down) may end in the middle of a frame. Only that: a damaged
    length in the middle of the log is an error either way."""
    if isinstance(source, Path):
        try:
            data = source.read_bytes()
        except OSError as e:
            raise ChainError(f"cannot read: {e.strerror}") from None
    else:
        data = source
    try:
        frames = read_frames(data, abi.STREAM_LIMITS, stopped)
    except AbiDecodeError as e:
        raise ChainError(str(e).removeprefix("commit stream: ")) from None
    commits: list[Commit] = []
    seals: list[SealAt] = []
    for f in frames.frames:
        try:
            item = decode_frame(data, f, abi.AXIOM_STREAM_MAGIC)
            if isinstance(item, abi.Seal):
                seals.append(SealAt(f.offset, item, len(commits)))
                continue
            commits.append(Commit(f.offset, item, abi.decode_commit_payload(item)))
        except (AbiDecodeError, ValueError) as e:
            raise ChainError(f"byte {f.offset} (commit #{len(commits)}): {e}") from None
    return Log(commits, seals, len(data), frames.cut, frames.cut_offset)


def read_log(source: Path | bytes, partial_tail: bool = False) -> list[Commit]:
    """The commits of a log (see read_stream; `partial_tail` is `stopped`)."""
    return read_stream(source, partial_tail).commits


def verify_chain(commits: list[Commit], trusted: int = 0) -> None:
    """Check sequence numbers, prev links and every id; raise at the first break. The
    first `trusted` commits were verified before (a log that has grown since): their ids
    are not hashed again."""
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
        if i >= trusted and not c.env.id_ok:
            raise ChainError(f"{where}: id does not match its content (altered)")
        if (i == 0) != (c.env.type == abi.CommitType.GENESIS):
            raise ChainError(f"{where}: genesis must be the first commit and only the first")
        prev = c.env.id


def verify_end(log: Log, stopped: bool = False) -> str:
    """Check every seal against the commits before it, and that the log ends with its
    final seal (unless `stopped`). Returns how the log ends, in words."""
    for s in log.seals:
        head = log.commits[s.after - 1].env.id if s.after else ZERO
        if s.seal.count != s.after or s.seal.head != head:
            raise ChainError(f"{s.reason} seal at byte {s.offset}: it says {s.seal.count} "
                             f"commits ending in {s.seal.head.hex()[:16]}…, the log has "
                             f"{s.after} before it ending in {head.hex()[:16]}…")
        if s.seal.reason in FINAL and s is not log.seals[-1] or \
                s.seal.reason in FINAL and s.after != len(log.commits):
            raise ChainError(f"{s.reason} seal at byte {s.offset}: the log goes on after the "
                             f"seal the kernel writes when it stops")
    last = log.seals[-1] if log.seals else None
    n = len(log.commits)
    if last and last.seal.reason in FINAL and not log.cut and \
            log.commits and last.offset > log.commits[-1].offset:
        return f"sealed at {last.reason}"
    sealed = (f"the last seal ({last.reason}, byte {last.offset}) covers {last.after}"
              if last else "no seal covers any")
    cut = (f"; left out {log.cut} bytes of a cut-off last frame at byte {log.cut_offset}"
           if log.cut else "")
    if not stopped:
        raise ChainError(f"shortened log: it ends at byte {log.size} after {n} commits "
                         f"without the seal the kernel writes when it stops; {sealed} of "
                         f"them (if the machine was stopped from outside, use --stopped)")
    return f"not sealed (stopped): {sealed} of {n} commits{cut}"
