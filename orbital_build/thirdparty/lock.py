"""The lock file (`services/third_party/lock.toml`): every third-party C library the
images may link, pinned to one version of one registry artifact.

Each `[library.NAME]` table names where the source comes from and what it must hash to;
an optional `[library.NAME.build]` table says which of its files build the library for
ring 3. The project's own glue for NAME (config headers, a port layer) lives beside the
lock in `services/third_party/NAME/`: its `include/` comes first on the include path and
its `*.c` files are compiled into the library. The fetched source is never committed.

    [library.libsodium]
    version = "1.0.18-1+deb12u1"          # the registry's version string, exactly
    licence = "ISC"
    origin = "debian"                     # debian: a source package (apt-get source)
    package = "libsodium"                 # pypi: an sdist (pip download)
    suite = "bookworm"                    # debian only: the suite that carries it
    files = [{ name = "libsodium_1.0.18-1+deb12u1.dsc", sha256 = "…" }, …]

    [library.libsodium.build]
    root = "src/libsodium"                # inside the unpacked tree
    include = ["include/sodium"]          # public headers (relative to root)
    private_include = ["include/sodium"]  # only while compiling the library
    sources = ["crypto_*/**/*.c"]         # globs relative to root
    exclude = ["**/*avx2*.c"]
    defines = ["HAVE_TI_MODE=1"]
    glue_include = ["include"]            # in services/third_party/NAME/ (the default)
    kernel_sources = ["sodium/utils.c"]   # files (not globs) every kernel links, built
                                          # with the kernel's flags; glue in NAME/kernel/
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..image.schema import SchemaError, Table, load_toml

LOCK_PATH = "services/third_party/lock.toml"
ORIGINS = ("debian", "pypi")
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
# file names a registry may hand us: no directories, no hidden files
FILE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+~-]*$")
# no epoch (":"): the version names directories and ninja paths
VERSION_RE = re.compile(r"^[0-9][A-Za-z0-9.+~-]*$")
DEFINE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(=[A-Za-z0-9_.\"-]*)?$")
GLOB_RE = re.compile(r"^[A-Za-z0-9_*.{}/-]+$")


@dataclass(frozen=True)
class Artifact:
    name: str
    sha256: str


@dataclass(frozen=True)
class BuildRecipe:
    root: str
    include: tuple[str, ...]
    private_include: tuple[str, ...]
    sources: tuple[str, ...]
    exclude: tuple[str, ...]
    defines: tuple[str, ...]
    glue_include: tuple[str, ...] = ("include",)
    kernel_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str
    origin: str
    package: str
    suite: str
    files: tuple[Artifact, ...]
    build: BuildRecipe | None

    @property
    def dirname(self) -> str:
        """`<name>-<version>`, the cache and unpack directory name."""
        return f"{self.name}-{self.version}"

    @property
    def coordinates(self) -> str:
        if self.origin == "debian":
            return f"debian:{self.suite}/{self.package}={self.version}"
        return f"pypi:{self.package}=={self.version}"


def _relpath_check(v: str) -> str | None:
    p = Path(v)
    if not v or p.is_absolute() or ".." in p.parts or not GLOB_RE.match(v):
        return "must be a relative path inside the unpacked tree"
    return None


def _kernel_source_check(v: str) -> str | None:
    problem = _relpath_check(v)
    if problem is None and (not v.endswith(".c") or any(c in v for c in "*{}")):
        problem = "must name one .c file (no globs: the kernel links exactly these)"
    return problem


def _strings(t: Table, key: str, check=None) -> tuple[str, ...]:
    values = t.get(key, list, [])
    for i, v in enumerate(values):
        if not isinstance(v, str):
            raise t.error(f"'{t.key(key)}[{i}]' must be a string")
        problem = check(v) if check else None
        if problem:
            raise t.error(f"'{t.key(key)}[{i}]': {problem}")
    return tuple(values)


def _build(t: Table | None) -> BuildRecipe | None:
    if t is None:
        return None
    recipe = BuildRecipe(
        root=t.get("root", str, ".", check=lambda v: None if v == "." else _relpath_check(v)),
        include=_strings(t, "include", _relpath_check),
        private_include=_strings(t, "private_include", _relpath_check),
        sources=_strings(t, "sources", _relpath_check),
        exclude=_strings(t, "exclude", _relpath_check),
        defines=_strings(t, "defines", lambda v: None if DEFINE_RE.match(v)
                         else "must be NAME or NAME=VALUE"),
        glue_include=_strings(t, "glue_include", _relpath_check) or ("include",),
        kernel_sources=_strings(t, "kernel_sources", _kernel_source_check),
    )
    if not recipe.sources:
        raise t.error(f"'{t.key('sources')}' must name at least one source glob")
    t.done()
    return recipe


def _library(name: str, t: Table) -> Library:
    if not NAME_RE.match(name):
        raise t.error(f"library name '{name}' must match [a-z][a-z0-9_-]{{0,30}}")
    origin = t.get("origin", str, required=True,
                   check=lambda v: None if v in ORIGINS else f"must be one of {', '.join(ORIGINS)}")
    files = []
    for i, f in enumerate(t.get("files", list, required=True)):
        ft = Table(t.path, f"{t.key('files')}[{i}]", f)
        files.append(Artifact(
            name=ft.get("name", str, required=True,
                        check=lambda v: None if FILE_RE.match(v) else "must be a plain file name"),
            sha256=ft.get("sha256", str, required=True,
                          check=lambda v: None if SHA256_RE.match(v)
                          else "must be 64 lowercase hex digits")))
        ft.done()
    if not files:
        raise t.error(f"'{t.key('files')}' must name at least one file")
    if origin == "pypi" and len(files) != 1:
        raise t.error(f"'{t.key('files')}': a pypi library is exactly one sdist")
    lib = Library(
        name=name,
        version=t.get("version", str, required=True,
                      check=lambda v: None if VERSION_RE.match(v) else "not a version string"),
        licence=t.get("licence", str, required=True,
                      check=lambda v: None if v.strip() else "must not be empty"),
        origin=origin,
        package=t.get("package", str, name,
                      check=lambda v: None if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", v)
                      else "not a package name"),
        suite=t.get("suite", str, "",
                    check=lambda v: None if re.fullmatch(r"[a-z][a-z0-9-]*", v) else
                    "not a suite name"),
        files=tuple(files),
        build=_build(t.table("build")),
    )
    t.done()
    if origin == "debian" and not lib.suite:
        raise t.error(f"missing key '{t.key('suite')}' (a debian library names its suite)")
    if origin == "pypi" and lib.suite:
        raise t.error(f"'{t.key('suite')}' is for debian libraries only")
    if origin == "debian" and not any(a.name.endswith(".dsc") for a in lib.files):
        raise t.error(f"'{t.key('files')}': a debian library lists its .dsc")
    return lib


def load_lock(path: Path) -> dict[str, Library]:
    """Read and check the lock file; every problem is a one-line SchemaError."""
    top = Table(path, "", load_toml(path))
    libs = top.table("library")
    top.done()
    if libs is None:
        return {}
    out = {}
    for name in libs.data:
        out[name] = _library(name, libs.table(name))
    libs.done()
    return out


def lookup(libs: dict[str, Library], name: str, path: Path) -> Library:
    if name not in libs:
        known = ", ".join(sorted(libs)) or "none"
        raise SchemaError(f"{path}: no library '{name}' (locked: {known})")
    return libs[name]
