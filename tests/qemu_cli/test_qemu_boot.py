"""`orbital-qemu boot` against a fake QEMU: argv, verdicts, --expect, --timeout, --input."""

from __future__ import annotations

import json
import re
import shlex
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from orbital_build.cli.qemu import main
from orbital_build.qemu import run_image
from orbital_build.qemu.boot import TIMEOUT_RETURNCODE

Fake = Callable[..., Path]  # the fake_qemu fixture: make(steps, status) -> path
Addr = Callable[[Path, str], int]  # the symbol_address fixture


def boot(*args: str) -> int:
    return main(["boot", *args])


def stderr_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line]


def test_dry_run_prints_argv_and_runs_nothing(image: Path, fake_qemu: Fake,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([])
    assert boot(str(image), "--qemu", str(fake), "--dry-run") == 0
    out, err = capfd.readouterr()
    assert out == ""
    [line] = stderr_lines(err)
    assert line.startswith("+ ")
    argv = shlex.split(line[2:])
    assert argv[0] == str(fake)
    assert argv[argv.index("-machine") + 1] == "pc"
    assert argv[argv.index("-cpu") + 1] == "qemu64,+smep,+smap,+rdrand"
    assert argv[argv.index("-m") + 1] == "256M"
    assert "isa-debug-exit,iobase=0xf4,iosize=0x04" in argv
    assert argv[-4:] == ["-serial", "stdio", "-kernel", str(image)]
    assert not Path(f"{fake}.argv.json").exists()


def test_dry_run_gdb_and_append(image: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(image), "--dry-run", "--gdb", "--append=-d", "--append=int") == 0
    argv = shlex.split(capfd.readouterr().err.strip()[2:])
    assert argv[0] == "qemu-system-x86_64"
    assert argv[-5:] == ["-gdb", "tcp:127.0.0.1:1234", "-S", "-d", "int"]
    assert boot(str(image), "--dry-run", "--gdb", "4321") == 0
    assert "tcp:127.0.0.1:4321" in capfd.readouterr().err


def test_dry_run_does_not_need_the_image(tmp_path: Path,
                                         capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(tmp_path / "nope.img"), "--dry-run") == 0
    assert capfd.readouterr().err.startswith("+ qemu-system-x86_64 ")


def test_argv_printed_first_and_run_as_printed(image: Path, fake_qemu: Fake,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["out", "hello\n"]], status=33)
    assert boot(str(image), "--qemu", str(fake), "--append=-d", "--append=int") == 0
    out, err = capfd.readouterr()
    first = stderr_lines(err)[0]
    assert first.startswith("+ ")
    ran = json.loads(Path(f"{fake}.argv.json").read_text())
    assert shlex.split(first[2:]) == [str(fake), *ran]
    assert ran[-2:] == ["-d", "int"]
    assert out == "hello\n"


@pytest.mark.parametrize(("status", "rc", "message"), [
    (33, 0, "guest reported success (QEMU exit 33)"),
    (35, 1, "guest reported failure (QEMU exit 35)"),
    (0, 1, "guest powered off or triple-faulted (QEMU exit 0 is not success)"),
    (1, 1, "QEMU exited with status 1"),
    (37, 1, "QEMU exited with status 37 (guest wrote 0x12 to debug-exit)"),
])
def test_exit_status_mapping(image: Path, fake_qemu: Fake, status: int, rc: int,
                             message: str, capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["out", "booting\n"]], status=status)
    assert boot(str(image), "--qemu", str(fake)) == rc
    lines = stderr_lines(capfd.readouterr().err)
    assert lines[-2] == f"orbital-qemu: {message}"
    assert re.fullmatch(r"qemu: \d+\.\d{3} s", lines[-1])


