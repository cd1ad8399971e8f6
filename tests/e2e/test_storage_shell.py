"""Storage in the default image, through the shell (`kv`, `df`) on one disk file over three
boots: what one boot stores the next reads; then bytes flipped in the file between boots
are found by `orbital-build disk fsck` and by the guest's own mount check, a damaged value
is answered BackendError instead of served, and everything else keeps running."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from orbital_build.generated import abi
from orbital_build.storage.scan import read_disk

ROOT = Path(__file__).resolve().parents[2]
SECTOR = 512
FIRST = ["kv set greeting hello persistent world", "kv set other x", "kv set victim v",
         "kv set spare 42", "kv get greeting", "kv ls", "df", "kv rm other", "kv rm other",
         "kv get missing", "echo first-end"]
# Identity (in the default image) seals its keycheck in `system` on the first boot with a
# disk: the shell's own keys share the namespace with it.
KEYCHECK = b"identity/keycheck"
KEYCHECK_BYTES = len(KEYCHECK) + abi.IdentitySealed.SIZE + abi.IdentityKeycheck.SIZE + 16
SECOND = ["kv get greeting", "kv get spare", "kv ls", "df", "echo second-end"]
THIRD = ["kv get greeting", "kv get spare", "kv get victim", "kv set greeting repaired",
         "kv get greeting", "ps", "echo third-end"]


def _answers(output: str, session: list[str]) -> list[list[str]]:
    """The shell's lines for each command of `session`, in order."""
    parts = output.split("orbital> ")[1:len(session) + 1]
    assert len(parts) == len(session), output[-3000:]
    out = []
    for cmd, part in zip(session, parts, strict=True):
        lines = [ln.rstrip("\r") for ln in part.split("\n") if ln.strip()]
        lines = [ln for ln in lines if not re.match(r"^(init|process|storage|virtio-blk|"
                                                     r"orbital): |^process \d+ \(", ln)]
        out.append(lines[1:] if lines and lines[0] == cmd else lines)
    return out


def _fsck(disk: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "disk", "fsck",
                           str(disk)], capture_output=True, text=True, cwd=ROOT, check=False)


@pytest.fixture(scope="module")
def boots(boot, tmp_path_factory):
    disk = tmp_path_factory.mktemp("shell-disk") / "disk.img"
    runs = []
    for session, end in ((FIRST, "first-end"), (SECOND, "second-end")):
        r = boot("default", timeout=90, disk=disk, input_lines=session, expect=[rf"^{end}$"])
        assert r.returncode == 0, r.summary + r.output[-3000:]
        runs.append(r)
    clean = _fsck(disk)
    # damage between boots: a byte of greeting's value, and victim's header
    d = read_disk(disk)
    data = bytearray(disk.read_bytes())
    for key, at in ((b"greeting", abi.StorageRecord.SIZE + 6 + 8 + 3), (b"victim", 20)):
        e = d.entries[(b"system", key)]
        sector = d.sb.log_start + e.offset % d.ring
        data[sector * SECTOR + at] ^= 0x5A
    disk.write_bytes(bytes(data))
    damaged = _fsck(disk)
    r = boot("default", timeout=90, disk=disk, input_lines=THIRD, expect=[r"^third-end$"])
    assert r.returncode == 0, r.summary + r.output[-3000:]
    runs.append(r)
    return runs, clean, damaged, _fsck(disk)


def test_a_value_set_in_one_boot_is_read_in_the_next(boots) -> None:
    first = _answers(boots[0][0].output, FIRST)
    assert first[0] == ["kv: greeting: stored, 22 bytes"]
    assert first[4] == ["hello persistent world"]
    assert first[5] == ["greeting", KEYCHECK.decode(), "other", "spare", "victim", "5 keys"]
    assert first[7] == ["kv: other: removed"] and first[8] == ["kv: other: no such key"]
    assert first[9] == ["kv: missing: NotFound"]
    df = [ln.split() for ln in first[6]]
    assert df[0] == ["NAMESPACE", "USED", "QUOTA", "USE%", "KEYS"]
    # the shell is a System process: its keys are in `system`, 1 MiB quota
    assert df[1] == ["system", str(8 + 22 + 5 + 1 + 6 + 1 + 5 + 2 + KEYCHECK_BYTES),
                     str(1 << 20), "0%", "5"]
    second = _answers(boots[0][1].output, SECOND)
    assert second[0] == ["hello persistent world"] and second[1] == ["42"]
    assert second[2] == ["greeting", KEYCHECK.decode(), "spare", "victim", "4 keys"]
    assert second[3][1].split()[:2] == ["system", str(8 + 22 + 6 + 1 + 5 + 2 + KEYCHECK_BYTES)]
    mount = re.findall(r"^storage: mounted: generation (\d+), (\d+) records replayed, (\d+) "
                       r"keys, .*; check: 0 findings, 0 damage$", boots[0][1].output, re.MULTILINE)
    assert len(mount) == 1 and mount[0][2] == "4"


def test_fsck_reports_the_flipped_bytes(boots) -> None:
    _, clean, damaged, after = boots
    assert clean.returncode == 0 and ": clean: " in clean.stdout
    assert damaged.returncode == 1, damaged.stdout
    lines = damaged.stdout.splitlines()
    assert re.search(r": problem: log offset \d+: record seq \d+ \(system:greeting\): value "
                     r"fails its checksum$", lines[0]), damaged.stdout
    assert re.search(r": problem: log offset \d+: records seq (\d+)\.\.\1 unreadable \(damaged "
                     r"header\); the log resumes at offset \d+$", lines[1]), damaged.stdout
    assert re.search(r": DAMAGED: \d+ records, 3 keys in 1 namespaces", lines[2])
    assert after.returncode == 1   # reported until the records are rewritten or compacted


def test_the_guest_reports_damage_and_never_serves_it(boots) -> None:
    r = boots[0][2]
    out = r.output
    m = re.search(r"^storage: mounted: .*; check: (\d+) findings, (\d+) damage$", out,
                  re.MULTILINE)
    assert m and int(m.group(2)) >= 2, out[-3000:]
    assert re.search(r"^storage: check: damaged value: ", out, re.MULTILINE)
    assert re.search(r"^storage: check: unreadable records", out, re.MULTILINE)
    third = _answers(out, THIRD)
    assert third[0] == ["kv: greeting: BackendError (the stored value is damaged)"]
    assert third[1] == ["42"]                         # the rest is served as before
    assert third[2] == ["kv: victim: NotFound"]       # its record is unreadable
    assert third[3] == ["kv: greeting: stored, 8 bytes"] and third[4] == ["repaired"]
    # the kernel and the other services keep running
    names = {ln.split()[-1] for ln in third[5] if re.match(r"^\s*\d+\s+\d+\s+alive", ln)}
    assert {"init", "permissions", "process", "virtio-blk", "storage", "identity",
            "shell"} <= names
    assert "KERNEL" not in out and "fault:" not in out
