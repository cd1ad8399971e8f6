"""Axiom records in Python: round trips for every commit and state record, the kinds of
spec §2.4, strict decoding, the commit envelope (hash, layout, errors with offsets) and the
AXC1 debug stream."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from abi_values import record_values, rng

from orbital_build.abi import envelope, records
from orbital_build.abi.defs import load_abi
from orbital_build.abi.envelope import OVERHEAD
from orbital_build.abi.gen_python import generate
from orbital_build.abi.model import Abi, Record
from orbital_build.abi.names import py_record_class
from orbital_build.abi.validate import validate
from orbital_build.abi.wire import AbiDecodeError, AbiEncodeError
from orbital_build.generated import abi as gen

ABI = load_abi()
GROUPS = {g.name: g for g in records.groups(ABI)}
ALL = [(g, r) for g in records.groups(ABI) for r in g.records]
ROUNDS = 25


def _cls(module: ModuleType, group: records.Group, rec: Record) -> Any:
    return getattr(module, py_record_class(group.prefix, rec.name))


@pytest.fixture
def mini_module(mini: Abi, load_source: Callable[[str, str], ModuleType]) -> ModuleType:
    return load_source("orbital_abi_mini_records", generate(validate(mini)))


# --- records ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("group", "rec"), ALL, ids=[f"{g.name}-{r.name}" for g, r in ALL])
def test_record_round_trip(group: records.Group, rec: Record) -> None:
    cls = _cls(gen, group, rec)
    table = getattr(gen, group.table)
    assert cls.KIND == rec.kind and table[rec.kind] is cls
    lo, hi = records.bounds(ABI, rec)
    assert cls.MAX_SIZE == hi
    r = rng(f"{group.name}-{rec.name}")
    for _ in range(ROUNDS):
        obj = cls(**record_values(ABI, gen, rec, r))
        data = obj.encode()
        assert lo <= len(data) <= hi
        assert cls.decode(data) == obj


def test_mini_records_round_trip(mini: Abi, mini_module: ModuleType) -> None:
    r = rng("mini-records")
    for g in records.groups(mini):
        for rec in g.records:
            cls = _cls(mini_module, g, rec)
            for _ in range(ROUNDS):
                obj = cls(**record_values(mini, mini_module, rec, r))
                assert cls.decode(obj.encode()) == obj


def test_commit_kinds_follow_spec() -> None:
    """CommitType discriminants of spec §2.4; 5 and 13 are reserved; 14-20 are Orbital's."""
    assert {k: c.__name__ for k, c in gen.COMMIT_TYPES.items()} == {
        0: "CommitGenesis", 1: "CommitProcessCreated", 2: "CommitProcessExited",
        3: "CommitCapInserted", 4: "CommitCapRemoved", 6: "CommitEndpointCreated",
        7: "CommitEndpointDestroyed", 8: "CommitCapUpdated", 9: "CommitMemoryMapped",
        10: "CommitMemoryUnmapped", 11: "CommitCheckpoint", 12: "CommitProcessFaulted",
        14: "CommitNotificationCreated", 15: "CommitNotificationDestroyed",
        16: "CommitPciDeviceFound", 17: "CommitShmCreated", 18: "CommitShmDestroyed",
        19: "CommitShmMapped", 20: "CommitDeviceMapped"}
    assert gen.CommitType.CHECKPOINT == 11
    assert {chr(k): c.__name__ for k, c in gen.STATE_RECORDS.items()} == {
        "P": "StateProcess", "C": "StateCap", "E": "StateEndpoint", "N": "StateNotification",
        "M": "StateRegion", "D": "StatePciDevice", "S": "StateShm", "V": "StateMapping",
        "K": "StateCounters"}


def test_commit_max_is_computed() -> None:
    longest = max(c.MAX_SIZE for c in gen.COMMIT_TYPES.values())
    limits = gen.Resources.SIZE
    assert limits == 8 * gen.RES_COUNT == 80
    assert longest == gen.CommitProcessCreated.MAX_SIZE == \
        8 + 8 + 2 * (2 + gen.AXIOM_STR_MAX) + limits
    assert gen.AXIOM_COMMIT_MAX == OVERHEAD + longest == 92 + 164
    assert gen.CommitCheckpoint.MAX_SIZE == 32 + 1 + 4 + gen.AXIOM_BYTES_MAX


