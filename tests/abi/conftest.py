"""Shared fixtures for the ABI tests: the mini fixture ABI, a module loader, gcc."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from orbital_build.abi.model import Abi

HERE = Path(__file__).resolve().parent


def load_module(name: str, path: Path) -> ModuleType:
    """Import the Python file at `path` as module `name` (registered in sys.modules, which
    dataclasses need to resolve string annotations)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mini() -> Abi:
    """A fresh copy of tests/abi/fixtures/mini_abi.py's ABI (not validated)."""
    return load_module("orbital_abi_mini_fixture", HERE / "fixtures" / "mini_abi.py").mini_abi()


@pytest.fixture
def load_source(tmp_path: Path) -> Callable[[str, str], ModuleType]:
    """Import generated Python text as a module."""
    def load(name: str, text: str) -> ModuleType:
        path = tmp_path / f"{name}.py"
        path.write_text(text, encoding="utf-8")
        return load_module(name, path)
    return load


@pytest.fixture(scope="session")
def gcc() -> str:
    path = shutil.which("gcc")
    if path is None:
        pytest.skip("gcc not installed")
    return path
