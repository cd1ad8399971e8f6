"""build.ninja statements for the third-party libraries an image's services link.

Per library NAME (a `[library.NAME.build]` recipe in the lock):
- its sources, compiled with THIRD_PARTY_CFLAGS (freestanding, -nostdinc, the project's
  libc headers) into `<builddir>/third_party/NAME/`,
- the project's glue `services/third_party/NAME/*.c`, compiled as our own code (user
  CFLAGS, warnings are errors) with the library's headers in view,
- both archived as `<builddir>/third_party/NAME.a`.
Once per image: `services/third_party/libc/*.c` (malloc, abort, errno... mapped onto
liborbital) as `<builddir>/third_party/libc.a`. A service naming libraries in the image
description compiles with their public headers and links their archives, then libc.a,
then liborbital.

A recipe's `kernel_sources` are linked into every kernel (kernel_statements): compiled
with the kernel's flags into `<builddir>/kernel/third_party/NAME/`, with the library's
kernel glue `services/third_party/NAME/kernel/*.c` compiled as kernel code; the kernel's
own files see the library's public headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import OrbitalError
from ..image.toolchain import THIRD_PARTY_LIBC, compiler_include_dir
from .lock import LOCK_PATH, Library

GLUE_DIR = "services/third_party"


@dataclass(frozen=True)
class BuiltLibrary:
    name: str
    archive: str
    cflags: tuple[str, ...]        # what a service linking it compiles with


def _rel(root: Path, p: Path) -> str:
    return str(p.relative_to(root)) if p.is_relative_to(root) else str(p)


def library_sources(root: Path, lib: Library, tree: Path) -> list[str]:
    """The recipe's source globs minus its excludes, sorted, relative to `root`."""
    assert lib.build is not None
    base = tree / lib.build.root
    chosen: set[Path] = set()
    for pattern in lib.build.sources:
        chosen.update(p for p in base.glob(pattern) if p.is_file() and p.suffix == ".c")
    for pattern in lib.build.exclude:
        chosen.difference_update(base.glob(pattern))
    if not chosen:
        raise OrbitalError(f"{LOCK_PATH}: library '{lib.name}': its source globs match "
                           f"no .c file under {_rel(root, base)}")
    return sorted(_rel(root, p) for p in chosen)


def _library_flags(root: Path, lib: Library, tree: Path) -> tuple[list[str], list[str], str]:
    """(include flags for compiling the library, public include dirs, glue dir)."""
    assert lib.build is not None
    recipe = lib.build
    base = tree / recipe.root
    glue = f"{GLUE_DIR}/{lib.name}"
    glue_inc = [f"{glue}/{d}" for d in recipe.glue_include if (root / glue / d).is_dir()]
    public = [*glue_inc, *(_rel(root, base / d) for d in recipe.include),
              f"{THIRD_PARTY_LIBC}/include"]
    private = [_rel(root, base / d) for d in recipe.private_include]
    incs = [f"-I{d}" for d in [*glue_inc, *private, *public[len(glue_inc):]]]
    return incs + [f"-D{d}" for d in recipe.defines], public, glue


def kernel_statements(root: Path, libs: dict[str, tuple[Library, Path]], builddir: str,
                      quote, compiler_include: str | None = None
                      ) -> tuple[list[str], list[str], list[str]]:
    """Ninja lines for the kernel part of `libs` (rules `ktpcc` and `kcc`); returns (lines,
    objects, the include flags the kernel's own files compile with). `compiler_include`
    is the compiler's own header directory (stddef.h, stdint.h): gcc's unless given."""
    lines: list[str] = []
    objs: list[str] = []
    kflags: list[str] = []
    gcc_include = compiler_include or compiler_include_dir()
    for name, (lib, tree) in sorted(libs.items()):
        if lib.build is None or not lib.build.kernel_sources:
            continue
        flags, public, glue = _library_flags(root, lib, tree)
        base = tree / lib.build.root
        for rel in lib.build.kernel_sources:
            src = base / rel
            if not src.is_file():
                raise OrbitalError(f"{LOCK_PATH}: library '{name}': kernel source {rel} is "
                                   f"not in {_rel(root, base)}")
            obj = f"{builddir}/kernel/third_party/{name}/{rel}.o"
            objs.append(obj)
            lines += [f"build {obj}: ktpcc {_rel(root, src)}",
                      f"  libflags = {quote(['-isystem', gcc_include, *flags])}"]
        for src in sorted(_rel(root, p) for p in (root / glue / "kernel").glob("*.c")):
            obj = f"{builddir}/kernel/third_party/{name}/glue/{Path(src).name}.o"
            objs.append(obj)
            lines.append(f"build {obj}: kcc {src}")
        # the kernel's own files see the library's include/ directories, nothing else
        kflags += [f for d in public if d.endswith("/include") and
                   not d.startswith(THIRD_PARTY_LIBC) for f in ("-isystem", d)]
    return lines, objs, kflags


def third_party_statements(root: Path, libs: dict[str, tuple[Library, Path]],
                           builddir: str, quote, compiler_include: str | None = None
                           ) -> tuple[list[str], dict[str, BuiltLibrary], str]:
    """Ninja lines for `libs` (rules `tpcc`, `ucc` and `ar`); returns (lines, name →
    BuiltLibrary, libc archive). `compiler_include` is the compiler's own header
    directory: gcc's unless given (the wasm64 build passes clang's)."""
    if not libs:
        return [], {}, ""
    gcc_include = compiler_include or compiler_include_dir()
    if not gcc_include:
        raise OrbitalError("cannot find the compiler's own include directory "
                           "(gcc -print-file-name, clang -print-resource-dir)")
    libc_inc = f"{THIRD_PARTY_LIBC}/include"
    lines = [f"tpcflags = {quote(['-isystem', gcc_include])}", ""]
    libc_objs = []
    for src in sorted(_rel(root, p) for p in (root / THIRD_PARTY_LIBC).glob("*.c")):
        obj = f"{builddir}/third_party/libc/{Path(src).name}.o"
        libc_objs.append(obj)
        lines += [f"build {obj}: ucc {src}", f"  svcflags = -I{libc_inc}"]
    libc_archive = f"{builddir}/third_party/libc.a"
    lines += [f"build {libc_archive}: ar {' '.join(libc_objs)}", ""]
    built = {}
    for name, (lib, tree) in sorted(libs.items()):
        if lib.build is None:
            raise OrbitalError(f"{LOCK_PATH}: library '{name}' is locked for fetching only "
                               f"(no [library.{name}.build] recipe): it cannot be linked yet")
        recipe = lib.build
        base = tree / recipe.root
        flags, public, glue = _library_flags(root, lib, tree)
        objs = []
        for src in library_sources(root, lib, tree):
            rel = Path(src).relative_to(_rel(root, base)) if recipe.root != "." else \
                Path(src).relative_to(_rel(root, tree))
            obj = f"{builddir}/third_party/{name}/{rel}.o"
            objs.append(obj)
            lines += [f"build {obj}: tpcc {src}", f"  libflags = {quote(flags)}"]
        for src in sorted(_rel(root, p) for p in (root / glue).glob("*.c")):
            obj = f"{builddir}/third_party/{name}/glue/{Path(src).name}.o"
            objs.append(obj)
            lines += [f"build {obj}: ucc {src}", f"  svcflags = {quote(flags)}"]
        archive = f"{builddir}/third_party/{name}.a"
        lines += [f"build {archive}: ar {' '.join(objs)}", ""]
        built[name] = BuiltLibrary(name, archive, tuple(f"-I{d}" for d in public))
    return lines, built, libc_archive
