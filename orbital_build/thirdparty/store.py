"""Fetch, verify, cache and unpack the locked libraries.

    build/third_party/cache/<name>-<version>/<artifact>   what the registry served
    build/third_party/<name>-<version>/                    the unpacked source tree

A library is fetched only when its cache directory lacks an artifact; every artifact is
hashed against the lock before anything is unpacked, and a download that does not match
is deleted, so the cache only ever holds files the lock vouches for. Unpacking goes to a
temporary directory renamed into place, with a stamp naming the artifacts' hashes: a tree
whose stamp disagrees with the lock is unpacked again. `ORBITAL_THIRD_PARTY_CACHE` moves
the cache (one cache for several worktrees).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from ..errors import OrbitalError
from .apt import PrivateApt, system_sources
from .lock import Library

STAMP = ".orbital-unpacked"


class ChecksumError(OrbitalError):
    pass


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Store:
    """The third-party area of one build tree."""

    def __init__(self, root: Path, cache: Path | None = None, log=None) -> None:
        self.base = root / "build" / "third_party"
        env = os.environ.get("ORBITAL_THIRD_PARTY_CACHE")
        self.cache = cache or (Path(env) if env else self.base / "cache")
        self.log = log or (lambda msg: print(msg, file=sys.stderr))
        self._apt: dict[str, PrivateApt] = {}

    # --- paths ------------------------------------------------------------------------
    def cache_dir(self, lib: Library) -> Path:
        return self.cache / lib.dirname

    def source_dir(self, lib: Library) -> Path:
        return self.base / lib.dirname

    # --- checking ---------------------------------------------------------------------
    def missing(self, lib: Library) -> list[str]:
        d = self.cache_dir(lib)
        return [a.name for a in lib.files if not (d / a.name).is_file()]

    def verify(self, lib: Library, where: Path | None = None) -> None:
        """Every artifact present and matching the lock; else one ChecksumError."""
        d = where or self.cache_dir(lib)
        for a in lib.files:
            p = d / a.name
            if not p.is_file():
                raise ChecksumError(f"{lib.name} {lib.version}: {a.name} is not in the cache "
                                    f"({self.cache_dir(lib)}); run `orbital-build deps fetch`")
            got = sha256_file(p)
            if got != a.sha256:
                raise ChecksumError(f"{lib.name} {lib.version}: sha256 mismatch for {a.name}: "
                                    f"lock says {a.sha256}, file has {got}")

    # --- fetching ---------------------------------------------------------------------
    def fetch(self, lib: Library) -> bool:
        """Make the cache hold `lib`'s artifacts; returns True if anything was downloaded."""
        if not self.missing(lib):
            self.verify(lib)
            return False
        self.cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache, prefix=".fetch-") as tmp:
            stage = Path(tmp)
            self.log(f"fetching {lib.name} {lib.version} ({lib.coordinates})")
            if lib.origin == "debian":
                self._apt_for(lib.suite).download_source(lib.package, lib.version, stage)
            else:
                self._pip_download(lib, stage)
            self.verify(lib, stage)          # a bad download dies with the temp dir
            dest = self.cache_dir(lib)
            dest.mkdir(parents=True, exist_ok=True)
            for a in lib.files:
                os.replace(stage / a.name, dest / a.name)
        return True

    def _apt_for(self, suite: str) -> PrivateApt:
        if suite not in self._apt:
            self._apt[suite] = PrivateApt(self.base / "apt" / suite, suite, system_sources(suite))
        return self._apt[suite]

    def _pip_download(self, lib: Library, stage: Path) -> None:
        # --no-binary only for this project: its build backend may still come as a wheel
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "--no-binary", lib.package, "-d", str(stage), f"{lib.package}=={lib.version}"]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=900)
        except subprocess.TimeoutExpired:
            raise OrbitalError(f"pip download {lib.package} took longer than 900 s") from None
        if proc.returncode != 0:
            lines = [ln for ln in proc.stderr.splitlines() if "ERROR" in ln] or \
                proc.stderr.strip().splitlines() or ["no output"]
            raise OrbitalError(f"pip download {lib.package}=={lib.version} failed: {lines[-1]}")

    # --- unpacking --------------------------------------------------------------------
    def _stamp(self, lib: Library) -> str:
        return json.dumps({"version": lib.version,
                           "files": {a.name: a.sha256 for a in lib.files}}, sort_keys=True)

    def is_unpacked(self, lib: Library) -> bool:
        stamp = self.source_dir(lib) / STAMP
        return stamp.is_file() and stamp.read_text() == self._stamp(lib)

    def unpack(self, lib: Library) -> Path:
        """The unpacked tree of `lib` (verified artifacts only), unpacking if needed."""
        dest = self.source_dir(lib)
        if self.is_unpacked(lib):
            return dest
        self.verify(lib)
        self.base.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.base, prefix=".unpack-") as tmp:
            tree = Path(tmp) / "tree"
            if lib.origin == "debian":
                self._dpkg_source(lib, tree)
            else:
                self._untar(lib, tree)
            (tree / STAMP).write_text(self._stamp(lib))
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tree, dest)
        return dest

    def _dpkg_source(self, lib: Library, tree: Path) -> None:
        dsc = next(a.name for a in lib.files if a.name.endswith(".dsc"))
        # the lock pins the .dsc's own hash, which pins every file it lists (dpkg-source
        # checks those); --no-check skips only the OpenPGP signature
        cmd = ["dpkg-source", "--no-check", "--no-copy", "-x",
               str(self.cache_dir(lib) / dsc), str(tree)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=300)
        except FileNotFoundError:
            raise OrbitalError("dpkg-source not found: install it with "
                               "`apt-get install -y dpkg-dev`") from None
        if proc.returncode != 0:
            why = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise OrbitalError(f"{lib.name}: dpkg-source -x failed: {why}")

    def _untar(self, lib: Library, tree: Path) -> None:
        archive = self.cache_dir(lib) / lib.files[0].name
        try:
            with tarfile.open(archive) as tf:
                members = tf.getmembers()
                tops = {m.name.split("/", 1)[0] for m in members}
                if len(tops) != 1:
                    raise OrbitalError(f"{lib.name}: {archive.name} has no single top folder")
                staging = tree.parent / "raw"
                tf.extractall(staging, filter="data")
        except (tarfile.TarError, OSError) as e:
            raise OrbitalError(f"{lib.name}: cannot unpack {archive.name}: {e}") from None
        os.replace(staging / tops.pop(), tree)
