"""`orbital-build bench`: the JSON it prints, and that the counts repeat exactly."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from orbital_build.cli import run_cli
from orbital_build.emu.bench import BenchCommand
from orbital_build.emu.loader import BuiltImage

pytestmark = pytest.mark.emu

KEYS = ("null_syscall_roundtrip_instructions", "fastpath_call_oneway_instructions",
        "fastpath_roundtrip_instructions", "slowpath_call_8caps_instructions",
        "kernel_text_bytes")


def bench_json(capsys: pytest.CaptureFixture[str]) -> dict[str, float]:
    assert run_cli("orbital-build", "test", [BenchCommand()],
                   ["bench", "--json", "--no-build"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_bench_prints_deterministic_counts(emu_image: Callable[[str], BuiltImage],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("emu-core", "emu-ipc"):
        emu_image(name)                      # built once per session, before --no-build
    first, second = bench_json(capsys), bench_json(capsys)
    for key in KEYS:
        assert isinstance(first[key], int) and first[key] > 0, key
        assert first[key] == second[key], f"{key} is not deterministic"
    assert first["fastpath_call_oneway_instructions"] < first["fastpath_roundtrip_instructions"]
    assert first["fastpath_roundtrip_instructions"] < first["slowpath_call_8caps_instructions"]
