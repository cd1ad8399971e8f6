"""The CommitLog of a real boot: verified end to end, and any damage is caught with its
position — a flipped byte, a dropped commit, a reordered pair."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orbital_build.axiom import read_log, replay, verify_chain
from orbital_build.axiom.chain import ChainError
from orbital_build.generated import abi


@pytest.fixture(scope="module")
def log(boot):
    r = boot("test", timeout=240)
    assert r.returncode == 0
    return r.axiom_log.read_bytes(), r


def _frames(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        n = int.from_bytes(data[pos + 4:pos + 8], "little")
        out.append(data[pos:pos + 8 + n])
        pos += 8 + n
    return out


def test_boot_log_verifies_and_replays(log) -> None:
    data, r = log
    commits = read_log(data)
    verify_chain(commits)
    state = replay(commits)
    assert r.axiom["commits"] == len(commits) > 100
    assert state.checkpoints >= 2   # periodic ones and the last at shutdown
    kinds = {c.kind for c in commits}
    assert {"genesis", "process_created", "process_exited", "cap_inserted", "cap_removed",
            "memory_mapped", "checkpoint", "process_faulted"} <= kinds
    # every commit a syscall made points at the SysLog record that caused it
    caused = [c for c in commits if c.env.caused_by is not None]
    assert caused and all(c.env.caused_by > 0 for c in caused)
    assert not state.processes   # init exited last: nothing is left


def test_cli_verify_accepts_the_log(log, tmp_path) -> None:
    path = tmp_path / "boot.axiom"
    path.write_bytes(log[0])
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "axiom", "verify",
                           str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "hash chain intact" in proc.stdout


def _verify(data: bytes) -> str:
    with pytest.raises(ChainError) as e:
        verify_chain(read_log(data))
    return str(e.value)


def test_flipped_byte_is_caught_with_its_position(log) -> None:
    frames = _frames(log[0])
    victim = frames[40]
    bad = bytearray(victim)
    bad[8 + 60] ^= 0x01            # a byte inside the 41st commit
    data = b"".join(frames[:40]) + bytes(bad) + b"".join(frames[41:])
    msg = _verify(data)
    assert "seq 40" in msg and "altered" in msg or "seq 40" in msg, msg


def test_dropped_commit_is_caught_with_its_position(log) -> None:
    frames = _frames(log[0])
    msg = _verify(b"".join(frames[:70] + frames[71:]))
    assert "seq 71" in msg and "expected seq 70" in msg, msg


def test_reordered_pair_is_caught_with_its_position(log) -> None:
    frames = _frames(log[0])
    frames[90], frames[91] = frames[91], frames[90]
    msg = _verify(b"".join(frames))
    assert "seq 91" in msg and "expected seq 90" in msg, msg


def test_rewritten_commit_with_a_recomputed_id_breaks_the_chain(log) -> None:
    """Forging one commit (new payload and a matching id) still breaks the next link."""
    data = log[0]
    commits = read_log(data)
    frames = _frames(data)
    c = commits[50]
    env = c.env
    forged_payload = bytes(env.payload[:-1]) + bytes([env.payload[-1] ^ 1])
    new_id = abi.commit_hash(env.prev, env.seq, env.timestamp, env.type, forged_payload,
                             env.caused_by)
    forged = abi.CommitEnvelope(env.seq, env.timestamp, env.prev, env.type, env.caused_by,
                                forged_payload, new_id)
    data2 = b"".join(frames[:50]) + abi.stream_frame(forged.encode()) + b"".join(frames[51:])
    msg = _verify(data2)
    assert "seq 51" in msg and "prev" in msg, msg


def test_truncated_log_is_caught(log) -> None:
    with pytest.raises(ChainError, match="byte"):
        read_log(log[0][:-5])
    # a machine stopped mid-write: only the cut-off last frame is dropped, never more
    whole = read_log(log[0])
    cut = read_log(log[0][:-5], partial_tail=True)
    assert len(cut) == len(whole) - 1
    verify_chain(cut)
    with pytest.raises(ChainError, match="seq 0"):   # damage elsewhere is still damage
        verify_chain(read_log(log[0][:40] + b"XXXX" + log[0][44:], partial_tail=True))
