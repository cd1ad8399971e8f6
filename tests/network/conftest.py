"""Fixtures for the Network service's host tests."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest
from core_host import build


@pytest.fixture(scope="session")
def core(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    out: Path = tmp_path_factory.mktemp("netcore") / "libnetcore.so"
    return build(out)
