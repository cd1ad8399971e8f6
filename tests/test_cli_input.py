"""Bad input to the tools is one clear line and a non-zero exit, never a traceback nor an
"internal error": image descriptions that are not UTF-8 or nest too deeply (also in
tests/build/invalid_*.toml), output files in missing directories, an --input file that is
not UTF-8, durations that are not finite, and a reader that stops reading (`| head`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orbital_build.generated import abi

BUILD = [sys.executable, "-m", "orbital_build.cli.build"]
QEMU = [sys.executable, "-m", "orbital_build.cli.qemu"]


def _run(argv: list[str], **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False, **kw)


def _one_line_error(proc: subprocess.CompletedProcess[str], rc: int, text: str) -> None:
    assert proc.returncode == rc, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert text in lines[0], lines[0]


@pytest.fixture
def image(tmp_path: Path) -> Path:
    """A stand-in image (these boots are refused before QEMU starts)."""
    path = tmp_path / "orbital.img"
    path.write_bytes(bytes(64))
    return path


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e999", "soon"])
def test_a_duration_must_be_a_finite_number_of_seconds(image: Path, value: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from orbital_build.cli import build, qemu
    for main, argv in ((qemu.main, ["boot", str(image), "--dry-run", f"--timeout={value}"]),
                       (qemu.main, ["fuzz", f"--timeout={value}"]),
                       (qemu.main, ["bench", f"--timeout={value}"]),
                       (build.main, ["fuzz", f"--time={value}"])):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        err = capsys.readouterr().err
        assert exited.value.code == 2 and len(err.strip().splitlines()) == 1, err
        assert "argument --time" in err and "Traceback" not in err
        assert ("must not be negative" if value == "-1" else "seconds") in err


def test_run_image_refuses_a_timeout_that_never_ends(image: Path) -> None:
    from orbital_build.errors import OrbitalError
    from orbital_build.qemu import run_image
    for value in (float("nan"), float("inf"), -1.0):
        with pytest.raises(OrbitalError, match="not a finite number of seconds"):
            run_image(image, timeout=value, quiet=True)


@pytest.mark.parametrize("flag", ["--log", "--axiom"])
def test_an_output_file_in_a_missing_directory(image: Path, tmp_path: Path, flag: str) -> None:
    target = tmp_path / "no" / "such" / "dir" / "out.log"
    proc = _run(QEMU + ["boot", str(image), flag, str(target), "--timeout", "5"])
    _one_line_error(proc, 2, f"{target}: cannot write the ")
    assert f"no such directory {target.parent}" in proc.stderr
    assert "+ " not in proc.stderr   # refused before QEMU's command line, let alone QEMU


def test_an_input_file_that_is_not_utf8(image: Path, tmp_path: Path) -> None:
    script = tmp_path / "session.txt"
    script.write_bytes(b"help\nkv get caf\xe9\n")
    proc = _run(QEMU + ["boot", str(image), "--input", str(script), "--timeout", "5"])
    _one_line_error(proc, 2, f"{script}: input file: not UTF-8 text (byte 0xe9 at offset 15, "
                             f"line 2)")


def test_an_image_description_that_is_not_utf8_or_nested_too_deeply(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'name = "x"\n\xff\n')
    _one_line_error(_run(BUILD + ["image", str(bad)]), 2,
                    f"{bad}: not UTF-8 text (byte 0xff at offset 11, line 2)")
    for deep in ("[" * 5000 + "]" * 5000, "{a = " * 5000 + "1" + "}" * 5000):
        bad.write_text(f"name = \"x\"\nlimits = {deep}\n")
        _one_line_error(_run(BUILD + ["image", str(bad)]), 2,
                        f"{bad}: invalid TOML: arrays or inline tables nested too deeply")


def _long_log(path: Path, commits: int) -> None:
    """A log long enough that `axiom show` writes far more than a pipe holds."""
    genesis = abi.CommitGenesis(kernel_version="0.1.0", tsc_hz=1, memory_bytes=1 << 28)
    prev, out = bytes(32), bytearray()
    for seq in range(commits):
        env = abi.make_commit_envelope(seq, seq, prev, abi.CommitType.GENESIS,
                                       genesis.encode())
        out += abi.stream_frame(env.encode())
        prev = env.id
    path.write_bytes(bytes(out))


def test_axiom_show_into_a_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    log = tmp_path / "long.axiom"
    _long_log(log, 4000)
    shown = _run(BUILD + ["axiom", "show", str(log)])
    assert shown.returncode == 0 and len(shown.stdout) > 256 * 1024   # > any pipe buffer
    # the reader takes one line and goes away, as `| head -1` does
    proc = subprocess.Popen(BUILD + ["axiom", "show", str(log)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    rc = proc.wait(timeout=60)
    proc.stderr.close()
    assert first.split()[:3] == [b"0", b"0.000000s", b"genesis"]
    assert err == "", err             # no traceback, no "internal error", not a word
    assert rc == 141                  # what a program killed by SIGPIPE reports in a shell
