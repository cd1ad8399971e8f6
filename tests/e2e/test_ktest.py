"""The in-image kernel suite and the hostile programs (images/test.toml)."""

from __future__ import annotations

import itertools
import re

import pytest

HOSTILE = {
    "hostile-kwrite": r"#PF page fault at RIP .*write to 0xffffffff80100000.*kernel address",
    "hostile-kread": r"#PF page fault at RIP .*read from 0xffff800000100000.*kernel address",
    "hostile-execdata": r"#PF page fault at RIP .*fetch from .*protection violation",
    "hostile-priv": r"#GP general protection",
    "hostile-noncanon": r"#GP general protection",
    "hostile-stack": r"#PF page fault at RIP .*write to .*not mapped",
    "hostile-int": r"#GP general protection",
}


@pytest.fixture(scope="module", params=["test", "test-kpti"], ids=["plain", "kpti"])
def ktest(request, boot):
    """images/test.toml, and the same kernel with KPTI: everything here holds for both."""
    return boot(request.param, timeout=240)


def test_ktest_passes(ktest) -> None:
    m = re.search(r"ktest: (\d+) passed, (\d+) failed", ktest.output)
    assert m, ktest.output[-3000:]
    failures = [line for line in ktest.output.splitlines() if "ktest: FAIL" in line]
    assert int(m.group(2)) == 0, "\n".join(failures)
    assert int(m.group(1)) >= 100   # 40+ kernel-core cases, 60+ capability and IPC cases
    assert ktest.returncode == 0, ktest.summary


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_program_dies_alone(ktest, name: str) -> None:
    out = ktest.output
    fault = re.search(rf"fault: pid (\d+) \({name}\) thread \d+: (.*)", out)
    assert fault, f"{name} was not stopped by a fault:\n{out[-2000:]}"
    assert re.search(HOSTILE[name], fault.group(2)), fault.group(2)
    assert f"process {fault.group(1)} ({name}) killed by a fault" in out
    assert f"{name}: still alive" not in out
    # the system kept running: the suite's summary comes after the kill
    summary = re.search(r"ktest: \d+ passed", out)
    assert summary and out.index(fault.group(0)) < summary.start()
    assert "KERNEL" not in out


def test_console_lines_name_their_writer(ktest) -> None:
    """debug_write without a console capability (D109): ktest-peer's line written as if
    from init carries the peer's name in front; its own line, already named, is left as
    it is; its flood is written as its lines, and when the budget stopped it the console
    says whose output was dropped (ktest's case checks the amount against the budget)."""
    out = ktest.output
    assert re.search(r"^ktest-peer: init: all services ready \(forged\)$", out, re.MULTILINE)
    assert not re.search(r"^init: all services ready", out, re.MULTILINE)
    assert len(re.findall(r"^ktest-peer: said$", out, re.MULTILINE)) == 1
    m = re.search(r"^ktest: console flood: (\d+) bytes in \d+ ms, (refused|never refused)$",
                  out, re.MULTILINE)
    assert m, out[-3000:]
    flood = re.findall(r"^ktest-peer: f{63}$", out, re.MULTILINE)
    assert len(flood) * 64 == int(m.group(1)) >= 60 * 1024
    notice = re.findall(r"^console: ktest-peer \(pid \d+\) writes over 16 KiB/s; its output "
                        r"is dropped$", out, re.MULTILINE)
    assert len(notice) == (m.group(2) == "refused")


def test_processes_interleave_under_preemption(ktest) -> None:
    lines = [line for line in ktest.output.splitlines() if re.fullmatch(r"spin-[ab] \d", line)]
    assert len(lines) == 12, lines
    who = [line[:6] for line in lines]
    switches = sum(1 for a, b in itertools.pairwise(who) if a != b)
    assert switches >= 3, who   # neither spinner yields: only the timer interleaves them


ELF_REFUSALS = {
    "elf-magic": "bad magic",
    "elf-class": "not an x86_64 little-endian ELF64 executable",
    "elf-machine": "not an x86_64 little-endian ELF64 executable",
    "elf-type": "not an x86_64 little-endian ELF64 executable",
    "elf-phoff": "program header table out of bounds",
    "elf-phnum": "bad program header table",
    "elf-filesz": "segment file range out of bounds",
    "elf-memsz": "absurd segment size",
    "elf-kernel": "segment outside the user ELF area",
    "elf-wrap": "segment outside the user ELF area",
    "elf-wx": "segment both writable and executable",
    "elf-overlap": "overlapping segments",
    "elf-entry": "entry point not in an executable segment",
    "elf-interp": "dynamically linked",
    "elf-short": "shorter than an ELF header",
}


@pytest.mark.parametrize("name", sorted(ELF_REFUSALS))
def test_elf_loader_logs_why_it_refused(ktest, name: str) -> None:
    """ktest spawns each broken image (its case gets EINVAL); the kernel says why."""
    m = re.search(rf"^elf: {name}: refused: (.*)$", ktest.output, re.MULTILINE)
    assert m, f"no refusal logged for {name}"
    assert m.group(1).startswith(ELF_REFUSALS[name])
    assert f"({name})" not in ktest.output   # never became a process
