"""Shared fixtures: images are built once per test session and booted on demand."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Images:
    """Builds images/NAME.toml at most once per session."""

    def __init__(self) -> None:
        self._built: dict[str, dict] = {}

    def build(self, name: str) -> dict:
        if name not in self._built:
            from orbital_build.image.command import build_image
            self._built[name] = build_image(ROOT / "images" / f"{name}.toml", quiet=True)
        return self._built[name]

    def path(self, name: str) -> Path:
        return ROOT / self.build(name)["image"]


@pytest.fixture(scope="session")
def images() -> Images:
    return Images()