def test_record_wire_bytes() -> None:
    """Canonical encoding byte for byte; a struct field is its packed C layout."""
    cap = gen.CapRecord(id=1, object_id=2, expires_at=3, generation=4, object_type=6, rights=7)
    data = gen.CommitCapInserted(pid=9, slot=5, cap=cap, badge=0xAB, parent_id=8).encode()
    assert data == (struct.pack("<QI", 9, 5) + cap.pack() + struct.pack("<QQ", 0xAB, 8))
    assert cap.pack()[28:] == b"\x06\x07\0\0"
    assert gen.CommitProcessExited(pid=1, code=-1).encode() == b"\1" + bytes(7) + b"\xff" * 4
    assert gen.CommitGenesis("0.1", 5, 6).encode() == b"\3\0" + b"0.1" + struct.pack("<QQ", 5, 6)
    chk = gen.CommitCheckpoint(state_hash=bytes(range(32)), algorithm=0, signature=b"")
    assert chk.encode() == bytes(range(32)) + b"\0" + bytes(4)
    lim = gen.Resources(amount=list(range(gen.RES_COUNT)))
    assert gen.StateProcess(1, 0, "init", lim).encode() == \
        struct.pack("<QQH", 1, 0, 4) + b"init" + struct.pack(f"<{gen.RES_COUNT}Q", *lim.amount)
    assert gen.StateCounters(1, 2, 3, 4, 5).encode() == struct.pack("<QQQQQ", 1, 2, 3, 4, 5)
    assert gen.CommitPciDeviceFound(bdf=0x20, vendor=0x1AF4, device=0x1042,
                                    class_code=0x010000).encode() == \
        struct.pack("<IHHI", 0x20, 0x1AF4, 0x1042, 0x010000)


def test_syslog_record_layout() -> None:
    rec = gen.SyslogRecord(seq=1, time_ns=2, pid=3, nr=0x42, flags=gen.SYSLOG_DONE,
                           args=[4, 5, 6, 7], result=-gen.Errno.EINVAL)
    data = rec.pack()
    assert gen.SyslogRecord.SIZE == len(data) == 64
    assert data == struct.pack("<QQIHH4Qq", 1, 2, 3, 0x42, 1, 4, 5, 6, 7, -3)
    assert (gen.SYSLOG_DONE, gen.SYSLOG_BLOCKED, gen.SYSLOG_FASTPATH) == (1, 2, 4)


def test_state_hash() -> None:
    none = gen.Resources(amount=[0] * gen.RES_COUNT)
    recs: list[Any] = [gen.StateProcess(1, 0, "init", none),
                       gen.StateCounters(2, 1, 1, 3)]
    want = hashlib.sha256(b"P" + recs[0].encode() + b"K" + recs[1].encode()).digest()
    assert gen.state_hash(recs) == want


RECORD_DECODE_ERRORS = [  # (class, bytes, pattern)
    (gen.CommitProcessExited, bytes(11),
     r"commit process_exited: field code: needs 4 bytes at offset 8, only 3 left"),
    (gen.CommitProcessExited, bytes(13),
     r"commit process_exited: 1 trailing bytes after the last field \(offset 12\)"),
    (gen.CommitGenesis, b"\2\0\xc3\x28" + bytes(16),
     r"commit genesis: field kernel_version: invalid UTF-8 at offset 2"),
    (gen.CommitGenesis, b"\x21\0" + b"x" * 33 + bytes(16),
     r"commit genesis: field kernel_version: length 33 exceeds the 32-byte limit"),
    (gen.CommitCheckpoint, bytes(33) + b"\x41\0\0\0" + bytes(65),
     r"commit checkpoint: field signature: length 65 exceeds the 64-byte limit"),
    (gen.StateCap, bytes(51), r"state cap: field badge: needs 8 bytes at offset 44"),
    (gen.CommitGenesis, bytes(51),
     r"commit genesis: 33 trailing bytes after the last field \(offset 18\)"),
]


