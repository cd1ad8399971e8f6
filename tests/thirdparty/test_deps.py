"""The third-party dependency mechanism (orbital_build/thirdparty): the lock file's
checks, fetch into the cache, sha256 verification before anything is unpacked, the cache
that makes a second set-up fetch nothing, and the private apt configuration.

Registry access is replaced by fakes here (a fake `pip download`, a fake `apt-get` on
PATH) except in the last tests, which fetch the real locked libsodium from Debian the
way `./orbital setup` does (network to the package registries only, as in CI)."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from orbital_build.errors import OrbitalError
from orbital_build.thirdparty.apt import PrivateApt, system_sources
from orbital_build.thirdparty.lock import LOCK_PATH, load_lock
from orbital_build.thirdparty.store import STAMP, ChecksumError, Store

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
INVALID = sorted(HERE.glob("invalid_lock_*.toml"))


def _sdist(files: dict[str, bytes], top: str = "zlib-1.3") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _project(tmp: Path, lock_text: str) -> Path:
    """A minimal Orbital tree (what project_root recognises) holding `lock_text`."""
    (tmp / "kernel_image").mkdir(parents=True, exist_ok=True)
    (tmp / "pyproject.toml").write_text("")
    lock = tmp / LOCK_PATH
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(lock_text)
    return tmp


def _pypi_lock(sdist: bytes) -> str:
    sha = hashlib.sha256(sdist).hexdigest()
    return ('[library.zlib]\nversion = "1.3"\nlicence = "Zlib"\norigin = "pypi"\n'
            f'files = [{{ name = "zlib-1.3.tar.gz", sha256 = "{sha}" }}]\n')


def _deps(root: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ORBITAL_ROOT=str(root))
    env.pop("ORBITAL_THIRD_PARTY_CACHE", None)
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "deps", *args],
                          capture_output=True, text=True, timeout=600, env=env, check=False)


def test_corpus_is_not_empty() -> None:
    assert len(INVALID) >= 12


@pytest.mark.parametrize("case", INVALID, ids=lambda p: p.stem)
def test_invalid_lock_is_one_line_and_exit_2(case: Path, tmp_path: Path) -> None:
    expected = case.read_text().splitlines()[0].removeprefix("# error: ")
    root = _project(tmp_path, case.read_text())
    proc = _deps(root, "list")
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert expected in lines[0] and "lock.toml" in lines[0], lines[0]


def test_the_project_lock_names_every_library_with_origin_hash_and_licence() -> None:
    libs = load_lock(ROOT / LOCK_PATH)
    assert set(libs) == {"libsodium", "lwip", "bearssl"}
    for lib in libs.values():
        assert lib.licence and lib.origin == "debian" and lib.suite == "bookworm"
        assert any(a.name.endswith(".dsc") for a in lib.files)
    assert all(lib.build is not None for lib in libs.values())


def test_an_image_naming_a_fetch_only_library_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path, _pypi_lock(_sdist({"a.c": b""})))
    image = root / "images" / "uses-zlib.toml"
    image.parent.mkdir()
    (root / "tests" / "programs" / "x").mkdir(parents=True)
    image.write_text('[[service]]\nname = "init"\nsource = "tests/programs/x"\n'
                     'libraries = ["zlib"]\n')
    env = dict(os.environ, ORBITAL_ROOT=str(root))
    proc = subprocess.run([sys.executable, "-m", "orbital_build.cli.build", "image", str(image)],
                          capture_output=True, text=True, timeout=60, env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "library 'zlib' is locked for fetching only" in lines[0], lines[0]


def test_unknown_library_names_the_locked_ones(tmp_path: Path) -> None:
    root = _project(tmp_path, _pypi_lock(_sdist({"a.c": b""})))
    proc = _deps(root, "verify", "nacl")
    assert proc.returncode == 2
    assert "no library 'nacl'" in proc.stderr and "locked: zlib" in proc.stderr


def _store(tmp_path: Path, sdist: bytes, served: bytes, calls: list[str]) -> tuple[Store, object]:
    root = _project(tmp_path, _pypi_lock(sdist))
    store = Store(root, log=lambda _msg: None)
    lib = load_lock(root / LOCK_PATH)["zlib"]

    def fake_pip(lib_, stage: Path) -> None:
        calls.append(lib_.package)
        (stage / "zlib-1.3.tar.gz").write_bytes(served)

    store._pip_download = fake_pip  # type: ignore[method-assign]
    return store, lib


def test_fetch_verifies_caches_and_unpacks_once(tmp_path: Path) -> None:
    sdist = _sdist({"zlib.c": b"int z;\n", "zlib.h": b"#pragma once\n"})
    calls: list[str] = []
    store, lib = _store(tmp_path, sdist, sdist, calls)
    assert store.fetch(lib) is True and calls == ["zlib"]
    assert (store.cache_dir(lib) / "zlib-1.3.tar.gz").read_bytes() == sdist
    tree = store.unpack(lib)
    assert tree == tmp_path / "build/third_party/zlib-1.3"
    assert (tree / "zlib.c").read_bytes() == b"int z;\n" and (tree / STAMP).is_file()
    # a second set-up: nothing fetched, nothing unpacked again
    (tree / "marker").write_text("kept")
    assert store.fetch(lib) is False and calls == ["zlib"]
    assert store.unpack(lib) == tree and (tree / "marker").read_text() == "kept"


def test_a_download_that_does_not_match_is_refused_and_not_kept(tmp_path: Path) -> None:
    sdist = _sdist({"zlib.c": b"int z;\n"})
    evil = _sdist({"zlib.c": b"int z = BACKDOOR;\n"})
    store, lib = _store(tmp_path, sdist, evil, [])
    with pytest.raises(ChecksumError) as e:
        store.fetch(lib)
    msg = str(e.value)
    assert "sha256 mismatch for zlib-1.3.tar.gz" in msg and "\n" not in msg
    assert hashlib.sha256(evil).hexdigest() in msg
    assert not (store.cache_dir(lib) / "zlib-1.3.tar.gz").exists()
    assert not store.source_dir(lib).exists()


def test_a_corrupted_cache_is_not_unpacked(tmp_path: Path) -> None:
    sdist = _sdist({"zlib.c": b"int z;\n"})
    store, lib = _store(tmp_path, sdist, sdist, [])
    store.fetch(lib)
    cached = store.cache_dir(lib) / "zlib-1.3.tar.gz"
    cached.write_bytes(sdist[:-1] + bytes([sdist[-1] ^ 1]))
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        store.unpack(lib)
    assert not store.source_dir(lib).exists()
    root = tmp_path
    proc = _deps(root, "verify")
    assert proc.returncode == 2 and "sha256 mismatch" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_tree_whose_stamp_disagrees_is_unpacked_afresh(tmp_path: Path) -> None:
    sdist = _sdist({"zlib.c": b"int z;\n"})
    store, lib = _store(tmp_path, sdist, sdist, [])
    store.fetch(lib)
    tree = store.unpack(lib)
    (tree / "zlib.c").write_text("edited by hand")
    (tree / STAMP).write_text("{}")       # an unpack interrupted or from another lock
    assert store.unpack(lib) == tree
    assert (tree / "zlib.c").read_bytes() == b"int z;\n"


def test_a_lock_whose_hash_changed_for_a_cached_file_is_an_error(tmp_path: Path) -> None:
    old = _sdist({"zlib.c": b"old\n"})
    store, lib = _store(tmp_path, old, old, [])
    store.fetch(lib)
    new = _sdist({"zlib.c": b"new\n"})
    store2, lib2 = _store(tmp_path, new, new, [])
    with pytest.raises(ChecksumError, match="sha256 mismatch"):
        store2.fetch(lib2)


def test_an_archive_escaping_its_folder_is_refused(tmp_path: Path) -> None:
    bad = _sdist({"zlib-1.3/../../escape.c": b"x"}, top="")
    store, lib = _store(tmp_path, bad, bad, [])
    store.fetch(lib)
    with pytest.raises(OrbitalError, match="cannot unpack"):
        store.unpack(lib)
    assert not (tmp_path / "build/escape.c").exists()
    assert not store.source_dir(lib).exists()


def test_system_sources_reads_both_formats_and_keeps_the_suite(tmp_path: Path) -> None:
    etc = tmp_path / "apt"
    (etc / "sources.list.d").mkdir(parents=True)
    (etc / "sources.list").write_text(
        "# a comment\n"
        "deb [arch=amd64 signed-by=/usr/share/keyrings/a.gpg] http://mirror.test/debian "
        "bookworm main\n"
        "deb http://other.test/debian trixie main\n")
    (etc / "sources.list.d" / "debian.sources").write_text(
        "Types: deb\nURIs: http://deb.test/debian\nSuites: bookworm bookworm-updates\n"
        "Components: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
        "Types: deb\nURIs: http://off.test/debian\nSuites: bookworm\nEnabled: no\n")
    (etc / "sources.list.d" / "x.sources.disabled").write_text(
        "Types: deb\nURIs: http://disabled.test/\nSuites: bookworm\n")
    found = system_sources("bookworm", etc)
    assert [(s.uri, s.signed_by) for s in found] == [
        ("http://mirror.test/debian", "/usr/share/keyrings/a.gpg"),
        ("http://deb.test/debian", "/usr/share/keyrings/debian-archive-keyring.gpg")]
    assert system_sources("sid", etc) == []
    with pytest.raises(OrbitalError, match="no Debian archive serving suite 'sid'"):
        PrivateApt(tmp_path / "home", "sid", [])


FAKE_APT = """#!/bin/sh
# a stand-in for apt-get: records its arguments; `source` writes the files it was told to
echo "$@" >> "$FAKE_APT_LOG"
case "$*" in *" source "*) printf '%s' "$FAKE_APT_DSC" > fake_1.0-1.dsc ;; esac
exit 0
"""


def test_debian_fetch_uses_only_a_private_apt_configuration(tmp_path: Path) -> None:
    dsc = b"Format: 3.0 (quilt)\nSource: fake\n"
    sha = hashlib.sha256(dsc).hexdigest()
    root = _project(tmp_path / "tree",
                    '[library.fake]\nversion = "1.0-1"\nlicence = "MIT"\norigin = "debian"\n'
                    'suite = "bookworm"\n'
                    f'files = [{{ name = "fake_1.0-1.dsc", sha256 = "{sha}" }}]\n')
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text(FAKE_APT)
    (bin_dir / "apt-get").chmod(0o755)
    log = tmp_path / "apt.log"
    os.environ["FAKE_APT_LOG"], os.environ["FAKE_APT_DSC"] = str(log), dsc.decode()
    try:
        store = Store(root, log=lambda _m: None)
        lib = load_lock(root / LOCK_PATH)["fake"]
        path = os.environ["PATH"]
        os.environ["PATH"] = f"{bin_dir}:{path}"
        try:
            assert store.fetch(lib) is True
        finally:
            os.environ["PATH"] = path
    finally:
        del os.environ["FAKE_APT_LOG"], os.environ["FAKE_APT_DSC"]
    update, source = log.read_text().splitlines()
    home = root / "build/third_party/apt/bookworm"
    for call in (update, source):
        assert f"Dir::State::Lists={home}/lists" in call
        assert f"Dir::Etc::SourceParts={home}/sources.list.d" in call
        assert f"Dir::Cache={home}/cache" in call
    assert update.endswith(" update") and source.endswith("source --download-only fake=1.0-1")
    parts = (home / "sources.list.d" / "orbital.sources").read_text()
    assert "Types: deb-src" in parts and "Suites: bookworm" in parts
    assert (store.cache_dir(lib) / "fake_1.0-1.dsc").read_bytes() == dsc


def test_real_libsodium_fetch_then_cache_only(tmp_path: Path) -> None:
    """The locked libsodium from Debian: fetched (or already cached), verified, unpacked;
    then with apt-get made to fail, a second fetch still succeeds from the cache alone."""
    first = _deps(ROOT, "fetch", "libsodium")
    assert first.returncode == 0, first.stderr
    assert "libsodium 1.0.18-1+deb12u1:" in first.stdout
    tree = ROOT / "build/third_party/libsodium-1.0.18-1+deb12u1"
    assert (tree / "src/libsodium/include/sodium.h").is_file()
    # Debian's security patch was applied on unpacking (dpkg-source)
    assert "fe25519_iszero(t)" in (
        tree / "src/libsodium/crypto_core/ed25519/ref10/ed25519_ref10.c").read_text()
    verify = _deps(ROOT, "verify", "libsodium")
    assert verify.returncode == 0 and "3 file(s) match the lock" in verify.stdout
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho 'E: offline' >&2\nexit 100\n")
    (bin_dir / "apt-get").chmod(0o755)
    again = _deps(ROOT, "fetch", "libsodium", path=f"{bin_dir}:{os.environ['PATH']}")
    assert again.returncode == 0, again.stderr
    assert "cached" in again.stdout and "fetching" not in again.stderr
