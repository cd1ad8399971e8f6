"""The CommitLog of a real boot: verified end to end, and any damage is caught with its
position — a flipped byte, a dropped commit, a reordered pair."""

from __future__ import annotations

import subprocess
import sys

import pytest

from orbital_build.axiom import read_log, read_stream, replay, verify_chain, verify_end
from orbital_build.axiom.chain import ChainError
from orbital_build.generated import abi


@pytest.fixture(scope="module")
def log(boot):
    r = boot("test", timeout=240)
    assert r.returncode == 0
    return r.axiom_log.read_bytes(), r


def _all_frames(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        n = int.from_bytes(data[pos + 4:pos + 8], "little")
        out.append(data[pos:pos + 8 + n])
        pos += 8 + n
    return out


def _frames(data: bytes) -> list[bytes]:
    """The commit frames (seals left out: the damage tests are about the chain)."""
    return [f for f in _all_frames(data) if f[:4] == b"AXC1"]


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


def test_log_ends_with_the_shutdown_seal(log) -> None:
    """Every checkpoint is followed by a seal of the commits so far; the last frame of a
    boot that ended by itself is the shutdown seal, covering every commit."""
    stream = read_stream(log[0])
    assert verify_end(stream) == "sealed at shutdown"
    reasons = [s.seal.reason for s in stream.seals]
    assert reasons[-1] == abi.AXIOM_SEAL_SHUTDOWN
    assert reasons.count(abi.AXIOM_SEAL_CHECKPOINT) >= 1
    assert stream.seals[-1].after == stream.seals[-1].seal.count == len(stream.commits)
    assert _all_frames(log[0])[-1][:4] == b"AXS1"


def test_truncated_log_is_caught(log) -> None:
    data = log[0]
    with pytest.raises(ChainError, match="byte"):
        read_log(data[:-5])
    # a machine stopped mid-write: only the cut-off last frame is dropped, never more
    whole = read_stream(data)
    cut = read_stream(data[:-5], stopped=True)
    assert len(cut.commits) == len(whole.commits) and len(cut.seals) == len(whole.seals) - 1
    assert cut.cut == len(_all_frames(data)[-1]) - 5
    verify_chain(cut.commits)
    with pytest.raises(ChainError, match="seq 0"):   # damage elsewhere is still damage
        verify_chain(read_log(data[:40] + b"XXXX" + data[44:], partial_tail=True))


@pytest.mark.parametrize("keep", [1, 10, "last seal"], ids=["genesis", "ten", "at-a-seal"])
def test_log_cut_at_a_frame_boundary_is_shortened(log, keep) -> None:
    """Without the seal the kernel writes when it stops, a log cut between two frames —
    even down to the genesis commit, even right after a checkpoint's seal — is reported
    as shortened, not as a whole log; --stopped accepts it and says so."""
    frames = _all_frames(log[0])
    if keep == "last seal":
        keep = max(i for i, f in enumerate(frames[:-1]) if f[:4] == b"AXS1") + 1
    data = b"".join(frames[:keep])
    stream = read_stream(data)
    verify_chain(stream.commits)               # the chain itself is intact
    with pytest.raises(ChainError, match=r"shortened log: it ends at byte \d+ after \d+ "
                                         r"commits without the seal"):
        verify_end(stream)
    assert verify_end(stream, stopped=True).startswith("not sealed (stopped)")


def _cli_verify(tmp_path, data: bytes, *flags: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "cut.axiom"
    path.write_bytes(data)
    return subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "axiom", "verify",
                           str(path), *flags], capture_output=True, text=True, check=False)


def test_cli_tells_a_shortened_log_from_a_stopped_one(log, tmp_path) -> None:
    frames = _all_frames(log[0])
    short = b"".join(frames[:30])
    proc = _cli_verify(tmp_path, short)
    assert proc.returncode == 1 and "shortened log" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    proc = _cli_verify(tmp_path, short, "--stopped")
    assert proc.returncode == 0 and "not sealed (stopped)" in proc.stdout, proc.stderr
    proc = _cli_verify(tmp_path, short + frames[30][:20], "--stopped")
    assert proc.returncode == 0 and "left out 20 bytes of a cut-off last frame" in proc.stdout


def test_no_flipped_length_bit_before_the_last_frame_is_taken_for_a_cut(log) -> None:
    """Every bit of the length of frames spread over the log (the first, the one before
    the last, and ten between), flipped one at a time: --stopped refuses each log (only
    bytes after the last intact frame, shorter than the frame they begin, may be left
    out)."""
    frames = _all_frames(log[0])
    data = b"".join(frames)
    starts = [sum(len(f) for f in frames[:i]) for i in range(len(frames))]
    picked = sorted({0, len(frames) - 2, *range(1, len(frames) - 2, len(frames) // 10)})
    accepted = []
    for i in picked:
        for bit in range(32):
            bad = bytearray(data)
            bad[starts[i] + 4 + bit // 8] ^= 1 << (bit % 8)
            try:
                stream = read_stream(bytes(bad), stopped=True)
                verify_chain(stream.commits)
                verify_end(stream, stopped=True)
            except ChainError:
                continue
            accepted.append((i, bit))
    assert len(picked) >= 10 and not accepted, accepted


def test_flipped_length_mid_log_is_an_error_even_when_stopped(log, tmp_path) -> None:
    """One flipped length byte in the middle of a log is damage, not a cut-off end: the
    verification stops with an error instead of accepting the commits before it."""
    frames = _all_frames(log[0])
    for flip in (0x10, 0x01, 0x80):
        bad = bytearray(frames[10])
        bad[4] ^= flip                         # the low byte of the frame's length
        data = b"".join(frames[:10]) + bytes(bad) + b"".join(frames[11:])
        with pytest.raises(ChainError, match=r"byte (offset )?\d+"):
            read_stream(data, stopped=True)
        proc = _cli_verify(tmp_path, data, "--stopped")
        assert proc.returncode == 1 and "ok:" not in proc.stdout, proc.stdout