@pytest.mark.parametrize(("cls", "data", "pattern"), RECORD_DECODE_ERRORS,
                         ids=[f"{c.__name__}-{i}" for i, (c, _, _) in
                              enumerate(RECORD_DECODE_ERRORS)])
def test_record_decode_errors(cls: Any, data: bytes, pattern: str) -> None:
    with pytest.raises(AbiDecodeError, match=pattern):
        cls.decode(data)


def test_record_encode_errors() -> None:
    with pytest.raises(AbiEncodeError, match=r"commit genesis\.kernel_version: 33 UTF-8 bytes "
                                             r"exceed the 32-byte limit"):
        gen.CommitGenesis(kernel_version="v" * 33).encode()
    with pytest.raises(AbiEncodeError, match=r"commit checkpoint\.state_hash: expected exactly "
                                             r"32 bytes, got 31"):
        gen.CommitCheckpoint(state_hash=bytes(31)).encode()
    with pytest.raises(AbiEncodeError, match=r"commit checkpoint\.signature: 65 bytes exceed"):
        gen.CommitCheckpoint(signature=bytes(65)).encode()
    with pytest.raises(AbiEncodeError, match=r"commit cap_inserted\.cap: expected CapRecord"):
        gen.CommitCapInserted(cap=gen.CapInfo()).encode()  # type: ignore[arg-type]
    with pytest.raises(AbiEncodeError, match=r"state region\.prot: 256 does not fit u8"):
        gen.StateRegion(prot=256).encode()


# --- the commit envelope ---------------------------------------------------------------------

PREV = bytes(range(32))


def _manual(seq: int, ts: int, type_: int, payload: bytes, cause: int | None) -> bytes:
    """The envelope built by hand from the layout in docs/gen/abi.md."""
    body = PREV + seq.to_bytes(8, "little") + ts.to_bytes(8, "little") + bytes([type_])
    ident = hashlib.sha256(body + payload +
                           (b"" if cause is None else cause.to_bytes(8, "little"))).digest()
    head = seq.to_bytes(8, "little") + ts.to_bytes(8, "little") + PREV + bytes([type_])
    head += b"\0" if cause is None else b"\1" + cause.to_bytes(8, "little")
    return head + len(payload).to_bytes(2, "little") + payload + ident


@pytest.mark.parametrize("cause", [None, 0, 0x1122_3344_5566_7788])
def test_envelope_matches_hashlib(cause: int | None) -> None:
    payload = gen.CommitCapRemoved(pid=3, slot=7).encode()
    want = _manual(41, 123_456_789, gen.CommitType.CAP_REMOVED, payload, cause)
    env = gen.make_commit_envelope(41, 123_456_789, PREV, gen.CommitType.CAP_REMOVED, payload,
                                   cause)
    assert env.encode() == want
    assert env.id == want[-32:] == gen.commit_hash(PREV, 41, 123_456_789, 4, payload, cause)
    assert env.id_ok
    got, end = gen.decode_commit_envelope(b"\xee" * 5 + want + b"\xee", 5)
    assert (got, end) == (env, 5 + len(want))
    assert gen.decode_commit_payload(got) == gen.CommitCapRemoved(pid=3, slot=7)


def test_envelope_sizes() -> None:
    name = "x" * gen.AXIOM_STR_MAX
    none = gen.Resources(amount=[0] * gen.RES_COUNT)
    longest = gen.CommitProcessCreated(1, 0, name, name, none).encode()
    env = gen.make_commit_envelope(1, 2, PREV, 1, longest, caused_by=3).encode()
    assert len(env) == gen.AXIOM_COMMIT_MAX
    bare = gen.make_commit_envelope(0, 0, bytes(32), 0, b"").encode()
    assert len(bare) == OVERHEAD - 8


NO_LIMITS = gen.Resources(amount=[0] * gen.RES_COUNT)


