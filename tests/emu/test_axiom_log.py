"""Axiom's deferred hashing and its seals, on the real kernel under the machine model: a
syscall only queues its commits, a flush hashes them into the same chain, a machine
killed with commits still queued leaves a log that verifies up to its last flushed
commit, and a kernel that stops seals its log so the host can tell it is whole."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from orbital_build.axiom import read_stream
from orbital_build.axiom.command import verify_log
from orbital_build.emu import scenarios as sc
from orbital_build.emu.machine import Machine, StopReason
from orbital_build.emu.scenarios import Case
from orbital_build.errors import OrbitalError
from orbital_build.generated import abi

pytestmark = pytest.mark.emu


def kernel_u64(m: Machine, name: str) -> int:
    return int(struct.unpack("<Q", m.read(m.symbol(name), 8))[0])


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_killed_mid_batch_verifies_up_to_the_last_flushed_commit(
        boot: Callable[..., Machine], tmp_path: Path) -> None:
    m = boot(sc.IPC_IMAGE)
    assert m.run().reason is StopReason.IDLE   # every thread waits: Axiom flushed
    flushed = kernel_u64(m, "hashed_seq")
    assert flushed == kernel_u64(m, "commit_seq") > 0
    m.inject(sc.VEC_TIMER)
    sc.run_to_call(m, Case.BATCH)
    m.executed(m.cpu.rip, Machine.in_user)    # the call moves 8 capabilities: 16 commits
    made, hashed = kernel_u64(m, "commit_seq"), kernel_u64(m, "hashed_seq")
    assert hashed == flushed and made - hashed >= 16, (made, hashed)

    killed = m.axiom_stream                    # what the host has if the guest dies now
    log = save(tmp_path, "killed.axiom", killed)
    with pytest.raises(OrbitalError, match=r"shortened log: .* after \d+ commits without the "
                                           r"seal the kernel writes when it stops"):
        verify_log(log)
    summary = verify_log(log, partial_tail=True)
    assert summary["commits"] == hashed and not summary["sealed"]
    # killed in the middle of writing a frame, too: only that frame is left out
    cut = save(tmp_path, "cut.axiom", killed[:-7])
    assert verify_log(cut, partial_tail=True)["cut_bytes"] == len(killed) - 7 - \
        max(c.offset for c in read_stream(killed).commits + read_stream(killed).seals)

    # the queued commits join the same chain at the next flush (the CPU going idle)
    assert m.run().reason is StopReason.IDLE and "emu-ipc-client: done" in m.console
    after = m.axiom_stream
    assert after.startswith(killed)
    full = verify_log(save(tmp_path, "idle.axiom", after), partial_tail=True)
    assert full["commits"] == kernel_u64(m, "commit_seq") == kernel_u64(m, "hashed_seq") > made
    moved = [c for c in read_stream(after).commits[hashed:made]]
    kinds = [c.kind for c in moved]
    assert kinds.count("cap_removed") >= 8 and kinds.count("cap_inserted") >= 8


def test_a_syscall_queues_its_commits_and_hashes_none(boot: Callable[..., Machine]) -> None:
    m = boot(sc.IPC_IMAGE)
    sc.run_to_call(m, Case.BIG)
    with m.watch("sha256", "axiom_flush") as hits:
        m.executed(m.cpu.rip, Machine.in_user)
    assert hits == {"sha256": 0, "axiom_flush": 0}


def test_a_kernel_fault_seals_the_log_at_panic(boot: Callable[..., Machine],
                                               tmp_path: Path) -> None:
    m = boot(sc.CORE_IMAGE, cmdline="crash=pagefault")
    stop = m.run()
    assert stop.reason is StopReason.EXIT and m.exit_code != 0, stop
    assert "KERNEL FAULT" in m.console
    log = read_stream(m.axiom_stream)
    assert [c.kind for c in log.commits] == ["genesis"]      # queued, flushed at the fault
    assert [s.seal.reason for s in log.seals] == [abi.AXIOM_SEAL_PANIC]
    summary = verify_log(save(tmp_path, "panic.axiom", m.axiom_stream))
    assert summary["sealed"] and summary["ending"] == "sealed at panic"
