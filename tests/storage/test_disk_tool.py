"""`orbital-build disk`: the host tools over the storage disk format, through the real CLI.

Damage is made by flipping bytes of the image and must show up in `disk fsck` (exit 1,
one line per problem), never as data from `disk get`; bad input gives one line and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orbital_build.cli.build import main
from orbital_build.generated import abi
from orbital_build.storage.layout import SECTOR, Superblock, sb_sector
from orbital_build.storage.scan import read_disk

LOG = abi.STORAGE_LOG_START * SECTOR


def cli(capsys, *argv: str | Path) -> tuple[int, str, str]:
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as e:  # argparse's own usage errors
        rc = int(e.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def disk(tmp_path: Path, capsys) -> Path:
    path = tmp_path / "d.img"
    assert cli(capsys, "disk", "create", path, "--size", "1M")[0] == 0
    for i in range(1, 5):
        assert cli(capsys, "disk", "set", path, f"app:shell:k{i}", f"value {i}")[0] == 0
    return path


def flip(path: Path, offset: int) -> None:
    with path.open("r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x20]))


def test_create_set_get_ls_delete(tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.img"
    assert cli(capsys, "disk", "create", path, "--size", "64M")[0] == 0
    assert path.stat().st_size == 64 << 20
    assert cli(capsys, "disk", "set", path, "system:cfg", "x=1")[0] == 0
    assert cli(capsys, "disk", "set", path, "app:shell:a:b", "colon key")[0] == 0
    assert cli(capsys, "disk", "set", path, "user:ann:notes", "hi", "--ttl", "60")[0] == 0
    src = tmp_path / "big"
    src.write_bytes(bytes(range(256)) * 4096)  # exactly MAX_VALUE_SIZE
    assert cli(capsys, "disk", "set", path, "app:shell:big", "--from", src)[0] == 0
    rc, out, _ = cli(capsys, "disk", "ls", path)
    assert rc == 0
    assert out.splitlines() == ["app:shell:a:b\t9 bytes", "app:shell:big\t1048576 bytes",
                                "system:cfg\t3 bytes", "user:ann:notes\t2 bytes\texpires in 60 s"]
    assert cli(capsys, "disk", "ls", path, "system")[1] == "system:cfg\t3 bytes\n"
    assert cli(capsys, "disk", "get", path, "app:shell:a:b")[1] == "colon key"
    out_file = tmp_path / "out"
    assert cli(capsys, "disk", "get", path, "app:shell:big", "-o", out_file)[0] == 0
    assert out_file.read_bytes() == src.read_bytes()
    assert cli(capsys, "disk", "set", path, "system:cfg", "x=2")[0] == 0
    assert cli(capsys, "disk", "get", path, "system:cfg")[1] == "x=2"
    assert cli(capsys, "disk", "delete", path, "system:cfg")[0] == 0
    rc, _, err = cli(capsys, "disk", "get", path, "system:cfg")
    assert rc == 1 and err == "orbital-build: error: system:cfg: not found\n"
    rc, out, _ = cli(capsys, "disk", "fsck", path)
    assert rc == 0 and out.startswith(f"{path}: clean: 6 records, 3 keys in 2 namespaces")


def test_quota_and_limits(tmp_path: Path, capsys) -> None:
    path = tmp_path / "d.img"
    cli(capsys, "disk", "create", path, "--size", "8M")
    src = tmp_path / "v"
    src.write_bytes(b"x" * (1 << 20))
    assert cli(capsys, "disk", "set", path, "app:a:" + "k" * 257, "v")[2].endswith(
        "key is 257 bytes, the limit is 256\n")
    src.write_bytes(b"x" * ((1 << 20) + 1))
    assert "limit is 1048576" in cli(capsys, "disk", "set", path, "app:a:k", "--from", src)[2]
    src.write_bytes(b"x" * ((1 << 20) - 3))
    assert cli(capsys, "disk", "set", path, "system:big", "--from", src)[0] == 0  # 1 MiB
    rc, _, err = cli(capsys, "disk", "set", path, "system:more", "y")
    assert rc != 0 and "quota exceeded" in err


@pytest.mark.parametrize("record,offset,line", [
    (1, 100, "log offset 1: record seq 2 (app:shell:k2): value fails its checksum"),
    (1, 10, ("log offset 1: records seq 2..2 unreadable (damaged header); the log resumes "
            "at offset 2")),
    (3, 80, "log offset 3: record seq 4 (app:shell:k4): value fails its checksum"),
    (3, 40, ("log offset 3: records seq 4..4 unreadable (damaged header); the log resumes "
            "at offset 4")),
    (0, 300, "log offset 0: record seq 1 (app:shell:k1): value fails its checksum"),
])
def test_flipped_bytes_are_reported_and_never_served(disk: Path, capsys, record: int,
                                                       offset: int, line: str) -> None:
    flip(disk, LOG + record * SECTOR + offset)
    rc, out, _ = cli(capsys, "disk", "fsck", disk)
    assert rc == 1
    assert out.splitlines()[0] == f"{disk}: problem: {line}"
    assert out.splitlines()[1].startswith(f"{disk}: DAMAGED:")
    rc, out, err = cli(capsys, "disk", "get", disk, f"app:shell:k{record + 1}")
    assert rc == 1 and out == ""
    assert "damaged" in err or "not found" in err
    for other in set(range(4)) - {record}:  # the other keys are intact
        assert cli(capsys, "disk", "get", disk, f"app:shell:k{other + 1}")[1] == \
            f"value {other + 1}"
    rc, _, err = cli(capsys, "disk", "set", disk, "app:shell:k9", "v")
    assert rc == 1 and "refusing to write to a damaged disk" in err


def test_damaged_superblock_copy(disk: Path, capsys) -> None:
    flip(disk, SECTOR + 20)
    rc, out, _ = cli(capsys, "disk", "fsck", disk)
    assert rc == 1
    assert out.splitlines()[0] == f"{disk}: problem: superblock copy 1: checksum mismatch"
    assert cli(capsys, "disk", "get", disk, "app:shell:k3")[1] == "value 3"  # copy 0 serves


def test_padding_is_checked(disk: Path, capsys) -> None:
    flip(disk, LOG + 2 * SECTOR + SECTOR - 1)  # the last byte of record 3's sector
    assert cli(capsys, "disk", "fsck", disk)[0] == 1


def _rewrite_sb(path: Path, **fields: int) -> None:
    raw = path.read_bytes()
    for copy in range(2):
        sb = Superblock.unpack_from(raw, copy * SECTOR)
        for k, v in fields.items():
            setattr(sb, k, v)
        with path.open("r+b") as f:
            f.seek(copy * SECTOR)
            f.write(sb_sector(sb))


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(b"hello"), "not a storage disk (5 bytes)"),
    (lambda p: p.write_bytes(bytes(1 << 20)), "not a storage disk (no superblock)"),
    (lambda p: p.write_bytes(p.read_bytes()[:100_000]),
     "truncated: the superblock says 2048 sectors, the file holds 195"),
    (lambda p: _rewrite_sb(p, version=2), "format version 2, this tool reads version 1"),
    (lambda p: _rewrite_sb(p, nsectors=1 << 60), "impossible geometry"),
    (lambda p: _rewrite_sb(p, tail=5, sealed_head=0), "impossible log position"),
    (lambda p: p.unlink(), "No such file or directory"),
])
def test_bad_input_is_one_line(disk: Path, capsys, make, message: str) -> None:
    make(disk)
    for argv in (("fsck", disk), ("ls", disk), ("get", disk, "system:x"),
                 ("set", disk, "system:x", "y")):
        rc, _, err = cli(capsys, "disk", *argv)
        assert rc != 0
        assert err.count("\n") == 1 and message in err and "Traceback" not in err, err


def test_huge_lengths_in_a_header_are_not_trusted(disk: Path, capsys) -> None:
    # a header claiming a value of 4 GiB - 1 with a correct checksum is still refused: the
    # lengths are checked before anything is read
    d = read_disk(disk)
    e = d.entries[(b"app:shell", b"k4")]
    with disk.open("r+b") as f:
        f.seek(LOG + e.offset * SECTOR + 8)
        f.write((0xFFFF_FFFF).to_bytes(4, "little"))
    rc, out, _ = cli(capsys, "disk", "fsck", disk)
    assert rc == 1 and "records seq 4..4 unreadable" in out


@pytest.mark.parametrize("argv,message", [
    (("create", "X", "--size", "12Q"), "size '12Q'"),
    (("create", "X", "--size", "1000"), "must be a multiple of 512"),
    (("get", "X", "nonamespace"), "a stored key is system:KEY"),
    (("get", "X", "app:bad name:k"), "bad namespace"),
    (("ls", "X", "apps"), "a namespace is system, app:NAME or user:NAME"),
])
def test_bad_arguments(tmp_path: Path, capsys, argv, message: str) -> None:
    rc, _, err = cli(capsys, "disk", *[str(tmp_path / a) if a == "X" else a for a in argv])
    assert rc != 0 and message in err and err.count("\n") == 1


def test_create_refuses_to_overwrite(disk: Path, capsys) -> None:
    rc, _, err = cli(capsys, "disk", "create", disk)
    assert rc != 0 and "exists" in err
    assert cli(capsys, "disk", "get", disk, "app:shell:k1")[1] == "value 1"