def test_genesis_chain() -> None:
    """A two-commit chain: prev links to the previous id, zeros for genesis."""
    g = gen.make_commit_envelope(0, 10, bytes(32), 0, gen.CommitGenesis("0.1", 1, 2).encode())
    p = gen.make_commit_envelope(1, 11, g.id, 1,
                                 gen.CommitProcessCreated(1, 0, "init", "init", NO_LIMITS
                                                          ).encode(), 5)
    stream = gen.stream_frame(g.encode()) + gen.stream_frame(p.encode())
    assert stream[:4] == b"AXC1"
    commits = list(gen.iter_stream_commits(stream))
    assert commits == [g, p] and commits[1].prev == commits[0].id
    assert [gen.decode_commit_payload(c).name for c in commits[1:]] == ["init"]
    tampered = p.__class__(**{**p.__dict__, "timestamp": 12})
    assert not tampered.id_ok


GOOD = gen.make_commit_envelope(7, 8, PREV, 2, gen.CommitProcessExited(1, 0).encode(), 9)
GOOD_BYTES = GOOD.encode()  # 8 + 8 + 32 + 1 + 1 + 8 + 2 + 12 + 32 = 104 bytes


@pytest.mark.parametrize(("cut", "pattern"), [
    (0, r"header needs 50 bytes at offset 0, only 0 left \(truncated\)"),
    (49, r"header needs 50 bytes at offset 0, only 49 left"),
    (55, r"caused_by needs 8 bytes at offset 50, only 5 left"),
    (59, r"payload_len needs 2 bytes at offset 58, only 1 left"),
    (66, r"payload needs 12 bytes at offset 60, only 6 left"),
    (103, r"id needs 32 bytes at offset 72, only 31 left"),
])
def test_truncated_envelope(cut: int, pattern: str) -> None:
    with pytest.raises(AbiDecodeError, match=r"commit envelope at offset 0: " + pattern):
        gen.decode_commit_envelope(GOOD_BYTES[:cut])


def test_every_truncation_is_refused() -> None:
    for cut in range(len(GOOD_BYTES)):
        with pytest.raises(AbiDecodeError, match=r"\(truncated\)"):
            gen.decode_commit_envelope(GOOD_BYTES[:cut])


def test_bad_envelopes() -> None:
    bad = bytearray(GOOD_BYTES)
    bad[49] = 2
    with pytest.raises(AbiDecodeError, match=r"commit envelope at offset 0: has_cause is 2 at "
                                             r"offset 49, must be 0 or 1"):
        gen.decode_commit_envelope(bytes(bad))
    unknown = gen.make_commit_envelope(0, 0, PREV, 5, b"")
    with pytest.raises(AbiDecodeError, match=r"commit seq 0: unknown commit type 5"):
        gen.decode_commit_payload(unknown)
    short = gen.make_commit_envelope(3, 0, PREV, 2, bytes(11))
    with pytest.raises(AbiDecodeError, match=r"commit seq 3: commit process_exited: field code"):
        gen.decode_commit_payload(short)
    with pytest.raises(AbiEncodeError, match=r"commit envelope: prev: expected 32 bytes"):
        gen.commit_hash(bytes(31), 0, 0, 0, b"")
    with pytest.raises(AbiEncodeError, match=r"commit envelope: type: 256 does not fit u8"):
        gen.make_commit_envelope(0, 0, PREV, 256, b"")


# --- the AXC1 stream -------------------------------------------------------------------------

FRAME = gen.stream_frame(GOOD_BYTES)  # 8 + 104 bytes


def test_stream_frames() -> None:
    data = FRAME * 3
    assert list(gen.iter_stream_frames(data)) == [GOOD_BYTES] * 3
    assert list(gen.iter_stream_commits(data)) == [GOOD] * 3
    assert list(gen.iter_stream_frames(b"")) == []
    assert FRAME[:8] == b"AXC1" + len(GOOD_BYTES).to_bytes(4, "little")


@pytest.mark.parametrize(("data", "pattern"), [
    (FRAME + b"AXC0" + FRAME[4:],
     (r"commit stream: bad magic 0x30435841 at byte offset 112 \(expected 0x31435841 or "
      r"0x31535841\)")),
    (FRAME + FRAME[:5], r"commit stream: truncated frame header at byte offset 112: 5 of 8"),
    (FRAME + FRAME[:-1],
     r"commit stream: frame at byte offset 112 is truncated: length 104, only 103 bytes"),
    (FRAME + b"AXC1" + (257).to_bytes(4, "little") + bytes(257),
     r"commit stream: frame at byte offset 112: length 257 exceeds the 256-byte envelope limit"),
])
def test_bad_streams(data: bytes, pattern: str) -> None:
    with pytest.raises(AbiDecodeError, match=pattern):
        list(gen.iter_stream_frames(data))


