"""Machine profiles: the shipped default, lookup by name or path, and the bad-input corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbital_build.errors import OrbitalError
from orbital_build.paths import project_root
from orbital_build.qemu.profile import load_profile, parse_profile

CORPUS = Path(__file__).parent / "profiles"


def test_default_profile() -> None:
    profile = load_profile("default")
    assert profile.path == project_root() / "qemu" / "default.toml"
    assert profile.binary == "qemu-system-x86_64"
    assert profile.machine == "pc"
    assert profile.cpu == "qemu64,+smep,+smap,+rdrand"
    assert (profile.memory, profile.smp) == ("256M", 1)
    assert profile.extra_args == ("-display", "none", "-no-reboot", "-monitor", "none",
                                  "-device", "virtio-rng-pci,disable-legacy=on")
    assert profile.debug_exit.success_status == 33
    assert profile.debug_exit.failure_status == 35
    assert profile.machine_args()[-2:] == ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def test_entropy_profiles() -> None:
    """rng-only: the virtio-rng without RDRAND; no-entropy: neither."""
    rng, none = load_profile("rng-only"), load_profile("no-entropy")
    assert "rdrand" not in rng.cpu and "rdrand" not in none.cpu
    assert "virtio-rng-pci,disable-legacy=on" in rng.extra_args
    assert not any("virtio-rng" in a for a in none.extra_args)


def test_optional_keys_default() -> None:
    profile = parse_profile('machine = "q35"\ncpu = "max"\nmemory = "1G"\n', "x.toml")
    assert profile.name == "x"
    assert (profile.binary, profile.smp, profile.extra_args) == ("qemu-system-x86_64", 1, ())
    assert profile.debug_exit.success == 0x10


def test_profile_by_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('machine = "pc"\ncpu = "qemu64"\nmemory = "64M"\n[debug-exit]\niosize = 1\n')
    assert load_profile(str(path)).debug_exit.device_arg() == \
        "isa-debug-exit,iobase=0xf4,iosize=0x01"


def test_unknown_profile_name_lists_the_known_ones() -> None:
    with pytest.raises(OrbitalError, match=r"no QEMU profile 'nosuch' .*available: .*default"):
        load_profile("nosuch")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("invalid_*.toml")), ids=lambda p: p.stem)
def test_invalid_profile(path: Path) -> None:
    first = path.read_bytes().splitlines()[0].decode()   # some cases are not UTF-8 after it
    assert first.startswith("# error: ")
    with pytest.raises(OrbitalError) as info:
        load_profile(path)
    message = str(info.value)
    assert "\n" not in message and info.value.returncode == 2
    assert message.split(": ")[0].endswith(path.name)  # the file comes first
    assert first.removeprefix("# error: ") in message
