"""`orbital-build deps fetch|verify|list [NAME...]`: the locked third-party libraries."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import Command
from ..paths import project_root
from .lock import LOCK_PATH, Library, load_lock, lookup
from .store import Store


def locked(root: Path) -> dict[str, Library]:
    return load_lock(root / LOCK_PATH)


def ensure(root: Path, names: list[str] | tuple[str, ...]) -> dict[str, tuple[Library, Path]]:
    """Fetch (if not cached), verify and unpack each named library; returns name →
    (library, unpacked tree). What an image build calls before writing build.ninja."""
    libs = locked(root)
    store = Store(root)
    out = {}
    for name in names:
        lib = lookup(libs, name, root / LOCK_PATH)
        store.fetch(lib)
        out[name] = (lib, store.unpack(lib))
    return out


def kernel_libraries(root: Path) -> list[str]:
    """The locked libraries whose recipe gives `kernel_sources`: every kernel links them."""
    return sorted(n for n, lib in locked(root).items()
                  if lib.build is not None and lib.build.kernel_sources)


class DepsCommand(Command):
    name = "deps"
    help = "fetch, verify or list the third-party C libraries pinned in " + LOCK_PATH

    def add_arguments(self, p: argparse.ArgumentParser) -> None:
        p.add_argument("action", choices=("fetch", "verify", "list"),
                       help="fetch: download what the cache lacks, verify and unpack; "
                            "verify: check the cache against the lock; list: show the lock")
        p.add_argument("names", nargs="*", metavar="NAME", help="libraries (default: all)")

    def run(self, args: argparse.Namespace) -> int:
        root = project_root()
        libs = locked(root)
        chosen = [lookup(libs, n, root / LOCK_PATH) for n in args.names] or list(libs.values())
        store = Store(root)
        for lib in chosen:
            if args.action == "list":
                state = "cached" if not store.missing(lib) else "not fetched"
                built = "builds" if lib.build else "fetch only"
                print(f"{lib.name:<12} {lib.version:<20} {lib.licence:<14} "
                      f"{lib.coordinates}  [{state}, {built}]")
            elif args.action == "verify":
                store.verify(lib)
                print(f"{lib.name} {lib.version}: {len(lib.files)} file(s) match the lock")
            else:
                fetched = store.fetch(lib)
                tree = store.unpack(lib)
                rel = tree.relative_to(root) if tree.is_relative_to(root) else tree
                print(f"{lib.name} {lib.version}: {'fetched' if fetched else 'cached'}, "
                      f"unpacked in {rel}")
        return 0
