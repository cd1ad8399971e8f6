"""`orbital-qemu fuzz`: the storm image it builds, and bad arguments."""

from __future__ import annotations

import pytest

from orbital_build.cli.qemu import main
from orbital_build.errors import OrbitalError
from orbital_build.paths import project_root
from orbital_build.qemu.fuzz import IMAGE, storm_description


def test_the_storm_description_sets_calls_and_seed() -> None:
    text = (project_root() / IMAGE).read_text(encoding="utf-8")
    new = storm_description(text, 1_000_000, 7)
    assert 'cmdline = "calls=1000000 seed=7"' in new
    assert new.replace('cmdline = "calls=1000000 seed=7"', "") == \
        text.replace('cmdline = "calls=100000 seed=1"', "")
    with pytest.raises(OrbitalError, match="expected one cmdline line"):
        storm_description("[image]\n", 1, 1)


def test_bad_arguments_are_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", "--calls", "0"]) == 2
    err = capsys.readouterr().err
    assert err == "orbital-qemu: error: --calls must be at least 1 and --seed not negative\n"