def test_expect_succeeds_early_and_stops_qemu(image: Path, fake_qemu: Fake,
                                              capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["out", "kernel up\n"], ["sleep", 0.1], ["out", "tests: 12 passed\n"],
                      ["sleep", 30]], status=0)
    start = time.monotonic()
    assert boot(str(image), "--qemu", str(fake), "--expect", r"tests: \d+ passed",
                "--expect", "^kernel up$") == 0
    assert time.monotonic() - start < 5
    out, err = capfd.readouterr()
    assert out == "kernel up\ntests: 12 passed\n"
    assert "saw all 2 expected pattern(s)" in err


def test_expect_missing_when_qemu_exits(image: Path, fake_qemu: Fake,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["out", "kernel up\n"]], status=33)
    assert boot(str(image), "--qemu", str(fake), "--expect", "kernel up",
                "--expect", "shell ready", "--expect", "never") == 1
    line = stderr_lines(capfd.readouterr().err)[-2]
    assert line == ("orbital-qemu: QEMU stopped (guest reported success (QEMU exit 33)) "
                    "before the guest printed 'shell ready', 'never'")


def test_timeout_exits_124_quickly(image: Path, fake_qemu: Fake,
                                   capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["out", "spinning\norbital> "], ["sleep", 30]])
    start = time.monotonic()
    assert boot(str(image), "--qemu", str(fake), "--timeout", "0.5") == TIMEOUT_RETURNCODE
    assert time.monotonic() - start < 5
    out, err = capfd.readouterr()
    assert out == "spinning\norbital> \n"  # the unfinished prompt line is ended
    assert "orbital-qemu: timeout after 0.5 s" in err


def test_timeout_kills_a_qemu_that_ignores_sigterm(image: Path,
                                                   fake_qemu: Fake) -> None:
    fake = fake_qemu([["ignore_term"], ["out", "stuck\n"], ["sleep", 30]])
    start = time.monotonic()
    result = run_image(image, qemu=str(fake), timeout=0.5, kill_grace=0.2, quiet=True)
    assert result.returncode == TIMEOUT_RETURNCODE and result.timed_out
    assert result.qemu_status == -9
    assert time.monotonic() - start < 5


def test_input_lines_follow_prompts(image: Path, tmp_path: Path, fake_qemu: Fake,
                                    capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([
        ["out", "booting\n"], ["sleep", 0.2], ["early"],
        ["out", "orbital> "], ["read"],
        ["sleep", 0.2], ["early"], ["out", "orbital> "], ["read"],
        ["sleep", 0.2], ["out", "orbital> "], ["sleep", 0.3],  # input is used up: keep going
    ], status=33)
    script = tmp_path / "session.txt"
    script.write_text("help\nps -a\n")
    assert boot(str(image), "--qemu", str(fake), "--input", str(script)) == 0
    out, _ = capfd.readouterr()
    assert "EARLY INPUT" not in out
    assert out == "booting\norbital> got 'help'\norbital> got 'ps -a'\norbital> \n"


def test_input_with_custom_prompt_via_api(image: Path, fake_qemu: Fake) -> None:
    fake = fake_qemu([["out", "$ "], ["read"], ["out", "$ "], ["read"]], status=33)
    result = run_image(image, qemu=str(fake), input_lines=["a", "b"], prompt=r"\$ ",
                       quiet=True, timeout=10)
    assert result.ok
    assert result.output == "$ got 'a'\n$ got 'b'\n"


def test_run_image_result_fields(image: Path, fake_qemu: Fake) -> None:
    fake = fake_qemu([["out", "one\r\ntwo\r\n"]], status=35)
    result = run_image(image, qemu=str(fake), expect=["never"], quiet=True, timeout=10)
    assert result.returncode == 1
    assert result.output == "one\r\ntwo\r\n"
    assert result.qemu_status == 35
    assert result.matched == {} and result.missing == ("never",)
    assert result.elapsed_s > 0
    assert result.argv[-1] == str(image)
    result = run_image(image, qemu=str(fake), expect=["^two$"], quiet=True, timeout=10)
    assert result.ok and result.matched == {"^two$": "two"}


def test_log_raw_and_quiet(image: Path, tmp_path: Path, fake_qemu: Fake,
                           capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["out", "raw\r\nline\r\n"]], status=33)
    log = tmp_path / "serial.log"
    assert boot(str(image), "--qemu", str(fake), "--log", str(log), "--quiet") == 0
    assert capfd.readouterr().out == ""
    assert log.read_bytes() == b"raw\r\nline\r\n"


