"""Where the project tree lives: found from the working directory, else from this package."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import OrbitalError


def _is_root(p: Path) -> bool:
    return (p / "pyproject.toml").is_file() and (p / "kernel_image").is_dir()


def project_root(start: Path | None = None) -> Path:
    """The Orbital source tree: $ORBITAL_ROOT, else the nearest parent of `start` (cwd)
    holding pyproject.toml and kernel_image/, else the tree this package was installed from."""
    env = os.environ.get("ORBITAL_ROOT")
    if env:
        p = Path(env).resolve()
        if not _is_root(p):
            raise OrbitalError(f"ORBITAL_ROOT={env}: not an Orbital source tree")
        return p
    here = (start or Path.cwd()).resolve()
    for p in (here, *here.parents):
        if _is_root(p):
            return p
    pkg = Path(__file__).resolve().parent.parent
    if _is_root(pkg):
        return pkg
    raise OrbitalError("cannot find the Orbital source tree (set ORBITAL_ROOT)")