def test_bad_frame_contents() -> None:
    padded = gen.stream_frame(GOOD_BYTES + b"\0")
    with pytest.raises(AbiDecodeError, match=r"commit stream: frame at byte offset 112: 1 "
                                             r"trailing bytes after the envelope \(offset 224\)"):
        list(gen.iter_stream_commits(FRAME + padded))
    short = gen.stream_frame(GOOD_BYTES[:-1])
    with pytest.raises(AbiDecodeError, match=r"commit envelope at offset 120: id needs 32 bytes "
                                             r"at offset 192, only 31 left"):
        list(gen.iter_stream_commits(FRAME + short))


# --- seals and stopped streams ---------------------------------------------------------------

SEAL = gen.Seal(count=2, head=bytes(range(32)), reason=gen.AXIOM_SEAL_CHECKPOINT)


def test_seal_layout() -> None:
    assert SEAL.encode() == struct.pack("<Q32sB", 2, bytes(range(32)), 1)
    assert gen.seal_frame(SEAL)[:8] == b"AXS1" + gen.SEAL_SIZE.to_bytes(4, "little")
    assert gen.Seal.decode(SEAL.encode()) == SEAL
    with pytest.raises(AbiDecodeError, match=r"axiom seal at offset 9: 40 bytes, expected 41"):
        gen.Seal.decode(SEAL.encode()[:-1], 9)
    with pytest.raises(AbiEncodeError, match=r"axiom seal: head: expected 32 bytes"):
        gen.Seal(1, bytes(3), 2).encode()


def test_stream_with_seals() -> None:
    data = FRAME + gen.seal_frame(SEAL) + FRAME
    assert list(gen.iter_stream(data)) == [GOOD, SEAL, GOOD]
    assert list(gen.iter_stream_commits(data)) == [GOOD, GOOD]
    assert list(gen.iter_stream_frames(data)) == [GOOD_BYTES, GOOD_BYTES]
    too_long = FRAME + b"AXS1" + (42).to_bytes(4, "little") + bytes(42)
    with pytest.raises(AbiDecodeError, match=r"byte offset 112: length 42 exceeds the 41-byte "
                                             r"seal limit"):
        list(gen.iter_stream(too_long))


def _read(data: bytes, stopped: bool) -> envelope.Frames:
    return envelope.read_frames(data, gen.STREAM_LIMITS, stopped)


@pytest.mark.parametrize("cut", [1, 3, 4, 7, 8, 9, 60, len(FRAME) - 1])
def test_stopped_stream_drops_only_a_cut_off_last_frame(cut: int) -> None:
    data = FRAME * 3 + FRAME[:cut]
    with pytest.raises(AbiDecodeError):
        _read(data, stopped=False)
    got = _read(data, stopped=True)
    assert [f.body for f in got.frames] == [GOOD_BYTES] * 3
    assert (got.cut, got.cut_offset) == (cut, 3 * len(FRAME))
    seal = gen.seal_frame(SEAL)
    got = _read(FRAME + seal[:min(cut, len(seal) - 1)], stopped=True)
    assert len(got.frames) == 1 and got.cut == min(cut, len(seal) - 1)


def test_stopped_stream_refuses_a_damaged_length_in_the_middle() -> None:
    """A flipped length byte is not a cut: the frames after it say so."""
    for length in (0x1_0000 + len(GOOD_BYTES), len(GOOD_BYTES) + 60, len(GOOD_BYTES) - 1):
        bad = FRAME[:4] + length.to_bytes(4, "little") + FRAME[8:]
        for tail in (FRAME * 2, gen.seal_frame(SEAL)):
            with pytest.raises(AbiDecodeError, match=r"commit stream: .* byte offset"):
                _read(FRAME + bad + tail, stopped=True)
    # bytes after the last frame that are no frame's beginning are damage, not a cut
    for junk in (b"junk", b"junk" * 10):
        with pytest.raises(AbiDecodeError, match=r"byte offset 112"):
            _read(FRAME + junk, stopped=True)