def test_echo_is_symbolized(image: Path, fake_qemu: Fake,
                            probe_elf: tuple[Path, Path], symbol_address: Addr,
                            capfd: pytest.CaptureFixture[str]) -> None:
    elf, _ = probe_elf
    (image.parent / "image.json").write_text(json.dumps({"kernel_elf": str(elf)}))
    target = symbol_address(elf, "probe_target") + 4
    fake = fake_qemu([["out", f"panic: rip={target:#018x}\n"]], status=35)
    assert boot(str(image), "--qemu", str(fake)) == 1
    out = capfd.readouterr().out
    assert out.startswith(f"panic: rip={target:#018x} <probe_target+0x4 (")


def test_qemu_from_environment(image: Path, fake_qemu: Fake,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_qemu([], status=33)
    monkeypatch.setenv("ORBITAL_QEMU", str(fake))
    assert boot(str(image)) == 0
    assert Path(f"{fake}.argv.json").exists()


def test_missing_qemu_binary(image: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert boot(str(image)) == 2
    assert stderr_lines(capfd.readouterr().err)[-1] == (
        "orbital-qemu: error: qemu-system-x86_64 not found: install it with "
        "`sudo apt-get install -y qemu-system-x86` (Debian/Ubuntu)")


def test_missing_image(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(tmp_path / "build" / "small" / "orbital.img")) == 2
    [line] = stderr_lines(capfd.readouterr().err)
    assert line.startswith("orbital-qemu: error: ")
    assert "no such image" in line
    assert "`orbital-build image images/small.toml`" in line


def test_bad_profile_is_one_line_exit_2(image: Path, tmp_path: Path,
                                        capfd: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('machine = "pc"\ncpu = "qemu64"\nmemory = "64M"\n'
                   "[debug-exit]\nsucess = 16\n")
    assert boot(str(image), "--profile", str(bad)) == 2
    [line] = stderr_lines(capfd.readouterr().err)
    assert line.startswith("orbital-qemu: error: ")
    assert line.endswith("bad.toml: unknown key 'debug-exit.sucess'")


def test_profile_named_in_image_json(image: Path, tmp_path: Path,
                                     capfd: pytest.CaptureFixture[str]) -> None:
    custom = tmp_path / "custom.toml"
    custom.write_text('machine = "q35"\ncpu = "max"\nmemory = "1G"\nsmp = 2\n')
    (image.parent / "image.json").write_text(json.dumps({"profile": str(custom)}))
    assert boot(str(image), "--dry-run") == 0
    argv = shlex.split(capfd.readouterr().err.strip()[2:])
    assert argv[1:9] == ["-machine", "q35", "-cpu", "max", "-m", "1G", "-smp", "2"]


def test_invalid_expect_regex(image: Path, fake_qemu: Fake,
                              capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(image), "--qemu", str(fake_qemu([])), "--expect", "(") == 2
    assert "--expect '(': invalid regular expression" in capfd.readouterr().err


def test_qemu_stderr_passed_through(image: Path, fake_qemu: Fake,
                                    capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["err", "qemu-system-x86_64: warning: something\n"],
                      ["err", "qemu-system-x86_64: terminating on signal 15 from pid {ppid} (x)\n"],
                      ["err", "no newline"]], status=33)
    result = run_image(image, qemu=str(fake), quiet=True, timeout=10)
    assert result.ok
    assert result.qemu_stderr.startswith("qemu-system-x86_64: warning: something\n")
    assert result.qemu_stderr.endswith("no newline\n")
    err = capfd.readouterr().err
    assert "warning: something" in err and "no newline" in err
    assert "terminating on signal" not in err  # our own stop is not news


def test_gdb_waits_without_timeout(image: Path, fake_qemu: Fake,
                                   capfd: pytest.CaptureFixture[str]) -> None:
    fake = fake_qemu([["sleep", 0.4]], status=33)
    assert boot(str(image), "--qemu", str(fake), "--gdb", "5555", "--timeout", "0.1") == 0
    ran = json.loads(Path(f"{fake}.argv.json").read_text())
    assert ran[-3:] == ["-gdb", "tcp:127.0.0.1:5555", "-S"]
    hint = f"gdb {image.parent / 'kernel.elf'} -ex 'target remote 127.0.0.1:5555'"
    assert hint in capfd.readouterr().err


def test_dry_run_net_user_is_restricted_with_explicit_forwards(
        image: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(image), "--dry-run", "--net",
                "user,hostfwd=tcp:127.0.0.1:5555-:80,guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:8000"
                ) == 0
    argv = shlex.split(capfd.readouterr().err.strip()[2:])
    assert argv[argv.index("-netdev") + 1] == (
        "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:5555-:80,"
        "guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:8000")
    assert argv[argv.index("-device", argv.index("-netdev")) + 1] == (
        "virtio-net-pci,netdev=net0,disable-legacy=on,mac=52:54:00:4f:52:42,romfile=")
    assert boot(str(image), "--dry-run", "--net", "user") == 0
    argv = shlex.split(capfd.readouterr().err.strip()[2:])
    assert argv[argv.index("-netdev") + 1] == "user,id=net0,restrict=on"


def test_dry_run_net_tap(image: Path, capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(image), "--dry-run", "--net", "tap:orbtap0") == 0
    argv = shlex.split(capfd.readouterr().err.strip()[2:])
    assert argv[argv.index("-netdev") + 1] == \
        "tap,id=net0,ifname=orbtap0,script=no,downscript=no"


@pytest.mark.parametrize("spec,why", [
    ("slirp", "expected 'user"),
    ("user,restrict=off", "unknown option 'restrict=off'"),
    ("user,hostfwd=tcp:0.0.0.0:5555-:80", "127.0.0.1 only"),
    ("user,hostfwd=tcp::5555-:80", "127.0.0.1 only"),
    ("user,guestfwd=tcp:10.0.2.100:80-tcp:192.0.2.1:80", "127.0.0.1 only"),
    ("user,guestfwd=tcp:10.0.2.100:80-cmd:nc x 80", "127.0.0.1 only"),
    ("user,hostfwd=tcp:127.0.0.1:70000-:80", "127.0.0.1 only"),
    ("tap:", "TAP device name"),
    ("tap:a,script=/bin/sh", "TAP device name"),
    ("tap:" + "x" * 16, "TAP device name"),
])
def test_bad_net_specs_are_one_line_exit_2(image: Path, spec: str, why: str,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(image), "--dry-run", "--net", spec) == 2
    [line] = stderr_lines(capfd.readouterr().err)
    assert why in line and "Traceback" not in line, line
def test_dry_run_shows_the_disk_and_creates_nothing(image: Path, tmp_path: Path,
                                                    capfd: pytest.CaptureFixture[str]) -> None:
    disk = tmp_path / "my,disk.img"
    assert boot(str(image), "--dry-run", "--disk", str(disk)) == 0
    argv = shlex.split(capfd.readouterr().err.strip()[2:])
    drive = argv[argv.index("-drive") + 1]
    assert drive == f"file={str(disk).replace(',', ',,')},if=none,format=raw,id=disk0"
    assert argv[argv.index("-device", argv.index("-drive")) + 1] == \
        "virtio-blk-pci,drive=disk0,disable-legacy=on"      # modern virtio only
    assert not disk.exists()


def test_a_missing_disk_is_created_empty_and_kept(image: Path, tmp_path: Path, fake_qemu: Fake,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    from orbital_build.storage.scan import read_disk
    disk = tmp_path / "disk.img"
    fake = fake_qemu([], status=33)
    assert boot(str(image), "--qemu", str(fake), "--disk", str(disk)) == 0
    assert f"created {disk}" in capfd.readouterr().err
    assert disk.stat().st_size == 64 << 20
    assert read_disk(disk).entries == {}                  # an empty Storage disk
    ran = json.loads(Path(f"{fake}.argv.json").read_text())
    assert f"file={disk},if=none,format=raw,id=disk0" in ran
    disk.write_bytes(b"\x5a" * 4096)                      # used as it is from now on
    assert boot(str(image), "--qemu", str(fake), "--disk", str(disk)) == 0
    assert "qemu: created" not in capfd.readouterr().err
    assert disk.read_bytes() == b"\x5a" * 4096


def test_a_disk_that_is_no_file_is_refused(image: Path, tmp_path: Path, fake_qemu: Fake,
                                          capfd: pytest.CaptureFixture[str]) -> None:
    assert boot(str(image), "--qemu", str(fake_qemu([])), "--disk", str(tmp_path)) == 2
    [line] = stderr_lines(capfd.readouterr().err)[-1:]
    assert "not a regular file" in line


def test_machine_secret_goes_through_fw_cfg(image: Path, tmp_path: Path, fake_qemu: Fake,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a,b.secret"
    path.write_bytes(bytes(range(32)))
    fake = fake_qemu([])
    assert boot(str(image), "--qemu", str(fake), "--machine-secret", str(path)) == 0
    argv = json.loads(Path(f"{fake}.argv.json").read_text())
    i = argv.index("-fw_cfg")
    assert argv[i + 1] == f"name=opt/orbital/machine-secret,file={tmp_path}/a,,b.secret"
    capfd.readouterr()


@pytest.mark.parametrize("size", [0, 15, 257])
def test_bad_machine_secret_is_one_line_exit_2(image: Path, tmp_path: Path, size: int,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "short.secret"
    path.write_bytes(b"x" * size)
    assert boot(str(image), "--machine-secret", str(path)) == 2
    [line] = stderr_lines(capfd.readouterr().err)
    assert line == (f"orbital-qemu: error: {path}: a machine secret is 16-256 bytes, "
                    f"not {size}")
    assert boot(str(image), "--machine-secret", str(tmp_path / "missing")) == 2
    [line] = stderr_lines(capfd.readouterr().err)
    assert line.endswith("missing: cannot read machine secret: No such file or directory")


def test_a_disk_gets_its_own_machine_secret(image: Path, tmp_path: Path, fake_qemu: Fake,
                                            capfd: pytest.CaptureFixture[str]) -> None:
    disk = tmp_path / "disk.img"
    fake = fake_qemu([], status=33)
    assert boot(str(image), "--qemu", str(fake), "--disk", str(disk)) == 0
    made = disk.with_name("disk.img.secret")
    assert f"created {made} (the disk's machine secret)" in capfd.readouterr().err
    assert len(made.read_bytes()) == 32 and made.stat().st_mode & 0o777 == 0o600
    first = made.read_bytes()
    ran = json.loads(Path(f"{fake}.argv.json").read_text())
    assert ran[ran.index("-fw_cfg") + 1] == f"name=opt/orbital/machine-secret,file={made}"
    assert boot(str(image), "--qemu", str(fake), "--disk", str(disk)) == 0
    assert made.read_bytes() == first                     # one secret per disk, kept
    other = tmp_path / "other.secret"
    other.write_bytes(bytes(32))
    assert boot(str(image), "--qemu", str(fake), "--disk", str(disk), "--machine-secret",
                str(other)) == 0
    ran = json.loads(Path(f"{fake}.argv.json").read_text())
    assert ran[ran.index("-fw_cfg") + 1] == f"name=opt/orbital/machine-secret,file={other}"
    assert made.read_bytes() == first
