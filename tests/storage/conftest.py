"""The C engine compiled for the host, once per test session."""

from __future__ import annotations

import ctypes

import pytest
from storage_host import build


@pytest.fixture(scope="session")
def lib(tmp_path_factory) -> ctypes.CDLL:
    return build(tmp_path_factory.mktemp("storage") / "libstorage.so")
